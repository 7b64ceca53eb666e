import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import data.NumpyRandomState;

/**
 * numpy's legacy RandomState, draw for draw. Every expected number below was printed by numpy 1.24.2
 * ({@code /usr/bin/python3}); the one-liner that printed it is in the comment above it. Doubles compare bitwise.
 */
class NumpyRandomStateTest {
    static void assertBitwise(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    "draw " + i + ": expected " + expected[i] + " but was " + actual[i]);
        }
    }

    static long[] raw(long seed, int count) {
        var random = new NumpyRandomState(seed);
        long[] out = new long[count];
        for (int i = 0; i < count; i++) out[i] = random.nextUint32();
        return out;
    }

    @Test
    void rawOutputsOfTheSeedingAndTwist() {
        // np.random.RandomState(42)._bit_generator.random_raw(5)
        assertArrayEquals(new long[] {1608637542L, 3421126067L, 4083286876L, 787846414L, 3143890026L}, raw(42, 5));
        // np.random.RandomState(0)._bit_generator.random_raw(3)
        assertArrayEquals(new long[] {2357136044L, 2546248239L, 3071714933L}, raw(0, 3));
        // np.random.RandomState(4294967295)._bit_generator.random_raw(3)
        assertArrayEquals(new long[] {419326371L, 479346978L, 3918654476L}, raw(4294967295L, 3));
    }

    @Test
    void seedsOutsideNumpysRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(-1));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(1L << 32));
    }

    @Test
    void randomSample() {
        // np.random.RandomState(42).random_sample(5)
        double[] expected = {0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366, 0.15601864044243652};
        var random = new NumpyRandomState(42);
        double[] actual = new double[5];
        for (int i = 0; i < 5; i++) actual[i] = random.randomSample();
        assertBitwise(expected, actual);
    }

    @Test
    void legacyGaussian() {
        // np.random.RandomState(42).standard_normal(5)
        double[] expected = {0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597};
        var random = new NumpyRandomState(42);
        double[] actual = new double[5];
        for (int i = 0; i < 5; i++) actual[i] = random.gauss();
        assertBitwise(expected, actual);
    }

    @Test
    void theCachedSecondGaussianSurvivesAUniformDraw() {
        // r = np.random.RandomState(42); r.standard_normal(), r.random_sample(), r.standard_normal()
        var random = new NumpyRandomState(42);
        double first = random.gauss();
        double uniform = random.randomSample();
        double second = random.gauss();
        assertBitwise(new double[] {0.4967141530112327, 0.7319939418114051, -0.13826430117118466},
                new double[] {first, uniform, second});
    }

    @Test
    void normalFillsInCOrder() {
        // np.random.RandomState(42).normal(loc=1.5, scale=0.2, size=(2, 3))
        double[][] expected = {
            {1.5993428306022466, 1.472347139765763, 1.6295377076201385},
            {1.8046059712816052, 1.4531693250553328, 1.453172608610164}};
        double[][] actual = new NumpyRandomState(42).normal(1.5, 0.2, 2, 3);
        for (int i = 0; i < 2; i++) assertBitwise(expected[i], actual[i]);
        // np.random.RandomState(42).normal(scale=0.0, size=4): still draws, and gives +0.0
        assertBitwise(new double[] {0.0, 0.0, 0.0, 0.0}, new NumpyRandomState(42).normal(0.0, 0.0, 1, 4)[0]);
    }

    @Test
    void permutationAndShuffle() {
        // np.random.RandomState(42).permutation(10)
        assertArrayEquals(new int[] {8, 1, 5, 0, 7, 2, 9, 4, 3, 6}, new NumpyRandomState(42).permutation(10));
        // x = np.arange(10); np.random.RandomState(0).shuffle(x)
        int[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        new NumpyRandomState(0).shuffle(x);
        assertArrayEquals(new int[] {2, 8, 4, 9, 1, 6, 7, 3, 0, 5}, x);
        // np.random.RandomState(3).permutation(1); [np.random.RandomState(s).permutation(2) for s in range(4)]
        assertArrayEquals(new int[] {0}, new NumpyRandomState(3).permutation(1));
        int[][] pairs = {{1, 0}, {0, 1}, {1, 0}, {1, 0}};
        for (int s = 0; s < 4; s++) assertArrayEquals(pairs[s], new NumpyRandomState(s).permutation(2), "seed " + s);
        assertArrayEquals(new int[0], new NumpyRandomState(1).permutation(0));
    }

    /**
     * Legacy {@code randint(0, max + 1)} for int64 draws exactly as {@code random_interval(max)} does (masked
     * rejection on 32-bit outputs while max < 2^32), so it shows numpy's bounded draws at the mask's edges:
     * max = 2^k - 1 (no rejection), max = 2^k (half the draws rejected), and the largest 32-bit max.
     */
    @Test
    void randomIntervalAtTheMaskEdges() {
        // for m in (1, 2, 3, 4, 7, 8, 255, 256, 1000, 4294967295): np.random.RandomState(42).randint(0, m + 1, size=6)
        long[] maxes = {1, 2, 3, 4, 7, 8, 255, 256, 1000, 4294967295L};
        long[][] expected = {
            {0, 1, 0, 0, 0, 1}, {2, 0, 2, 2, 0, 0}, {2, 3, 0, 2, 2, 3}, {3, 4, 2, 4, 4, 1}, {6, 3, 4, 6, 2, 7},
            {6, 3, 7, 4, 6, 2}, {102, 179, 92, 14, 106, 71}, {102, 106, 71, 188, 20, 102},
            {102, 435, 860, 270, 106, 71},
            {1608637542L, 3421126067L, 4083286876L, 787846414L, 3143890026L, 3348747335L}};
        for (int m = 0; m < maxes.length; m++) {
            var random = new NumpyRandomState(42);
            long[] actual = new long[6];
            for (int i = 0; i < 6; i++) actual[i] = random.randomInterval(maxes[m]);
            assertArrayEquals(expected[m], actual, "max " + maxes[m]);
        }
        assertEquals(0, new NumpyRandomState(42).randomInterval(0));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandomState(42).randomInterval(1L << 32));
    }
}
