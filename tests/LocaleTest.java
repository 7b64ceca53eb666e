import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.nd4j.linalg.api.buffer.DataType;
import cli.Encoding;
import data.Split;
import data.TwoMoons;
import nn.Activation;
import nn.Mlp;
import plot.Charts;
import plot.ConfidencePlot;

/**
 * Every locale: the sources compile in the C locale (ASCII), the console falls back to ASCII spellings where it cannot
 * show a character, a name the locale cannot carry is refused in one line before anything is written, and figures
 * label their axes with a decimal point in every locale, as the CSVs and reports do.
 */
class LocaleTest {
    /** The C locale exactly, as cron and minimal containers have it: Java reads and writes ASCII. */
    static final Map<String, String> PLAIN_C = Map.of("LC_ALL", "C");

    /** A java command with this test run's class path (every script's class and shared/), as JBang starts a script. */
    static String[] java(String... args) {
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path")));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    @Test
    @NeedsBash
    void theSourcesCompileInThePlainCLocale(@TempDir Path tmp) throws Exception {
        // JBang as installed (not ./jbang, which would run it in C.UTF-8), with a cache of its own: a fresh build.
        Map<String, String> env = Map.of("LC_ALL", "C", "JBANG_CACHE_DIR", tmp.resolve("jbang cache").toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Launch build = Launch.run(Launch.CHECKOUT, env, Launch.LOCALE, java, "-cp", Launch.jbangClassPath(), "dev.jbang.Main",
                "build", "scripts/moons.java");
        assertEquals(0, build.exit(), build.out());
        assertTrue(!build.out().contains("unmappable character"), build.out());
        try (var jars = Files.walk(tmp.resolve("jbang cache"))) {
            assertTrue(jars.anyMatch(f -> f.getFileName().toString().equals("moons.jar")), "built:\n" + build.out());
        }
    }

    @Test
    void textTheConsoleCannotShowIsSpeltInAscii() {
        assertEquals("2 -> 264 -> 2, loss 0.5 +/- 0.1, 3 x 264, 1-8, h(1 - h) <= 0.25, Ubung, ?",
                Encoding.fallback("2 → 264 → 2, loss 0.5 ± 0.1, 3 × 264, 1–8, h(1 − h) ≤ 0.25, Übung, 中", StandardCharsets.US_ASCII));
        assertEquals("2 → 264, Übung", Encoding.fallback("2 → 264, Übung", StandardCharsets.UTF_8));
        assertEquals("± 0.1, Übung, 1 - 2", Encoding.fallback("± 0.1, Übung, 1 − 2", StandardCharsets.ISO_8859_1));
    }

    @Test
    void theConsoleInThePlainCLocaleIsReadableAscii() throws Exception {
        Launch r = Launch.run(Launch.CHECKOUT, PLAIN_C, Launch.LOCALE, java("forward", "--batch", "2", "--hidden", "3"));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().startsWith("x -> Linear(2, 3) -> ReLU -> Linear(3, 2) -> softmax -> CE"), r.out());
        assertTrue(r.out().chars().allMatch(c -> c < 128) && !r.out().contains("?"), "ASCII, no ? for a lost character:\n" + r.out());
    }

    /** In the C locale a path with an umlaut arrives as U+FFFD: it is refused in one line, and nothing is written. */
    @Test
    void aNameTheLocaleCannotCarryIsRefusedInOneLine(@TempDir Path tmp) throws Exception {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "these tests name files in UTF-8");
        Path work = Files.createDirectories(tmp.resolve("work"));
        Launch named = Launch.run(work, PLAIN_C, Launch.LOCALE, java("moons", "--samples", "30", "--out", tmp.resolve("Übung/out").toString()));
        assertEquals(2, named.exit(), named.out());
        assertEquals(1, named.out().strip().lines().count(), named.out());
        assertTrue(named.out().startsWith("error: the argument '") && named.out().contains("set a UTF-8 locale, e.g. export LC_ALL=C.UTF-8"),
                named.out());

        Path umlaut = Files.createDirectories(tmp.resolve("Übung"));
        Launch inside = Launch.run(umlaut, PLAIN_C, Launch.LOCALE, java("moons", "--samples", "30", "--out", tmp.resolve("plain").toString()));
        assertEquals(2, inside.exit(), inside.out());
        assertTrue(inside.out().startsWith("error: the current folder ") && inside.out().contains("set a UTF-8 locale"), inside.out());
        assertEquals(1, inside.out().strip().lines().count(), inside.out());

        Launch defaultOut = Launch.run(umlaut, PLAIN_C, Launch.LOCALE, java("moons", "--samples", "30"));
        assertEquals(2, defaultOut.exit(), defaultOut.out());
        assertEquals(List.of("work", "Übung"), Launch.names(tmp), "nothing written, no ??bung beside Übung");
        assertEquals(List.of(), Launch.names(umlaut));
        assertEquals(List.of(), Launch.names(work));
    }

