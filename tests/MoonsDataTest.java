import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The two-moons data against scikit-learn's own outputs (tests/fixtures/moons_*.csv). */
class MoonsDataTest {
    static final Path FIXTURES = Path.of("tests/fixtures");

    static Points fixture(String name, String part) {
        return Points.readCsv(FIXTURES.resolve(name + "_" + part + ".csv"), "fixture");
    }

    static void assertSamePoints(Points expected, Points actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": count");
        assertArrayEquals(expected.y(), actual.y(), what + ": labels");
        for (int i = 0; i < expected.size(); i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(expected.x()[i][j], actual.x()[i][j], 1e-12, what + ": point " + i + " coordinate " + j);
            }
        }
    }

    @Test
    void lectureMatchesScikitLearn() {
        String name = "moons_n1000_noise0.2_seed42";
        Points raw = TwoMoons.makeMoons(1000, 0.2, 42);
        assertSamePoints(fixture(name, "raw"), raw, "raw");
        Split split = TwoMoons.lecture();
        assertSamePoints(fixture(name, "train"), split.train(), "train");
        assertSamePoints(fixture(name, "test"), split.test(), "test");
    }
}
