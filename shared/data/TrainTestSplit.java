package data;

/**
 * scikit-learn's {@code train_test_split(x, y, test_size=F, random_state=S)} with shuffling and no stratification:
 * {@code ShuffleSplit} draws one {@code permutation(n)}; its first {@code ceil(F * n)} indices are the test set and
 * the rest, in permutation order, the train set.
 */
public final class TrainTestSplit {
    private TrainTestSplit() {}

    /** Train and test sizes for a float test size, as {@code _validate_shuffle_split}: test = ceil(F * n). */
    public record Sizes(int train, int test) {}

    /** The sizes, or an {@link IllegalArgumentException} where scikit-learn raises a ValueError. */
    public static Sizes sizes(int n, double testSize) {
        if (!(testSize > 0 && testSize < 1)) {
            throw new IllegalArgumentException("test_size=" + testSize + " should be a float in the (0, 1) range");
        }
        int test = (int) Math.ceil(testSize * n);
        int train = n - test;
        if (train <= 0) {
            throw new IllegalArgumentException("with n_samples=" + n + " and test_size=" + testSize
                    + " the train set would be empty");
        }
        return new Sizes(train, test);
    }

    /** Splits {@code points} (rows and labels together) with {@code RandomState(seed).permutation(n)}. */
    public static Split split(Points points, double testSize, long seed) {
        int n = points.size();
        Sizes sizes = sizes(n, testSize);
        int[] permutation = new NumpyRandomState(seed).permutation(n);
        return new Split(
                select(points, permutation, sizes.test(), sizes.train()),
                select(points, permutation, 0, sizes.test()));
    }

    private static Points select(Points points, int[] order, int from, int count) {
        double[][] x = new double[count][];
        int[] y = new int[count];
        for (int k = 0; k < count; k++) {
            int i = order[from + k];
            x[k] = points.x()[i].clone();
            y[k] = points.y()[i];
        }
        return new Points(x, y);
    }
}