    /** The figures drawn in-process under the default locale of de, fr, tr, ar and hi are the same pixels as under ROOT. */
    @Test
    void figuresAreTheSamePixelsInEveryLocale() throws Exception {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.ROOT);
            List<BufferedImage> reference = figures();
            for (String tag : List.of("de-DE", "fr-FR", "tr-TR", "ar-EG", "hi-IN")) {
                Locale.setDefault(Locale.forLanguageTag(tag));
                List<BufferedImage> drawn = figures();
                for (int i = 0; i < drawn.size(); i++) assertSamePixels(reference.get(i), drawn.get(i), tag + ", figure " + i);
            }
        } finally {
            Locale.setDefault(before);
        }
    }

    /** A loss curve, a log-scale curve, the moons scatter and the confidence figure with its colour bar. */
    static List<BufferedImage> figures() throws Exception {
        double[] epochs = {0, 1, 2, 3, 4};
        var loss = Charts.lines("Training loss", "epoch", "loss", List.of(new Charts.Line("relu", epochs, new double[] {0.69, 0.61, 0.55, 0.52, 0.515})));
        var norms = Charts.lines("Gradient norm", "epoch", "norm", List.of(new Charts.Line("sigmoid", epochs, new double[] {3e-4, 1.5e-3, 0.02, 0.4, 2.5})),
                Charts.Scale.LOG);
        Split data = TwoMoons.lecture();
        var scatter = new moons().plot(data);
        Mlp net = Mlp.lecture(8, Activation.RELU, DataType.FLOAT).initLikeTorch(1);
        return List.of(Charts.image(List.of(loss, norms), 2), BitmapEncoder.getBufferedImage(scatter),
                ConfidencePlot.image(ConfidencePlot.inputAndLatent(net, data.test(), "200 test points", 40), 2));
    }

    static void assertSamePixels(BufferedImage expected, BufferedImage actual, String what) {
        assertEquals(expected.getWidth() + "x" + expected.getHeight(), actual.getWidth() + "x" + actual.getHeight(), what);
        int w = expected.getWidth(), h = expected.getHeight();
        assertArrayEquals(expected.getRGB(0, 0, w, h, null, 0, w), actual.getRGB(0, 0, w, h, null, 0, w), what + ": other pixels (a 0,5?)");
    }

    /**
     * The whole step under de_DE.UTF-8, as a German student runs it: the same figures, pixel for pixel, and the same
     * CSV as in C.UTF-8. (Debian: apt-get install locales; localedef -i de_DE -f UTF-8 de_DE.UTF-8, as .ci/run does.)
     */
    @Test
    void aStepUnderAGermanLocaleDrawsDecimalPoints(@TempDir Path tmp) throws Exception {
        Launch settings = Launch.run(tmp, Map.of("LC_ALL", "de_DE.UTF-8"), Launch.LOCALE, java("-XshowSettings:properties", "-version"));
        assumeTrue(settings.out().contains("user.language = de"), "the de_DE.UTF-8 locale is not generated here (localedef -i de_DE -f UTF-8 de_DE.UTF-8)");
        for (String locale : List.of("de_DE.UTF-8", "C.UTF-8")) {
            Launch r = Launch.run(tmp, Map.of("LC_ALL", locale), Launch.LOCALE,
                    java("lecture", "--epochs", "3", "--width", "8", "--out", tmp.resolve(locale).toString()));
            assertEquals(0, r.exit(), r.out());
        }
        for (String file : List.of("loss.png", "accuracy.png", "confidence.png")) {
            assertSamePixels(ImageIO.read(tmp.resolve("C.UTF-8").resolve(file).toFile()), ImageIO.read(tmp.resolve("de_DE.UTF-8").resolve(file).toFile()),
                    file + " under de_DE");
        }
        assertEquals(Files.readString(tmp.resolve("C.UTF-8/history.csv")), Files.readString(tmp.resolve("de_DE.UTF-8/history.csv")));
    }
}
