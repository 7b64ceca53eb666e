import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./jbang standalone STEP writes one self-contained .java per exercise step; copied alone into an empty folder it runs
 * with JBang (--help, and a short workload whose outputs land in out/STEP of that folder).
 */
@NeedsBash
class StandaloneTest {
    /** A short workload per step, and whether it writes files (forward and backward print only). */
    static final Map<String, List<String>> WORKLOADS = Map.of(
            "moons", List.of("--samples", "60"),
            "lecture", List.of("--epochs", "5", "--width", "16"),
            "deep", List.of("--runs", "1", "--epochs", "3", "--width", "8"),
            "gradnorms", List.of("--runs", "1", "--epochs", "3", "--width", "8"),
            "depth", List.of("--depths", "1,2", "--runs", "1", "--epochs", "2", "--width", "8", "--activations", "relu"),
            "forward", List.of("--batch", "2", "--hidden", "4"),
            "backward", List.of("--hidden", "4"),
            "train-manual", List.of("--epochs", "5", "--hidden", "8"));

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyStepRunsAloneFromAnEmptyFolder() {
        return WORKLOADS.keySet().stream().sorted().map(step -> DynamicTest.dynamicTest(step, () -> check(step)));
    }

    void check(String step) throws Exception {
        String name = step.replace('-', '_') + ".java";
        Path generated = tmp.resolve("generated").resolve(step).resolve(name);
        Run made = run(Path.of("").toAbsolutePath(), "./jbang", "standalone", step, "--out", generated.toString());
        assertEquals(0, made.exit(), made.out());
        String code = Files.readString(generated);
        assertTrue(!code.contains("//SOURCES") && code.contains("//DEPS") && !code.contains("\npackage "), "one file, no sources");
        assertTrue(code.contains("\n//COMPILE_OPTIONS -encoding UTF-8\n"), "it compiles in any locale");

        Path alone = Files.createDirectories(tmp.resolve("alone-" + step));
        Files.copy(generated, alone.resolve(name));
        Run help = run(alone, launcher(), name, "--help");
        assertEquals(0, help.exit(), help.out());
        assertTrue(help.out().contains("Usage: " + step), help.out());

        var args = new ArrayList<>(List.of(launcher(), name));
        args.addAll(WORKLOADS.get(step));
        Run work = run(alone, args.toArray(String[]::new));
        assertEquals(0, work.exit(), work.out());
        boolean writes = !step.equals("forward") && !step.equals("backward");
        if (writes) {
            try (var files = Files.list(alone.resolve("out").resolve(step))) {
                assertTrue(files.count() >= 3, "outputs beside the file, in out/" + step);
            }
        }
        try (var files = Files.list(alone)) {
            assertEquals(writes ? 2 : 1, files.count(), "only the file and its out/ folder");
        }
    }

    @Test
    void anUnknownStepIsOneLine() throws Exception {
        Run r = run(Path.of("").toAbsolutePath(), "./jbang", "standalone", "nosuch", "--out", tmp.resolve("x.java").toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().strip().endsWith("STEP must be one of [moons, lecture, deep, gradnorms, depth, forward, backward, train-manual], got 'nosuch'"), r.out());
        assertTrue(!Files.exists(tmp.resolve("x.java")));
    }

    /**
     * Issue 18, rows 4 and 10: --out naming a tracked source overwrote it; a folder left a temp file; /proc/x said
     * "error: /proc/.lecture.java.tmp". Now each is one line naming --out and the cause, and nothing is written.
     */
    @Test
    void sourcesFoldersAndUnwritablePlacesAreRefused() throws Exception {
        Path checkout = Path.of("").toAbsolutePath();
        byte[] source = Files.readAllBytes(checkout.resolve("scripts/forward.java"));
        Run r = run(checkout, "./jbang", "standalone", "forward", "--out", "scripts/forward.java");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().strip().endsWith("error: --out: scripts/forward.java is a file of the toolkit's checkout " + checkout
                + " (its scripts and sources); write it elsewhere, e.g. under scripts/out/"), r.out());
        assertTrue(java.util.Arrays.equals(source, Files.readAllBytes(checkout.resolve("scripts/forward.java"))), "the source as it was");
        r = run(checkout, "./jbang", "standalone", "lecture", "--out", "shared/nn/lecture.java");
        assertEquals(2, r.exit(), r.out());
        assertTrue(!Files.exists(checkout.resolve("shared/nn/lecture.java")));

        Path folder = Files.createDirectories(tmp.resolve("folder"));
        r = run(checkout, "./jbang", "standalone", "lecture", "--out", folder.toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().strip().endsWith("error: --out: " + folder + " is a folder; name the file, e.g. " + folder.resolve("lecture.java")), r.out());
        try (var left = Files.list(folder)) {
            assertEquals(0, left.count(), "no temp file");
        }
        r = run(checkout, "./jbang", "standalone", "lecture", "--out", "/proc/x/lecture.java");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().strip().endsWith("error: --out: cannot make folder /proc/x (no such folder)"), r.out());
    }

    static String launcher() {
        return Path.of("jbang").toAbsolutePath().toString();
    }

    record Run(int exit, String out) {}

    static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("standalone", ".out");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end:\n" + Files.readString(output));
        }
        String out = Files.readString(output);
        Files.delete(output);
        return new Run(p.exitValue(), out);
    }
}
