package study;

import java.util.Arrays;
import java.util.List;
import nn.Activation;
import nn.PyTorchReference;

/**
 * One activation's runs in a few numbers: how many there were and diverged, the final test accuracy and loss of the
 * finished ones, how many of those stayed at chance ({@link PyTorchReference#CHANCE}), and the median weight-gradient
 * norm of hidden1 over every epoch of every run. What summary.json keeps per activation and step 2's answer cites.
 */
public record ActivationSummary(Activation activation, int runs, int diverged, Stats testAccuracy, Stats finalLoss, int atChance,
        double medianFirstLayerGradNorm) {

    /** The summary of {@code activation}'s runs among {@code all}. */
    public static ActivationSummary of(Activation activation, List<Run> all) {
        var mine = all.stream().filter(r -> r.activation() == activation).toList();
        var finished = mine.stream().filter(Run::finished).toList();
        double[] test = finished.stream().mapToDouble(r -> r.result().testAccuracy()).toArray();
        double[] loss = finished.stream().mapToDouble(r -> r.result().loss()).toArray();
        int atChance = (int) Arrays.stream(test).filter(PyTorchReference::atChance).count();
        double[] firstLayer = mine.stream().flatMapToDouble(r -> Arrays.stream(r.gradNorms(0))).toArray();
        return new ActivationSummary(activation, mine.size(), mine.size() - finished.size(), Stats.of(test), Stats.of(loss), atChance,
                Stats.of(firstLayer).median());
    }

    public int finished() {
        return runs - diverged;
    }
}
