package data;

/**
 * The lecture's data, exactly as scikit-learn 1.2.1 makes it:
 * {@code make_moons(n_samples=1000, noise=0.2, random_state=42)}, {@code StandardScaler().fit_transform} on all
 * points, then {@code train_test_split(test_size=0.2, random_state=42)}: 800 train and 200 test points.
 */
public final class TwoMoons {
    public static final int LECTURE_SAMPLES = 1000;
    public static final double LECTURE_NOISE = 0.2;
    public static final long LECTURE_SEED = 42;
    public static final double LECTURE_TEST_SIZE = 0.2;
    public static final long LECTURE_SPLIT_SEED = 42;

    private TwoMoons() {}

    /** The lecture's standardized train (800) and test (200) points, made once per JVM (every step uses them). */
    public static Split lecture() {
        return Lecture.DATA;
    }

    /** Holds the lecture's data, made on first use. */
    private static final class Lecture {
        static final Split DATA = standardizeAndSplit(makeMoons(LECTURE_SAMPLES, LECTURE_NOISE, LECTURE_SEED),
                LECTURE_TEST_SIZE, LECTURE_SPLIT_SEED);
    }

    /**
     * {@code make_moons(n_samples=samples, noise=noise, random_state=seed)}: floor(samples/2) points of class 0 on
     * the upper half circle, the rest (class 1) on the lower one shifted by (1, -0.5); shuffled, then Gaussian noise
     * added. The noise is drawn even when it is 0, as scikit-learn does (it only skips noise=None).
     */
    public static Points makeMoons(int samples, double noise, long seed) {
        if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        if (!(noise >= 0) || Double.isInfinite(noise)) throw new IllegalArgumentException("noise must be finite and >= 0");
        int outer = samples / 2;
        int inner = samples - outer;
        double[] outerAngle = linspace(0, Math.PI, outer);
        double[] innerAngle = linspace(0, Math.PI, inner);
        double[][] circles = new double[samples][];
        int[] labels = new int[samples];
        for (int i = 0; i < outer; i++) {
            circles[i] = new double[] {Math.cos(outerAngle[i]), Math.sin(outerAngle[i])};
        }
        for (int i = 0; i < inner; i++) {
            // 1 - sin(t) - 0.5 rather than 0.5 - sin(t): the rounding follows scikit-learn's expression.
            circles[outer + i] = new double[] {1 - Math.cos(innerAngle[i]), 1 - Math.sin(innerAngle[i]) - 0.5};
            labels[outer + i] = 1;
        }
        var random = new NumpyRandomState(seed);
        // sklearn.utils.shuffle: RandomState.shuffle(arange(n)) picks the order; then the noise, drawn in C order.
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) order[i] = i;
        random.shuffle(order);
        double[][] x = new double[samples][];
        int[] y = new int[samples];
        for (int k = 0; k < samples; k++) {
            x[k] = circles[order[k]].clone();
            y[k] = labels[order[k]];
        }
        double[][] noiseDraws = random.normal(0.0, noise, samples, 2);
        for (int k = 0; k < samples; k++) {
            x[k][0] += noiseDraws[k][0];
            x[k][1] += noiseDraws[k][1];
        }
        return new Points(x, y);
    }

    /** {@code StandardScaler().fit_transform} on all points, then {@code train_test_split}. */
    public static Split standardizeAndSplit(Points raw, double testSize, long splitSeed) {
        var scaled = new Points(StandardScaler.fit(raw.x()).transform(raw.x()), raw.y().clone());
        return TrainTestSplit.split(scaled, testSize, splitSeed);
    }

    /**
     * {@code np.linspace(start, stop, num)}: {@code start + i * ((stop - start) / (num - 1))}, the last point set to
     * exactly {@code stop}; a single point is {@code start}.
     */
    public static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        double delta = stop - start;
        if (num == 1) out[0] = 0 * delta + start; // numpy: step undefined, y = arange(1) * delta + start
        if (num <= 1) return out;
        double step = delta / (num - 1);
        for (int i = 0; i < num; i++) {
            // numpy divides first when the step underflows to 0; impossible for (0, pi) but kept for fidelity
            out[i] = (step == 0 ? i / (double) (num - 1) * delta : i * step) + start;
        }
        out[num - 1] = stop;
        return out;
    }
}
