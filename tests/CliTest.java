import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliTest {
    @Command(name = "demo")
    static class Demo implements Callable<Integer> {
        @Option(names = "--count") int count = 1;

        @Override
        public Integer call() {
            Cli.require(count > 0, "--count must be a positive integer, got " + count);
            return 0;
        }
    }

    static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        var buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString();
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        int[] code = new int[1];
        String err = stderrOf(() -> code[0] = Cli.run(new Demo(), "--count", "-3"));
        assertEquals(2, code[0]);
        assertEquals("error: --count must be a positive integer, got -3", err.strip());
    }

    @Test
    void unknownOptionAndNonNumberAreOneLine() {
        int[] code = new int[1];
        String err = stderrOf(() -> code[0] = Cli.run(new Demo(), "--bogus"));
        assertEquals(2, code[0]);
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains("--bogus"), err);
        err = stderrOf(() -> code[0] = Cli.run(new Demo(), "--count", "abc"));
        assertEquals(2, code[0]);
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains("--count") && err.contains("abc"), err);
    }

    @Test
    void atomicWriteLeavesNoTempFileWhenTheWriterFails(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("a.csv");
        try {
            Output.atomically(target, temp -> {
                Files.writeString(temp, "half");
                throw new java.io.IOException("interrupted");
            });
        } catch (java.io.UncheckedIOException expected) {
            // the failure is reported to the caller
        }
        assertFalse(Files.exists(target));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        Output.writeString(target, "x1,x2,label\n");
        assertEquals("x1,x2,label\n", Files.readString(target));
    }
}
