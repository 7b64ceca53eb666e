package data;

/**
 * numpy's legacy {@code np.random.RandomState}, the generator scikit-learn draws from: MT19937 seeded the legacy
 * way, with the legacy uniform, Gaussian and shuffle algorithms. Every draw is bit-identical to numpy's for the same
 * seed, so data made here is the data the lecture made in Python.
 * Sources: numpy/random/_mt19937.pyx ({@code _legacy_seeding}), src/mt19937/mt19937.c,
 * src/legacy/legacy-distributions.c ({@code legacy_gauss}), src/distributions/distributions.c
 * ({@code random_interval}), mtrand.pyx ({@code shuffle}, {@code _shuffle_raw}, {@code permutation}).
 */
public final class NumpyRandomState {
    public static final long MAX_SEED = 0xffffffffL;

    private final MersenneTwister generator;
    // The polar method makes Gaussians in pairs; numpy keeps the second for the next call.
    private boolean hasGauss;
    private double gauss;

    /** {@code RandomState(seed)} for an int seed in [0, 2^32-1], as numpy checks. */
    public NumpyRandomState(long seed) {
        if (seed < 0 || seed > MAX_SEED) {
            throw new IllegalArgumentException("Seed must be between 0 and 2**32 - 1, got " + seed);
        }
        generator = new MersenneTwister(seed);
    }

    /** The next tempered 32-bit output, as an unsigned value in a long. */
    public long nextUint32() {
        return Integer.toUnsignedLong(generator.nextInt());
    }

    /** {@code random_sample()}: 27 + 26 random bits make a double in [0, 1) with 53-bit resolution. */
    public double randomSample() {
        long a = nextUint32() >>> 5;
        long b = nextUint32() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /** {@code standard_normal()} of the legacy generator: Marsaglia's polar method, second value cached. */
    public double gauss() {
        if (hasGauss) {
            hasGauss = false;
            double cached = gauss;
            gauss = 0.0;
            return cached;
        }
        double x1;
        double x2;
        double r2;
        do {
            x1 = 2.0 * randomSample() - 1.0;
            x2 = 2.0 * randomSample() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        } while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.sqrt(-2.0 * Math.log(r2) / r2);
        gauss = f * x1;
        hasGauss = true;
        return f * x2;
    }

    /** {@code normal(loc, scale)}: numpy computes {@code loc + scale * gauss}, in that order. */
    public double normal(double loc, double scale) {
        return loc + scale * gauss();
    }

    /** {@code normal(loc, scale, size=(rows, cols))}: filled in C order, row by row. */
    public double[][] normal(double loc, double scale, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            for (int j = 0; j < cols; j++) row[j] = normal(loc, scale);
        }
        return out;
    }

    /**
     * numpy's {@code random_interval(max)}: uniform in [0, max] by drawing under the smallest all-ones bit mask
     * covering max and rejecting values above it. numpy switches to 64-bit draws above 2^32 - 1, a bound no Java
     * array index reaches, so that branch is left out.
     */
    public long randomInterval(long max) {
        if (max < 0 || max > 0xffffffffL) throw new IllegalArgumentException("max must be in [0, 2^32 - 1], got " + max);
        if (max == 0) return 0;
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do value = nextUint32() & mask; while (value > max);
        return value;
    }

    /** {@code shuffle(x)} of a 1-D array: Fisher-Yates from the last element down to index 1. */
    public void shuffle(int[] x) {
        for (int i = x.length - 1; i >= 1; i--) {
            int j = (int) randomInterval(i);
            int swap = x[j];
            x[j] = x[i];
            x[i] = swap;
        }
    }

    /** {@code permutation(n)}: {@code arange(n)} shuffled. */
    public int[] permutation(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = i;
        shuffle(out);
        return out;
    }

    @Override
    public String toString() {
        return "NumpyRandomState[numpy's legacy RandomState, " + generator + (hasGauss ? ", a Gaussian cached" : "") + "]";
    }
}
