import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import cli.Cli;
import io.Output;

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

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        ScriptRun run = ScriptRun.of(Demo::new, "--count", "-3");
        String err = run.err();
        assertEquals(2, run.code());
        assertEquals("error: --count must be a positive integer, got -3", err.strip());
    }

    @Test
    void unknownOptionAndNonNumberAreOneLine() {
        ScriptRun run = ScriptRun.of(Demo::new, "--bogus");
        String err = run.err();
        assertEquals(2, run.code());
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains("--bogus"), err);
        run = ScriptRun.of(Demo::new, "--count", "abc");
        err = run.err();
        assertEquals(2, run.code());
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
