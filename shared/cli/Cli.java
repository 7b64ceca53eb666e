package cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * How every script runs its picocli command: bad input is one line on stderr and exit code 2,
 * a diverged run is one line and exit code 3, anything else is a bug and keeps its stack trace.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int BAD_INPUT = 2;
    public static final int DIVERGED = 3;

    private Cli() {}

    /** Parses and runs {@code command}; returns the exit code instead of exiting, so tests can call it. */
    public static int run(Callable<Integer> command, String... args) {
        var cli = new CommandLine(command);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            String hint = ex instanceof CommandLine.UnmatchedArgumentException ? " (see --help for the options)" : "";
            return fail(BAD_INPUT, ex.getMessage() + hint);
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof BadInputException) return fail(BAD_INPUT, ex.getMessage());
            if (ex instanceof DivergedException) return fail(DIVERGED, ex.getMessage());
            throw ex;
        });
        return cli.execute(args);
    }

    /**
     * Fills {@code command}'s options from {@code args} as {@link #run} does, without running it: how {@code all} and the
     * tests run a step in-process and get its typed result. A bad option is a one-line {@link BadInputException}.
     */
    public static <T> T parse(T command, String... args) {
        try {
            new CommandLine(command).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new BadInputException(e.getMessage().replace('\n', ' ').strip());
        }
        return command;
    }

    /** Throws a one-line {@link BadInputException} unless {@code ok}. */
    public static void require(boolean ok, String message) {
        if (!ok) throw new BadInputException(message);
    }

    private static int fail(int code, String message) {
        System.err.println("error: " + message.replace('\n', ' ').strip());
        return code;
    }
}
