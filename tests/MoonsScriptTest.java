import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import data.Points;
import data.Split;
import data.TwoMoons;

/** The {@code moons} script, run in-process: what it writes, and how it refuses bad input. */
class MoonsScriptTest {
    static ScriptRun run(String... args) {
        return ScriptRun.of(moons::new, args);
    }

    @Test
    void defaultRunWritesTheLectureData(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("moons");
        ScriptRun run = run("--out", dir.toString());
        assertEquals(0, run.code(), run.err());
        for (String file : new String[] {"raw.csv", "train.csv", "test.csv", "moons.png", "moons.svg"}) {
            assertTrue(Files.size(dir.resolve(file)) > 0, file);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(6, files.count(), "no temp files left behind: the five outputs and the manifest");
        }
        assertEquals(List.of("moons.png", "moons.svg", "raw.csv", "test.csv", "train.csv"), Files.readAllLines(dir.resolve(".outputs")).stream()
                .filter(line -> !line.startsWith("#")).map(line -> line.split("\t")[0]).toList());
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(List.of(dir), siblings.toList(), "no staging folder left beside it");
        }
        Points train = Points.readCsv(dir.resolve("train.csv"), "train.csv");
        MoonsDataTest.assertSamePoints(MoonsDataTest.fixture("moons_n1000_noise0.2_seed42", "train"), train, "train.csv");
        // The CSV holds every bit: reading it back gives exactly the numbers in memory.
        Split lecture = TwoMoons.lecture();
        for (int i = 0; i < train.size(); i++) assertArrayEquals(lecture.train().x()[i], train.x()[i], "row " + i);
        Points test = Points.readCsv(dir.resolve("test.csv"), "test.csv");
        MoonsDataTest.assertSamePoints(MoonsDataTest.fixture("moons_n1000_noise0.2_seed42", "test"), test, "test.csv");
        Points raw = Points.readCsv(dir.resolve("raw.csv"), "raw.csv");
        MoonsDataTest.assertSamePoints(MoonsDataTest.fixture("moons_n1000_noise0.2_seed42", "raw"), raw, "raw.csv");
        assertTrue(run.out().contains("800") && run.out().contains("200"), run.out());
    }

    @Test
    void otherSettingsMatchTheirFixture(@TempDir Path tmp) {
        String name = "moons_n100_noise0.1_seed11_test0.07_split13";
        ScriptRun run = run("--samples", "100", "--noise", "0.1", "--seed", "11", "--test-size", "0.07", "--split-seed", "13",
                "--out", tmp.toString());
        assertEquals(0, run.code(), run.err());
        for (String part : new String[] {"raw", "train", "test"}) {
            MoonsDataTest.assertSamePoints(MoonsDataTest.fixture(name, part),
                    Points.readCsv(tmp.resolve(part + ".csv"), part), part);
        }
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("--samples", new String[] {"--samples", "0"}),
                Arguments.of("--samples", new String[] {"--samples", "-5"}),
                Arguments.of("--samples", new String[] {"--samples", "many"}),
                Arguments.of("--samples", new String[] {"--samples", "2.5"}),
                Arguments.of("--samples", new String[] {"--samples", "99999999999"}),
                Arguments.of("--noise", new String[] {"--noise", "-0.1"}),
                Arguments.of("--noise", new String[] {"--noise", "NaN"}),
                Arguments.of("--noise", new String[] {"--noise", "Infinity"}),
                Arguments.of("--noise", new String[] {"--noise", "loud"}),
                Arguments.of("--test-size", new String[] {"--test-size", "0"}),
                Arguments.of("--test-size", new String[] {"--test-size", "1"}),
                Arguments.of("--test-size", new String[] {"--test-size", "1.5"}),
                Arguments.of("--test-size", new String[] {"--test-size", "NaN"}),
                Arguments.of("--test-size", new String[] {"--samples", "2", "--test-size", "0.6"}),
                Arguments.of("--samples", new String[] {"--samples", "1"}),   // one point cannot be split in two
                Arguments.of("--seed", new String[] {"--seed", "-1"}),
                Arguments.of("--seed", new String[] {"--seed", "4294967296"}),
                Arguments.of("--seed", new String[] {"--seed", "x"}),
                Arguments.of("--split-seed", new String[] {"--split-seed", "-1"}),
                Arguments.of("--split-seed", new String[] {"--split-seed", "4294967296"}),
                Arguments.of("--bogus", new String[] {"--bogus", "1"}));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badInputs")
    void badInputExits2WithOneLineAndWritesNothing(String option, String[] args, @TempDir Path tmp) {
        Path dir = tmp.resolve("out");
        String[] all = Stream.concat(Stream.of(args), Stream.of("--out", dir.toString())).toArray(String[]::new);
        ScriptRun run = run(all);
        assertEquals(2, run.code(), run.err());
        assertOneLineNaming(option, run.err());
        assertFalse(Files.exists(dir), "nothing written");
    }

    @Test
    void unwritableOutExits2AndWritesNothing(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "keep me");
        ScriptRun run = run("--out", file.resolve("sub").toString());
        assertEquals(2, run.code(), run.err());
        assertOneLineNaming("--out", run.err());
        assertEquals("keep me", Files.readString(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(1, files.count());
        }
    }

    static void assertOneLineNaming(String option, String err) {
        String message = err.strip();
        assertFalse(message.isEmpty(), "an error message");
        assertFalse(message.contains("\n"), "one line: " + message);
        assertTrue(message.contains(option), "names " + option + ": " + message);
    }
}
