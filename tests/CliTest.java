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

    /** A misspelt option gets picocli's suggestion; with or without a value, in every script. */
    @Test
    void unknownOptionsGetADidYouMean() {
        assertEquals("error: unknown option '--epoch'; did you mean --epochs? (see --help for the options)",
                ScriptRun.of(lecture::new, "--epoch", "5").err().strip());
        assertEquals("error: unknown option '--hiden'; did you mean --hidden? (see --help for the options)",
                ScriptRun.of(train_manual::new, "--hiden", "8").err().strip());
        assertEquals("error: unknown option '--outt'; did you mean --out? (see --help for the options)",
                ScriptRun.of(deep::new, "--outt", "F").err().strip());
        assertEquals("error: unknown option '--epoch'; did you mean --epochs? (see --help for the options)",
                ScriptRun.of(gradnorms::new, "--epoch=5").err().strip());
        ScriptRun far = ScriptRun.of(lecture::new, "--zzzzzz");
        assertEquals(Cli.BAD_INPUT, far.code());
        assertEquals("error: unknown option '--zzzzzz' (see --help for the options)", far.err().strip());
    }

    /** Values that are not numbers are said so in words, not by Java's type names. */
    @Test
    void conversionErrorsAreInWords() {
        String err = ScriptRun.of(lecture::new, "--epochs", "99999999999").err().strip();
        assertEquals("error: Invalid value for option '--epochs': '99999999999' is not a whole number from -2147483648 to 2147483647", err);
        err = ScriptRun.of(lecture::new, "--lr", "fast").err().strip();
        assertEquals("error: Invalid value for option '--lr': 'fast' is not a number", err);
        assertEquals("Invalid value for option '--out': cannot convert 'x' to a file name (Illegal char <:> at index 1)",
                Cli.inWords("Invalid value for option '--out': cannot convert 'x' to Path (java.nio.file.InvalidPathException: Illegal char <:> at index 1)"));
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
