import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every walkthrough (scripts/walkthroughs/*.jsh) runs in ./jbang shell without an error and draws its figure. */
@NeedsBash
class WalkthroughTest {
    static final Path WALKTHROUGHS = Path.of("scripts", "walkthroughs");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyWalkthroughRuns() throws IOException {
        List<Path> files;
        try (var list = Files.list(WALKTHROUGHS)) {
            files = list.filter(f -> f.toString().endsWith(".jsh")).sorted().toList();
        }
        assertTrue(files.size() >= 7, "a walkthrough per exercise step: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    void run(Path walkthrough) throws Exception {
        long lines = Files.readAllLines(walkthrough).stream().filter(l -> !l.isBlank()).count();
        assertTrue(lines >= 10 && lines <= 25, walkthrough + ": " + lines + " lines, a walkthrough has 10 to 25");
        Path dir = Files.createDirectories(tmp.resolve(walkthrough.getFileName().toString()));
        Path checkout = Path.of("").toAbsolutePath();
        Path output = dir.resolve("shell.out");
        var pb = new ProcessBuilder(checkout.resolve("jbang").toString(), checkout.resolve("scripts/shell.java").toString(),
                checkout.resolve(walkthrough).toString()).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().remove("DISPLAY");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(walkthrough + " did not end:\n" + Files.readString(output));
        }
        String out = Files.readString(output);
        assertEquals(0, p.exitValue(), out);
        List<String> errors = out.lines().filter(l -> l.contains("Error:") || l.contains("Exception")).toList();
        assertEquals(List.of(), errors, out);
        assertTrue(out.contains("no display: wrote " + dir.resolve("out").resolve("shell")), "it draws a figure:\n" + out);
    }
}
