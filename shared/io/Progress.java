package io;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A progress bar for long loops (epochs, runs), printed to stderr so stdout and CSV consumers never see it.
 *
 * <pre>{@code
 * try (var bar = Progress.of("deep relu run 2", epochs)) {
 *     for (...) { ...; bar.step(() -> "loss " + loss); }
 * }
 * }</pre>
 *
 * On a terminal it is one line redrawn in place ({@code \r}) at most 10 times a second: label, bar, count, rate, ETA
 * and an optional status. Anywhere else (CI logs, pipes, files, or when the environment variable {@code CI} is set) it
 * prints plain lines, and few of them: a line only once another 10% is done AND 5 s have passed since the last one,
 * plus the closing line with the total time: at most 10 lines and the closing one, however long the loop. A loop
 * that finishes within seconds therefore prints just its closing line.
 *
 * <p>A step costs an increment and one {@link System#nanoTime()} comparison; the status supplier is only called when
 * a line is printed. One bar belongs to one thread.
 */
public final class Progress implements AutoCloseable {
    private static final long REDRAW_NANOS = 100_000_000L;      // terminal: 10 redraws a second are enough
    private static final long PLAIN_MIN_NANOS = 5_000_000_000L; // plain: no two lines within 5 s
    private static final int BAR_WIDTH = 24;

    private final String label;
    private final long total;
    private final boolean terminal;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long start;
    private long count;
    private long nextCheck;        // the clock value at which step() looks again whether to print
    private long lastPrintedCount;
    private int lastWidth;         // terminal: characters to blank out when the new line is shorter
    private String status = "";
    private boolean closed;

    public Progress(String label, long total, boolean terminal, PrintStream out, LongSupplier clock) {
        if (total < 0) throw new IllegalArgumentException("total must be >= 0, got " + total);
        this.label = label;
        this.total = total;
        this.terminal = terminal;
        this.out = out;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.nextCheck = start + (terminal ? 0 : PLAIN_MIN_NANOS);
    }

    /** A bar over {@code total} steps on stderr, redrawn in place on a terminal, plain periodic lines elsewhere. */
    public static Progress of(String label, long total) {
        return new Progress(label, total, isTerminal(), System.err, System::nanoTime);
    }

    /** True when stderr most likely is an interactive terminal: a console, no {@code CI}, not {@code TERM=dumb}. */
    public static boolean isTerminal() {
        return System.console() != null && System.getenv("CI") == null && !"dumb".equals(System.getenv("TERM"));
    }

    /** One step done. */
    public void step() {
        count++;
        long now = clock.getAsLong();
        if (now >= nextCheck) maybePrint(now);
    }

    /** One step done; {@code status} (e.g. the current loss) is shown from now on. */
    public void step(String status) {
        this.status = status;
        step();
    }

    /** One step done; {@code status} is only called when a line is printed, so it may format freely. */
    public void step(Supplier<String> status) {
        count++;
        long now = clock.getAsLong();
        if (now >= nextCheck) {
            this.status = status.get();
            maybePrint(now);
        }
    }

    /** Steps done so far. */
    public long count() {
        return count;
    }

    /** Prints the closing line (count, total time, rate, status); later calls do nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        long now = clock.getAsLong();
        double seconds = (now - start) / 1e9;
        String line = String.format(Locale.ROOT, "%s: %d/%d %s in %s (%s)%s", label, count, total,
                count >= total ? "done" : "stopped", duration(seconds), rate(count, seconds), statusSuffix());
        if (terminal) {
            out.print('\r' + pad(line) + '\n');
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void maybePrint(long now) {
        if (terminal) {
            out.print('\r' + pad(terminalLine(now)));
            out.flush();
            nextCheck = now + REDRAW_NANOS;
            return;
        }
        boolean tenPercentMore = (count - lastPrintedCount) * 10 >= total;
        if (tenPercentMore && count < total) {
            out.println(plainLine(now));
            out.flush();
            lastPrintedCount = count;
            nextCheck = now + PLAIN_MIN_NANOS;
        } else {
            // Not enough progress yet: look again in a second rather than on every step.
            nextCheck = now + 1_000_000_000L;
        }
    }

    private String terminalLine(long now) {
        double seconds = (now - start) / 1e9;
        int filled = total == 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, BAR_WIDTH * count / total);
        String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
        return String.format(Locale.ROOT, "%s [%s] %d/%d %s ETA %s%s", label, bar, count, total, rate(count, seconds),
                eta(seconds), statusSuffix());
    }

    private String plainLine(long now) {
        double seconds = (now - start) / 1e9;
        long percent = total == 0 ? 100 : 100 * count / total;
        return String.format(Locale.ROOT, "%s: %d/%d (%d%%) %s, ETA %s%s", label, count, total, percent,
                rate(count, seconds), eta(seconds), statusSuffix());
    }

    private String eta(double seconds) {
        if (count == 0 || count >= total) return "-";
        return duration(seconds / count * (total - count));
    }

    private String statusSuffix() {
        return status == null || status.isEmpty() ? "" : ", " + status;
    }

    private String pad(String line) {
        int width = line.length();
        String padded = width < lastWidth ? line + " ".repeat(lastWidth - width) : line;
        lastWidth = width;
        return padded;
    }

    private static String rate(long count, double seconds) {
        if (seconds <= 0) return "-/s";
        double perSecond = count / seconds;
        // Three significant digits; thresholds at the rounding edges so 99.99 reads "100/s", not "100.00/s".
        String format = perSecond >= 99.95 ? "%.0f/s" : perSecond >= 9.995 ? "%.1f/s" : "%.2f/s";
        return String.format(Locale.ROOT, format, perSecond);
    }

    /** A console text as a file should keep it: of a line redrawn with carriage returns (a progress bar), its last state. */
    public static String lastStates(String console) {
        var out = new StringBuilder();
        for (String line : console.split("\n", -1)) {
            String trimmed = line.replaceAll("\r+$", "");
            out.append(trimmed.substring(trimmed.lastIndexOf('\r') + 1).stripTrailing()).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    /** {@code 4.2 s}, {@code 3:07}, {@code 1:02:03}. */
    public static String duration(double seconds) {
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        return s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    @Override
    public String toString() {
        return "Progress[" + label + ", " + count + " of " + total + "]";
    }
}
