package cli;

import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Option;
import backprop.TwoLayerNet;

/** The options that choose the hand-written net's starting weights: a picocli mixin of forward, backward, train-manual. */
public class TwoLayerNetOptions {
    static final int DEFAULT_HIDDEN = 64;

    @Option(names = "--hidden", paramLabel = "H", description = "Hidden units, 1 to 1024 (train-manual, which draws the boundary "
            + "at 40,000 points; backward: 256, its finite differences take two passes per parameter; forward: 65536) (default "
            + DEFAULT_HIDDEN + ", or W1's rows with --init).")
    Integer hidden;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the He-normal init, any 64-bit integer (default ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--init", paramLabel = "FILE.npz", description = "Start weights W1 [H,2], b1 [H], W2 [2,H], b2 [2] (PyTorch layout).")
    Path init;

    /** --hidden, or null when not given (then the default, or W1's rows with --init). */
    public Integer hidden() {
        return hidden;
    }

    /** --seed of the He-normal init. */
    public long seed() {
        return seed;
    }

    /** --init, or null. */
    public Path init() {
        return init;
    }

    /** Checks the options on their own (before anything is read or written); a step allows at most {@code maxHidden} units. */
    public void validate(int maxHidden) {
        Cli.require(hidden == null || hidden >= 1 && hidden <= maxHidden, "--hidden must be an integer from 1 to " + maxHidden + ", got " + hidden);
    }

    /** Where the starting weights come from, e.g. {@code He-normal init, seed 0} or {@code weights from init.npz}. */
    public String describe() {
        return init != null ? "weights from " + init : "He-normal init, seed " + seed;
    }

    /** The starting net: the --init weights (at most {@code maxHidden} units), else He-normal from --seed. */
    public TwoLayerNet create(DataType type, int maxHidden) {
        TwoLayerNet net = init != null ? TwoLayerNet.load(init, "--init", hidden, type)
                : TwoLayerNet.heNormal(hidden == null ? DEFAULT_HIDDEN : hidden, seed, type);
        Cli.require(net.hidden() <= maxHidden, "--init: W1 has " + net.hidden() + " rows; this step takes at most " + maxHidden + " hidden units");
        return net;
    }

    @Override
    public String toString() {
        return (hidden != null ? "--hidden " + hidden + " " : "") + (init != null ? "--init " + init : "--seed " + seed);
    }
}
