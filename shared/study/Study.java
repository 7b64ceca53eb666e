package study;

import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import nn.Activation;
import nn.Mlp;

/**
 * The settings of a study of activations (steps 2 and 3 of the vanishing-gradient exercise): nets of {@code depth}
 * hidden layers of {@code width} units, one per activation and run, trained {@code epochs} full-batch epochs with SGD.
 * Run r of every activation starts from the same weights: PyTorch's after {@code torch.manual_seed(seed + r - 1)}, or,
 * when {@code seed} is null, the --init file's (then there is one run). {@code data} says what the nets learn from.
 * This is what summary.json records and {@link RunFiles#read} gives back.
 */
public record Study(int depth, int width, List<Activation> activations, int runs, Long seed, int epochs, double lr,
        double momentum, String data) {
    /** float32, as PyTorch trains: the steps reproduce its trajectories, not a more precise variant of them. */
    public static final DataType TYPE = DataType.FLOAT;

    public Study {
        activations = List.copyOf(activations);
    }

    /**
     * The model of one activation, before any weights are set: {@code hidden1 = Linear(2, width)}, {@code hidden2 ..
     * hidden<depth> = Linear(width, width)}, {@code latent = Linear(width, 2)}, {@code output = Linear(2, 2)}, the
     * activation after every layer but the output.
     */
    public Mlp newNet(Activation activation) {
        return Mlp.deep(depth, width, activation, TYPE);
    }

    /** The torch seed of run {@code run} (1-based); null for --init weights. */
    public Long seedOf(int run) {
        return seed == null ? null : seed + run - 1;
    }

    /** How many nets the study trains: one per (activation, run). */
    public int nets() {
        return activations.size() * runs;
    }

    /** e.g. {@code 3 hidden layers x 264, relu and sigmoid, 5 runs each (seeds 0..4), 1000 epochs, full-batch SGD lr 0.01 momentum 0.99, <data>}. */
    public String describe() {
        String starts = seed == null ? "from --init weights" : runs == 1 ? "seed " + seed : "seeds " + seed + ".." + (seed + runs - 1);
        return String.format(Locale.ROOT, "%d hidden layers x %d, %s, %d run%s each (%s), %d epochs, full-batch SGD lr %s momentum %s, %s",
                depth, width, Activation.optionNames(activations), runs,
                runs == 1 ? "" : "s", starts, epochs, lr, momentum, data);
    }
}
