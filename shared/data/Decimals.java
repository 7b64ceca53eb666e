package data;

import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * Numbers in data files as numpy, pandas and C read them: plain decimals ({@code -1.5}, {@code .5}, {@code 2e-3}), ASCII
 * digits only. Java's own syntaxes ({@code 0x1p-1}, {@code 1.5d}, {@code 2f}) and words ({@code NaN}, {@code Infinity})
 * are not numbers here: a reader that takes them would read a file other programs cannot.
 */
public final class Decimals {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private Decimals() {}

    /** The value of {@code text} (surrounding blanks allowed) if it is a plain decimal number; empty otherwise. */
    public static OptionalDouble parse(String text) {
        String t = text.strip();
        return DECIMAL.matcher(t).matches() ? OptionalDouble.of(Double.parseDouble(t)) : OptionalDouble.empty();
    }

    /** Whether {@code text} (surrounding blanks allowed) is a whole number in decimal digits, e.g. {@code 12} or {@code -3}. */
    public static boolean isInteger(String text) {
        return INTEGER.matcher(text.strip()).matches();
    }

    /** Whether {@code value} lies within float32's range (about 3.4e38 either way), where the nets compute. */
    public static boolean fitsFloat(double value) {
        return Math.abs(value) <= Float.MAX_VALUE;
    }
}
