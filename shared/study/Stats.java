package study;

import java.util.Arrays;

/**
 * Mean, sample standard deviation (n - 1; 0 for one value), min, max and median (the mean of the middle two for an
 * even count) of some values; all NaN for none. The one place these statistics are computed.
 */
public record Stats(int n, double mean, double std, double min, double max, double median) {
    public static Stats of(double... values) {
        int n = values.length;
        if (n == 0) return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(values).sum() / n;
        double squares = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(n, mean, n > 1 ? Math.sqrt(squares / (n - 1)) : 0, sorted[0], sorted[n - 1], median);
    }
}
