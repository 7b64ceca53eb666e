package study;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.DivergedException;
import io.Format;
import nn.Activation;
import nn.Training;

/**
 * What one net of a {@link Study} recorded: run {@code run} of {@code activation}, started from torch seed {@code seed}
 * (null: the --init weights). {@code epochs}: a row per finished epoch (its forward pass, before its update).
 * {@code perLayer}: per recorded quantity, named by its CSV column ({@link Training#PER_LAYER}), a number per epoch and
 * hidden layer, {@code perLayer.get(GRAD_NORM)[epoch][k]} the L2 norm of hidden layer k's weight gradient; a quantity
 * not given is NaN throughout, as one that does not apply to the activation is (dead units are ReLU's, saturated
 * outputs Sigmoid's). {@code result}: loss and
 * accuracies of the trained net, after the last update. A diverged run keeps its rows up to the epoch whose loss was
 * not finite, has no result, and says why in {@code diverged} (null when it finished). {@code seconds}: the wall time
 * of its training (NaN for a run read back from files).
 */
public record Run(Activation activation, int run, Long seed, List<Training.Epoch> epochs, List<String> layers,
        Map<String, double[][]> perLayer, Result result, String diverged, double seconds) {
    /** The column of gradnorms.csv, and the key of the weight-gradient norms in {@link #perLayer}. */
    public static final String GRAD_NORM = Training.GRAD_NORM;
    /** The columns of updates.csv: {@code ||W_after - W_before||}, {@code ||W_before||} and their ratio. */
    public static final String UPDATE_NORM = Training.UPDATE_NORM, WEIGHT_NORM = Training.WEIGHT_NORM, UPDATE_RATIO = Training.UPDATE_RATIO;
    /** The columns of units.csv: the share of dead ReLU units and of saturated sigmoid outputs. */
    public static final String DEAD_FRACTION = Training.DEAD_FRACTION, SATURATED_FRACTION = Training.SATURATED_FRACTION;

    /** Loss and accuracies of the trained net, after the last update (the net that is plotted and saved). */
    public record Result(double loss, double trainAccuracy, double testAccuracy) {}

    public Run {
        epochs = List.copyOf(epochs);
        layers = List.copyOf(layers);
        int n = epochs.size(), depth = layers.size();
        for (var e : perLayer.entrySet()) {
            boolean fits = e.getValue().length == n && Arrays.stream(e.getValue()).allMatch(row -> row.length == depth);
            if (!fits) throw new IllegalArgumentException(e.getKey() + ": expected " + n + " epochs x " + depth + " layers");
        }
        var complete = new LinkedHashMap<String, double[][]>();
        for (String quantity : Training.PER_LAYER) complete.put(quantity, perLayer.containsKey(quantity) ? perLayer.get(quantity) : nan(n, depth));
        complete.putAll(perLayer);
        perLayer = Collections.unmodifiableMap(complete);
        if ((result == null) == (diverged == null)) throw new IllegalArgumentException("a run has either a result or a divergence message");
    }

    public boolean finished() {
        return diverged == null;
    }

    /** e.g. {@code relu run 2 (seed 1)}. */
    public String label() {
        return activation + " run " + run + (seed == null ? "" : " (seed " + seed + ")");
    }

    /** e.g. {@code ReLU run 2 (seed 1)}: the label in figures and answers. */
    public String displayLabel() {
        return activation.displayName() + " run " + run + (seed == null ? "" : " (seed " + seed + ")");
    }

    /** {@code gradNorms()[epoch][k]}: hidden layer k's weight-gradient norm in that epoch. */
    public double[][] gradNorms() {
        return perLayer.get(GRAD_NORM);
    }

    /** The weight-gradient norms of hidden layer {@code layer} (0 = hidden1), epoch by epoch. */
    public double[] gradNorms(int layer) {
        return series(GRAD_NORM, layer);
    }

    /** The epochs' numbers 0, 1, 2, ... as a plot's x values. */
    public double[] epochNumbers() {
        return epochs.stream().mapToDouble(Training.Epoch::epoch).toArray();
    }

    /** Quantity {@code quantity} (a key of {@link #perLayer}, e.g. {@link #UPDATE_RATIO}) of hidden layer {@code layer}, epoch by epoch. */
    public double[] series(String quantity, int layer) {
        return Arrays.stream(perLayer.get(quantity)).mapToDouble(row -> row[layer]).toArray();
    }

    private static double[][] nan(int epochs, int layers) {
        double[][] table = new double[epochs][layers];
        for (double[] row : table) Arrays.fill(row, Double.NaN);
        return table;
    }

    /** {@code relu run 1 (seed 0): 1000 epochs, final loss 0.0123, train acc 99.0%, test acc 98.5%}, or why it diverged. */
    @Override
    public String toString() {
        String what = label() + ": " + Format.count(epochs.size(), "epoch");
        return finished() ? what + ", final loss " + Format.number(result.loss()) + ", train acc " + Format.percent(result.trainAccuracy())
                + ", test acc " + Format.percent(result.testAccuracy()) : what + ", " + diverged;
    }

    /** e.g. {@code 1 of 10 runs diverged (relu run 3 (seed 2)); the other runs and all files were written}; null when none did. */
    public static String divergence(List<Run> runs) {
        List<String> diverged = runs.stream().filter(r -> !r.finished()).map(r -> r.label() + " at epoch " + r.epochs().size()).toList();
        return diverged.isEmpty() ? null : diverged.size() + " of " + runs.size() + " runs diverged (" + String.join(", ", diverged)
                + "); the other runs and all files were written";
    }

    /** A diverged run ends the step with exit 3 after everything is written: one line naming every diverged run. */
    public static void throwIfDiverged(List<Run> runs) {
        String divergence = divergence(runs);
        if (divergence != null) throw new DivergedException(divergence);
    }
}
