package study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.Format;

/**
 * One activation's gradient norms in step 3 (gradnorms), in numbers (report.GradnormsResult puts them into words): the
 * median of every hidden layer's norm over all epochs and runs, and the median over all (run, epoch) of the ratio
 * norm(hidden1) / norm(hiddenN). Epochs whose last-layer norm is 0 (dead ReLUs: no
 * gradient at all) have no ratio and are counted in {@code undefined}. What each epoch's step did to every hidden
 * layer (updates.csv), median over all epochs and runs: {@code medianUpdateNorm}, {@code ||W_after - W_before||},
 * and {@code medianUpdateRatio}, that over {@code ||W_before||} (NaN where not recorded).
 */
public record LayerStats(List<String> layers, double[] medianNorm, double medianRatio, int ratios, int undefined,
        double[] medianUpdateNorm, double[] medianUpdateRatio) {
    public static LayerStats of(List<Run> runs) {
        List<String> layers = runs.get(0).layers();
        double[] medians = median(runs, Run.GRAD_NORM, layers.size());
        var ratios = new ArrayList<Double>();
        int undefined = 0;
        for (Run run : runs) {
            for (double[] epoch : run.gradNorms()) {
                double ratio = epoch[0] / epoch[epoch.length - 1];
                if (Double.isFinite(ratio)) ratios.add(ratio);
                else undefined++;
            }
        }
        return new LayerStats(layers, medians, Stats.of(ratios.stream().mapToDouble(Double::doubleValue).toArray()).median(),
                ratios.size(), undefined, median(runs, Run.UPDATE_NORM, layers.size()), median(runs, Run.UPDATE_RATIO, layers.size()));
    }

    /** Per hidden layer, the median of {@code quantity} over all epochs and runs that recorded it (not NaN). */
    static double[] median(List<Run> runs, String quantity, int layers) {
        double[] medians = new double[layers];
        for (int k = 0; k < layers; k++) {
            int layer = k;
            medians[k] = Stats.of(runs.stream().flatMapToDouble(r -> Arrays.stream(r.series(quantity, layer))).filter(v -> !Double.isNaN(v))
                    .toArray()).median();
        }
        return medians;
    }

    /** Whether updates.csv's numbers are there (runs trained or read back, not hand-made with gradient norms only). */
    public boolean hasUpdates() {
        return !Double.isNaN(medianUpdateRatio[0]);
    }

    /** The average factor per layer going back: the ratio's (layers - 1)-th root. */
    public double perLayerFactor() {
        return Math.pow(medianRatio, 1.0 / (layers.size() - 1));
    }

    @Override
    public String toString() {
        return "LayerStats(median norm " + layers + " = " + Arrays.stream(medianNorm).mapToObj(Format::scientific).toList()
                + ", median ratio " + Format.number(medianRatio) + " over " + ratios + " epochs, " + undefined + " undefined"
                + ", median update " + Arrays.stream(medianUpdateNorm).mapToObj(Format::scientific).toList()
                + ", median update:weight " + Arrays.stream(medianUpdateRatio).mapToObj(Format::scientific).toList() + ")";
    }
}
