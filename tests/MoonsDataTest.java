import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import data.Points;
import data.Split;
import data.StandardScaler;
import data.TrainTestSplit;
import data.TwoMoons;

/**
 * The two-moons data against scikit-learn's own outputs: tests/fixtures/moons_*_{raw,train,test}.csv, made by
 * make_fixtures.py (the extra sets by make_moons_fixtures.sh). Order and labels must be identical, coordinates
 * within 1e-12. (They are not all bitwise equal: numpy's sin/cos on AVX512 CPUs is SVML's, which differs from
 * Java's in the last bit for about half the angles; the last bit then survives in some noisy coordinates.)
 */
class MoonsDataTest {
    static final Path FIXTURES = Path.of("tests/fixtures");
    static final double TOLERANCE = 1e-12;

    static Stream<Arguments> fixtureSets() {
        return Stream.of(
                // name, samples, noise, seed, test size, split seed
                Arguments.of("moons_n1000_noise0.2_seed42", 1000, 0.2, 42L, 0.2, 42L),
                Arguments.of("moons_n200_noise0.1_seed0", 200, 0.1, 0L, 0.25, 1L),
                Arguments.of("moons_n7_noise0.3_seed3_test0.3_split5", 7, 0.3, 3L, 0.3, 5L),
                Arguments.of("moons_n1001_noise0.05_seed7_test0.2_split11", 1001, 0.05, 7L, 0.2, 11L),
                Arguments.of("moons_n201_noise0_seed1_test0.25_split2", 201, 0.0, 1L, 0.25, 2L),
                Arguments.of("moons_n2_noise0.2_seed1_test0.5_split2", 2, 0.2, 1L, 0.5, 2L),
                Arguments.of("moons_n3_noise0.2_seed1_test0.33_split2", 3, 0.2, 1L, 0.33, 2L),
                Arguments.of("moons_n300_noise0.2_seed4294967295_test0.33_split4294967295", 300, 0.2, 4294967295L, 0.33, 4294967295L),
                Arguments.of("moons_n100_noise0.1_seed11_test0.07_split13", 100, 0.1, 11L, 0.07, 13L));
    }

    static Points fixture(String name, String part) {
        return Points.readCsv(FIXTURES.resolve(name + "_" + part + ".csv"), "fixture");
    }

    static void assertSamePoints(Points expected, Points actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": count");
        assertArrayEquals(expected.y(), actual.y(), what + ": labels");
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(expected.x()[i][j], actual.x()[i][j], TOLERANCE, what + ": point " + i + " x" + (j + 1));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureSets")
    void matchesScikitLearn(String name, int samples, double noise, long seed, double testSize, long splitSeed) {
        Points raw = TwoMoons.makeMoons(samples, noise, seed);
        assertSamePoints(fixture(name, "raw"), raw, name + " raw");
        Split split = TwoMoons.standardizeAndSplit(raw, testSize, splitSeed);
        assertSamePoints(fixture(name, "train"), split.train(), name + " train");
        assertSamePoints(fixture(name, "test"), split.test(), name + " test");
    }

    @Test
    void lectureIsTheFirstFixtureSet() {
        String name = "moons_n1000_noise0.2_seed42";
        Split split = TwoMoons.lecture();
        assertEquals(800, split.train().size());
        assertEquals(200, split.test().size());
        assertSamePoints(fixture(name, "train"), split.train(), "lecture train");
        assertSamePoints(fixture(name, "test"), split.test(), "lecture test");
    }

    @Test
    void linspaceLikeNumpy() {
        // np.linspace(0, np.pi, 1) is [0.]; the last point is stop itself, not 0 + (num-1) * step
        assertArrayEquals(new double[] {0.0}, TwoMoons.linspace(0, Math.PI, 1));
        assertArrayEquals(new double[0], TwoMoons.linspace(0, Math.PI, 0));
        for (int num : new int[] {2, 3, 7, 500, 501}) {
            double[] t = TwoMoons.linspace(0, Math.PI, num);
            assertEquals(0.0, t[0]);
            assertEquals(Math.PI, t[num - 1]);
        }
        // np.linspace(0, np.pi, 7)[1:6].tolist()
        assertArrayEquals(new double[] {0.5235987755982988, 1.0471975511965976, 1.5707963267948966,
            2.0943951023931953, 2.617993877991494}, java.util.Arrays.copyOfRange(TwoMoons.linspace(0, Math.PI, 7), 1, 6));
    }

