package cli;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.text.Normalizer;
import java.util.Map;

/**
 * Text in the user's locale. Java reads arguments, file names and the working folder in the locale's charset and
 * writes the console in it. In the C/POSIX locale (LANG unset: cron, minimal containers) that is ASCII: a folder named
 * {@code Übung} arrives as {@code \uFFFD\uFFFDbung} and would be written as {@code ??bung}, a folder nobody named, and
 * {@code 2 → 264} prints as {@code 2 ? 264}. So a name the locale cannot carry is refused in one line before any work,
 * and console text falls back to ASCII spellings ({@code ->}, {@code +/-}). (./jbang runs Java in C.UTF-8 there.)
 */
public final class Encoding {
    private Encoding() {}

    /** What a character the console cannot show is written as. */
    static final Map<Character, String> ASCII = Map.ofEntries(
            Map.entry('→', "->"), Map.entry('←', "<-"), Map.entry('±', "+/-"), Map.entry('×', "x"), Map.entry('−', "-"),
            Map.entry('–', "-"), Map.entry('—', "--"), Map.entry('≤', "<="), Map.entry('≥', ">="), Map.entry('≈', "~"),
            Map.entry('µ', "u"), Map.entry('…', "..."), Map.entry('²', "^2"), Map.entry('³', "^3"), Map.entry('·', "."),
            Map.entry('‖', "||"), Map.entry('‘', "'"), Map.entry('’', "'"), Map.entry('“', "\""), Map.entry('”', "\""),
            Map.entry('\u00a0', " "), Map.entry('ß', "ss"));

    /**
     * Refuses, as bad input, an argument or working folder that the locale's charset could not decode (it holds U+FFFD
     * where the user's name had other characters), so that no path other than the one the user named is ever touched.
     */
    public static void requireNamable(String... args) {
        String cwd = System.getProperty("user.dir", "");
        if (cwd.indexOf('\uFFFD') >= 0) throw unnamable("the current folder " + cwd);
        String checkout = System.getenv("MOONS_CHECKOUT");
        if (checkout != null && checkout.indexOf('\uFFFD') >= 0) throw unnamable("the checkout's folder " + checkout);
        for (String arg : args) {
            if (arg.indexOf('\uFFFD') >= 0) throw unnamable("the argument '" + arg + "'");
        }
    }

    private static BadInputException unnamable(String what) {
        String charset = System.getProperty("sun.jnu.encoding", "?");
        boolean utf8 = Charset.isSupported(charset) && Charset.forName(charset).name().equals("UTF-8");
        return new BadInputException(what + (utf8
                ? " is not valid UTF-8, the charset of this locale; rename it, or run in the locale it was named in"
                : " has characters that this locale's charset (" + charset + ") cannot name; set a UTF-8 locale, e.g. "
                        + "export LC_ALL=C.UTF-8, and run it again"));
    }

    /** Makes System.out and System.err write ASCII spellings of what the console's charset cannot show (once). */
    public static void readableConsole() {
        Charset console = consoleCharset();
        if (console.newEncoder().canEncode("→±×–−≤")) return;
        if (!(System.out instanceof Fallback)) System.setOut(new Fallback(System.out, console));
        if (!(System.err instanceof Fallback)) System.setErr(new Fallback(System.err, console));
    }

    /** The charset Java writes the console in: stdout.encoding (Java 19+), sun.stdout.encoding (a terminal), the default. */
    static Charset consoleCharset() {
        for (String property : new String[] {"stdout.encoding", "sun.stdout.encoding"}) {
            String name = System.getProperty(property);
            if (name != null && Charset.isSupported(name)) return Charset.forName(name);
        }
        return Charset.defaultCharset();
    }

    /** {@code text} with every character {@code charset} cannot encode spelt in ASCII: a table, then the letter without its accent, then '?'. */
    public static String fallback(String text, Charset charset) {
        CharsetEncoder encoder = charset.newEncoder();
        if (encoder.canEncode(text)) return text;
        var out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            String s = Character.toString(c);
            if (encoder.canEncode(s)) out.append(s);
            else if (c <= 0xFFFF && ASCII.containsKey((char) c)) out.append(ASCII.get((char) c));
            else {
                String bare = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
                out.append(!bare.isEmpty() && encoder.canEncode(bare) ? bare : "?");
            }
        });
        return out.toString();
    }

    /** A console stream that writes {@link #fallback} spellings; everything printed passes through print(String). */
    static final class Fallback extends PrintStream {
        private final Charset charset;

        Fallback(PrintStream console, Charset charset) {
            super(console, true, charset);
            this.charset = charset;
        }

        @Override
        public void print(String s) {
            super.print(fallback(String.valueOf(s), charset));
        }

        @Override
        public void print(char c) {
            print(String.valueOf(c));
        }

        @Override
        public void print(char[] s) {
            print(new String(s));
        }

        @Override
        public void print(Object o) {
            print(String.valueOf(o));
        }
    }
}
