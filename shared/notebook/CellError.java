package notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;

/**
 * Why a cell stopped, as Jupyter shows it: a {@link #name} (the user's exception class, {@code CompilationError} or
 * {@code Interrupted}), a {@link #getMessage message} and the lines of its traceback, which point into the cells by
 * their own line numbers ({@code In [3] line 2}).
 */
public final class CellError extends RuntimeException {
    public static final String COMPILATION = "CompilationError", INTERRUPTED = "Interrupted";

    private final String name;
    private final List<String> traceback;

    public CellError(String name, String message, List<String> traceback) {
        super(message, null, false, false);
        this.name = name;
        this.traceback = List.copyOf(traceback);
    }

    /** The class of the user's exception (e.g. {@code java.lang.ArithmeticException}), or what else stopped the cell. */
    public String name() {
        return name;
    }

    public List<String> traceback() {
        return traceback;
    }

    @Override
    public String toString() {
        return String.join("\n", traceback);
    }

    /** The compiler's errors for a snippet that starts at {@code offset} of the cell: each with its line and a caret. */
    static CellError compilation(String cell, String code, int offset, List<Diag> errors) {
        var lines = new ArrayList<String>();
        String first = null;
        for (Diag d : errors) {
            String message = d.getMessage(Locale.ROOT).lines()
                    .filter(l -> !l.strip().equals("location: class"))   // JShell's wrapper class has no name to show
                    .reduce((a, b) -> a + "\n" + b).orElse("");
            if (first == null) first = message.lines().findFirst().orElse("");
            long start = offset + Math.max(0, d.getStartPosition()), end = offset + Math.max(d.getStartPosition(), d.getEndPosition());
            int line = Session.lineOf(code, (int) start);
            int lineStart = code.lastIndexOf('\n', (int) start - 1) + 1;
            String text = Session.lineText(code, line);
            int from = (int) start - lineStart, to = (int) Math.min(end - lineStart, text.length());
            message.lines().findFirst().ifPresent(l -> lines.add(cell + " line " + (line + 1) + ": " + l));
            message.lines().skip(1).forEach(lines::add);
            lines.add("    " + text);
            lines.add("    " + " ".repeat(Math.max(0, from)) + "^" + (to - from > 1 ? "-".repeat(to - from - 2) + "^" : ""));
        }
        if (first == null) {
            first = "the code does not compile";
            lines.add(cell + ": " + first);
        }
        return new CellError(COMPILATION, first, lines);
    }

    /**
     * The user's exception: its class and message, the frames in the cells as {@code In [3] line 2: <code>}, the
     * toolkit's and the JDK's frames as Java prints them, down to the first snippet's; then its causes.
     */
    static CellError exception(EvalException e, Function<StackTraceElement, String> inCell) {
        var lines = new ArrayList<String>();
        Throwable t = e;
        boolean cause = false;
        while (t != null) {
            String className = t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
            lines.add((cause ? "Caused by: " : "") + className + (t.getMessage() != null ? ": " + t.getMessage() : ""));
            StackTraceElement[] frames = t.getStackTrace();
            int lastInCell = -1;
            for (int i = 0; i < frames.length; i++) if (inCell.apply(frames[i]) != null) lastInCell = i;
            int shown = lastInCell >= 0 ? lastInCell + 1 : frames.length;   // below the cell: JShell's and reflection's frames
            for (int i = 0; i < shown; i++) {
                String where = inCell.apply(frames[i]);
                lines.add("    at " + (where != null ? where : frames[i].toString()));
            }
            t = t.getCause();
            cause = true;
        }
        return new CellError(e.getExceptionClassName(), e.getMessage() == null ? "" : e.getMessage(), lines);
    }

    static CellError interrupted() {
        return new CellError(INTERRUPTED, "the cell was interrupted", List.of(INTERRUPTED
                + ": the cell was stopped; what the cells before it (and the statements of this one before it) defined is kept"));
    }
}
