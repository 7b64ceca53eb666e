package report;

import java.util.concurrent.Callable;

/**
 * An exercise step as a picocli command: {@code call()} runs it from the command line (printing what it found and
 * returning the exit code), {@link #run()} runs it in-process and returns its record, as {@code all} and the tests do.
 */
public interface StepCommand extends Callable<Integer> {
    /** The step itself: data, model, train, record, plot, answer. */
    StepResult run();

    /** What the step writes into its output folder: globs of paths relative to it (e.g. {@code history.csv}, {@code *.png}); none without one. */
    default java.util.List<String> outputs() {
        return java.util.List.of();
    }
}
