package data;

/**
 * scikit-learn's {@code StandardScaler} (with mean, with std) for dense columns without NaN: the mean and the
 * population variance from {@code _incremental_mean_and_var} (Chan, Golub and LeVeque's corrected two-pass
 * algorithm), near-constant columns scaled by 1, and {@code transform} as {@code (x - mean) / scale}.
 */
public record StandardScaler(double[] mean, double[] variance, double[] scale) {
    private static final double EPS = Math.ulp(1.0); // np.finfo(np.float64).eps

    /** {@code StandardScaler().fit(x)}. */
    public static StandardScaler fit(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] sum = columnSums(x, null);
        double[] mean = new double[d];
        double[] shift = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (0.0 + sum[j]) / n; // (last_sum + new_sum) / count with last_sum = 0.0
            shift[j] = sum[j] / n;        // T, the same number, computed separately as sklearn does
        }
        double[] correction = columnSums(x, shift);
        double[] squares = columnSquares(x, shift);
        double[] variance = new double[d];
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            // The correction term cancels the rounding error of the mean used as the shift.
            variance[j] = (squares[j] - correction[j] * correction[j] / n) / n;
            // _is_constant_feature: the variance is within the two-pass algorithm's error bound of zero.
            double bound = n * EPS * variance[j] + square(n * mean[j] * EPS);
            scale[j] = variance[j] <= bound ? 1.0 : Math.sqrt(variance[j]);
        }
        return new StandardScaler(mean, variance, scale);
    }

    /** {@code transform(x)}: a new array, each column centred by its mean, then divided by its scale. */
    public double[][] transform(double[][] x) {
        double[][] out = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = new double[x[i].length];
            for (int j = 0; j < x[i].length; j++) out[i][j] = (x[i][j] - mean[j]) / scale[j];
        }
        return out;
    }

    /**
     * {@code np.sum(x - shift, axis=0)} of a C-ordered array: numpy walks the rows in order and adds each row to
     * the running sums, so every column is a plain left-to-right sum (not numpy's pairwise sum).
     */
    private static double[] columnSums(double[][] x, double[] shift) {
        double[] sum = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < sum.length; j++) sum[j] += shift == null ? row[j] : row[j] - shift[j];
        }
        return sum;
    }

    /** {@code np.sum((x - shift) ** 2, axis=0)}, in the same row order. */
    private static double[] columnSquares(double[][] x, double[] shift) {
        double[] sum = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < sum.length; j++) sum[j] += square(row[j] - shift[j]);
        }
        return sum;
    }

    private static double square(double v) {
        return v * v;
    }

    /** The fitted columns' means and scales, e.g. {@code StandardScaler[mean [0.500, 0.250], scale [0.870, 0.495]]}. */
    @Override
    public String toString() {
        return "StandardScaler[mean " + Format3.of(mean) + ", scale " + Format3.of(scale) + "]";
    }

    /** Three significant digits per number, for toString. */
    private static final class Format3 {
        static String of(double[] values) {
            return java.util.Arrays.stream(values).mapToObj(v -> String.format(java.util.Locale.ROOT, "%.3g", v))
                    .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        }
    }
}
