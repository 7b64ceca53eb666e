package io;

import java.util.Locale;

/** How numbers appear in the console, the answers and report.md (one place, so they read the same everywhere). */
public final class Format {
    private Format() {}

    /** A fraction as a percentage with one decimal, {@code 0.985 -> "98.5%"}; a dash for NaN. */
    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** Four significant digits, {@code 0.012345 -> "0.01235"}; integers as they are. */
    public static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.4g", value) : Double.toString(value);
    }

    /** Scientific notation with 3 decimals, {@code 0.000123 -> "1.230e-04"}. */
    public static String scientific(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.3e", value);
    }

    /** {@code "1 run"}, {@code "5 runs"}. */
    public static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
