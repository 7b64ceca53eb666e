package cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import io.BadInputException;
import io.DivergedException;
import io.Output;

/**
 * How every script runs its picocli command, so that no stack trace ever reaches a user: bad input is one line on
 * stderr and exit code 2, a diverged run one line and exit code 3, a fault while running (a full disk, a folder removed
 * under it) one line naming the file and the cause, exit code 1, and so is a bug (with its trace only when the
 * environment sets MOONS_TRACE=1). Output folders a failed run had opened are discarded: nothing half-written stays.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int DIVERGED = 3;

    private Cli() {}

    /** Parses and runs {@code command}; returns the exit code instead of exiting, so tests can call it. */
    public static int run(Callable<Integer> command, String... args) {
        speed.Nd4jSetup.memoryAccountingOff();   // (before ND4J loads)
        Encoding.readableConsole();
        var cli = new CommandLine(command);
        if (cli.getCommandSpec().versionProvider() == null) cli.getCommandSpec().versionProvider(new Version(cli.getCommandSpec()));
        cli.setParameterExceptionHandler((ex, ignored) -> fail(BAD_INPUT, describe(ex)));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> fail(ex));
        try {
            Encoding.requireNamable(args);
            rejectRepeated(cli, args);
            return cli.execute(args);
        } catch (Throwable e) {
            return fail(e);
        } finally {
            OutputFolder.discardAll();
        }
    }

    /** The exit code and the one line for what ended a run (printed on stderr). */
    public static int fail(Throwable e) {
        Failure f = failure(e);
        if (f.code() == FAILED && "1".equals(System.getenv("MOONS_TRACE"))) e.printStackTrace();
        return fail(f.code(), f.message());
    }

    /** What ended a run, as one line and an exit code. */
    public record Failure(int code, String message) {}

    /**
     * Bad input (2), a divergence (3), a fault while running (1: the file and the root cause, e.g. "No space left on
     * device"), or a bug (1). A file in a staging folder is named by its place in the output folder.
     */
    public static Failure failure(Throwable e) {
        if (e instanceof CommandLine.ExecutionException && e.getCause() != null) e = e.getCause();
        if (e instanceof BadInputException) return new Failure(BAD_INPUT, e.getMessage());
        if (e instanceof DivergedException) return new Failure(DIVERGED, e.getMessage());
        if (e instanceof java.io.UncheckedIOException u) {
            return new Failure(FAILED, OutputFolder.inTargetTerms(u.getMessage() + " (" + Output.reason(u) + ")"));
        }
        if (e instanceof OutOfMemoryError) return new Failure(FAILED, "out of memory (" + e.getMessage() + "): try smaller sizes or epochs");
        return new Failure(FAILED, "internal error, a bug: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                + e.getMessage()) + " (MOONS_TRACE=1 shows where)");
    }

    /**
     * A picocli refusal in words: an unknown option with picocli's suggestion ({@code unknown option '--epoch'; did you
     * mean --epochs?}), a value that is not a number said so, no Java class names.
     */
    static String describe(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            String first = unmatched.isEmpty() ? "" : unmatched.get(0);
            List<String> suggestions = u.isUnknownOption() ? u.getSuggestions() : List.of();
            String what = first.startsWith("-") ? "unknown option '" + first.split("=", 2)[0] + "'" : "unexpected argument '" + first + "'";
            String hint = suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions.stream().limit(3).toList()) + "?";
            return what + hint + " (see --help for the options)";
        }
        return inWords(ex.getMessage());
    }

    /** picocli's conversion messages with the Java type names said in words. */
    public static String inWords(String message) {
        return String.valueOf(message)
                .replace("' is not an int", "' is not a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE)
                .replace("' is not a long", "' is not a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE)
                .replaceAll("' is not a (double|float)", "' is not a number")
                .replaceAll("\\s*\\((?:[a-z]\\w*\\.)+[A-Z]\\w*(?::\\s*([^)]*))?\\)", " ($1)").replace(" ()", "")
                .replaceAll("to (Path|File)\\b", "to a file name");
    }

    /**
     * Fills {@code command}'s options from {@code args} as {@link #run} does, without running it: how {@code all} and the
     * tests run a step in-process and get its typed result. A bad option is a one-line {@link BadInputException}.
     */
    public static <T> T parse(T command, String... args) {
        try {
            var cli = new CommandLine(command);
            rejectRepeated(cli, args);
            cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new BadInputException(describe(e).replace('\n', ' ').strip());
        }
        return command;
    }

    /**
     * Every option once: picocli already refuses a second value of a single-valued option, and this refuses a repeated
     * comma-separated list ({@code --snapshots 0 --snapshots 10}: give {@code --snapshots 0,10}) too. Only an option
     * meant to be repeated, a list without a separator (the test runner's {@code --select}), may come more than once.
     */
    static void rejectRepeated(CommandLine cli, String... args) {
        var seen = new java.util.HashSet<String>();
        for (String arg : args) {
            if (arg.equals("--")) return;
            var option = cli.getCommandSpec().findOption(arg.startsWith("--") ? arg.split("=", 2)[0] : arg);
            boolean repeatable = option != null && option.isMultiValue() && option.splitRegex().isEmpty();
            if (option != null && !repeatable && !option.usageHelp() && !option.versionHelp() && !seen.add(option.longestName())) {
                throw new BadInputException("option '" + option.longestName() + "' should be given only once");
            }
        }
    }

    /** Throws a one-line {@link BadInputException} unless {@code ok} (the command line's name for {@link BadInputException#require}). */
    public static void require(boolean ok, String message) {
        BadInputException.require(ok, message);
    }

    static int fail(int code, String message) {
        System.err.println("error: " + String.valueOf(message).replace('\n', ' ').strip());
        return code;
    }
}