    @Test
    void noiseZeroGivesTheExactHalfCircles() {
        // n = 1: the one point is inner_circ at t = 0: (1 - cos 0, 1 - sin 0 - 0.5) = (0, 0.5), class 1
        Points one = TwoMoons.makeMoons(1, 0.0, 5);
        assertArrayEquals(new double[] {0.0, 0.5}, one.x()[0]);
        assertArrayEquals(new int[] {1}, one.y());
        for (double[] p : TwoMoons.makeMoons(51, 0.0, 9).x()) {
            boolean upper = Math.abs(Math.hypot(p[0], p[1]) - 1) < 1e-15;
            boolean lower = Math.abs(Math.hypot(p[0] - 1, p[1] - 0.5) - 1) < 1e-15;
            assertEquals(true, upper || lower, p[0] + "," + p[1]);
        }
    }

    @Test
    void scalerLikeScikitLearn() {
        // s = StandardScaler().fit(make_moons(1000, noise=0.2, random_state=42)[0]); s.mean_, s.var_, s.scale_
        var lecture = StandardScaler.fit(TwoMoons.makeMoons(1000, 0.2, 42).x());
        assertArrayEquals(new double[] {0.4970130685048067, 0.24464040658312527}, lecture.mean(), 1e-15);
        assertArrayEquals(new double[] {0.7899452301768884, 0.2804183421191295}, lecture.variance(), 1e-15);
        assertArrayEquals(new double[] {0.8887886307648678, 0.5295454108186847}, lecture.scale(), 1e-15);

        // A = np.array([[1.0, 1e-20], [np.nextafter(1.0, 2), 2e-20], [1.0, 3e-20]]); s = StandardScaler().fit(A)
        // Column 0 is constant within the two-pass algorithm's error bound, so its scale is 1 although var > 0;
        // column 1 is tiny but not constant, and keeps its tiny scale (no 10 * eps cut-off when a mask is given).
        double[][] a = {{1.0, 1e-20}, {Math.nextUp(1.0), 2e-20}, {1.0, 3e-20}};
        var s = StandardScaler.fit(a);
        assertArrayEquals(new double[] {1.0, 2e-20}, s.mean());
        assertArrayEquals(new double[] {1.0956401461402943e-32, 6.666666666666669e-41}, s.variance());
        assertArrayEquals(new double[] {1.0, 8.164965809277262e-21}, s.scale());
        double[][] expected = {{0.0, -1.2247448713915887}, {2.220446049250313e-16, 0.0}, {0.0, 1.2247448713915894}};
        double[][] actual = s.transform(a);
        for (int i = 0; i < 3; i++) assertArrayEquals(expected[i], actual[i]);
    }

    @Test
    void splitSizesLikeScikitLearn() {
        assertEquals(new TrainTestSplit.Sizes(800, 200), TrainTestSplit.sizes(1000, 0.2));
        // ceil(0.07 * 100) = ceil(7.000000000000001) = 8
        assertEquals(new TrainTestSplit.Sizes(92, 8), TrainTestSplit.sizes(100, 0.07));
        assertEquals(new TrainTestSplit.Sizes(1, 1), TrainTestSplit.sizes(2, 0.5));
        // n=2, test 0.6 -> ceil(1.2) = 2 test points, an empty train set: scikit-learn raises ValueError
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.sizes(2, 0.6));
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.sizes(1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.sizes(10, 0.0));
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.sizes(10, 1.0));
        assertThrows(IllegalArgumentException.class, () -> TrainTestSplit.sizes(10, Double.NaN));
    }
}
