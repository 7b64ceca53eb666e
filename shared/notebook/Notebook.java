package notebook;

/**
 * For the notebooks' cells: how much work to do, and the output of a cell. A notebook trains as its script does
 * ({@code Notebook.epochs(1000)} is 1000); CI sets {@value #EPOCHS} and {@value #RUNS} to run every notebook short, as
 * d2l-java's CI does.
 */
public final class Notebook {
    private Notebook() {}

    /** The environment variables that cap the epochs and the runs (seeds) of every notebook. */
    public static final String EPOCHS = "NOTEBOOK_EPOCHS", RUNS = "NOTEBOOK_RUNS";

    private static volatile Runnable clearOutput = () -> {};

    /** {@code epochs}, or fewer when {@value #EPOCHS} asks for fewer. */
    public static int epochs(int epochs) {
        return capped(epochs, EPOCHS);
    }

    /** {@code runs}, or fewer when {@value #RUNS} asks for fewer. */
    public static int runs(int runs) {
        return capped(runs, RUNS);
    }

    private static int capped(int n, String variable) {
        String cap = System.getenv(variable);
        if (cap == null || cap.isBlank()) return n;
        try {
            int max = Integer.parseInt(cap.strip());
            if (max < 1) throw new NumberFormatException();
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a positive integer, got '" + cap + "'");
        }
    }

    /** Clears the running cell's output (e.g. to redraw a figure as a net trains); a no-op outside a notebook. */
    public static void clearOutput() {
        clearOutput.run();
    }

    /** What {@link #clearOutput} does: the kernel sets it. */
    public static void onClearOutput(Runnable action) {
        clearOutput = action == null ? () -> {} : action;
    }
}
