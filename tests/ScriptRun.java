import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import cli.Cli;

/** A script run in-process as the tests see it: its exit code and what it printed on stdout and stderr. */
record ScriptRun(int code, String out, String err) {

    /** Runs a fresh script command ({@code lecture::new}) on {@code args} as its main does, capturing both streams. */
    static ScriptRun of(Supplier<? extends Callable<Integer>> script, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Cli.run(script.get(), args);
            return new ScriptRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The last line printed on stderr (a script's one-line error comes last). */
    String lastErrLine() {
        return err.strip().lines().reduce((a, b) -> b).orElse("");
    }
}
