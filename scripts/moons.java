///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1:${os.detected.classifier}
//DEPS org.bytedeco:openblas:0.3.31-1.5.13
//DEPS org.bytedeco:openblas:0.3.31-1.5.13:${os.detected.classifier}
//DEPS org.bytedeco:javacpp:1.5.13
//DEPS org.bytedeco:javacpp:1.5.13:${os.detected.classifier}
//DEPS org.knowm.xchart:xchart:3.8.8
//DEPS de.erichseifert.vectorgraphics2d:VectorGraphics2D:0.13
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES ../shared/**/*.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (//CDS: JBang keeps a class-data archive of the script, which halves the JVM's start; -Xlog:cds=off silences the
// run that writes it. Serial GC with a small young generation keeps memory flat and low: deep peaks at 350 MB, not 770.)

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import cli.Cli;
import cli.Output;
import data.NumpyRandomState;
import data.Points;
import data.Split;
import data.TwoMoons;

/**
 * Step 0 of both lessons: the two-moons data exactly as scikit-learn makes it. Writes the raw points, the
 * standardized train and test sets (CSV, full precision) and a scatter plot of the split.
 */
@Command(name = "moons", mixinStandardHelpOptions = true,
        description = "Makes the two-moons data as scikit-learn 1.2.1 does (make_moons, StandardScaler on all points, "
                + "train_test_split), writes raw.csv, train.csv, test.csv and moons.png.")
public class moons implements Callable<Integer> {
    /** Beyond this the plot is a blot and the arrays a waste of memory; the lecture uses 1000. */
    static final int MAX_SAMPLES = 10_000_000;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1000", description = "Points in both moons (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", paramLabel = "X", defaultValue = "0.2", description = "Standard deviation of the Gaussian noise (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "make_moons random_state, 0..4294967295 (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--test-size", paramLabel = "F", defaultValue = "0.2", description = "Fraction of points in the test set; ceil(F*N) of them (default: ${DEFAULT-VALUE}).")
    double testSize;

    @Option(names = "--split-seed", paramLabel = "S", defaultValue = "42", description = "train_test_split random_state, 0..4294967295 (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: scripts/out/moons).")
    Path out;

    public static void main(String... args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new moons(), args);
    }

    @Override
    public Integer call() {
        validate();
        Path dir = Output.prepareDir(out != null ? out : Output.defaultDir("moons"), "--out");

        Points raw = TwoMoons.makeMoons(samples, noise, seed);
        Split split = TwoMoons.standardizeAndSplit(raw, testSize, splitSeed);

        raw.writeCsv(dir.resolve("raw.csv"));
        split.train().writeCsv(dir.resolve("train.csv"));
        split.test().writeCsv(dir.resolve("test.csv"));
        savePng(plot(split), dir.resolve("moons.png"));

        System.out.println("moons: " + settings());
        System.out.println(summaryLine("raw", raw));
        System.out.println(summaryLine("train", split.train()));
        System.out.println(summaryLine("test", split.test()));
        System.out.println("wrote raw.csv, train.csv, test.csv, moons.png to " + dir);
        return Cli.OK;
    }

    /** Every check before anything is written: each failure is one line naming the option and what is allowed. */
    void validate() {
        Cli.require(samples >= 1 && samples <= MAX_SAMPLES,
                "--samples must be an integer from 1 to " + MAX_SAMPLES + ", got " + samples);
        Cli.require(Double.isFinite(noise) && noise >= 0,
                "--noise must be a finite number >= 0, got " + noise);
        Cli.require(testSize > 0 && testSize < 1,
                "--test-size must be a number strictly between 0 and 1, got " + testSize);
        int test = (int) Math.ceil(testSize * samples);
        Cli.require(test < samples, "--test-size " + testSize + " with --samples " + samples + " leaves no training point"
                + " (ceil(" + testSize + " * " + samples + ") = " + test + " test points); allowed: F with ceil(F * N) < N");
        Cli.require(seed >= 0 && seed <= NumpyRandomState.MAX_SEED,
                "--seed must be an integer from 0 to " + NumpyRandomState.MAX_SEED + " (numpy's range), got " + seed);
        Cli.require(splitSeed >= 0 && splitSeed <= NumpyRandomState.MAX_SEED,
                "--split-seed must be an integer from 0 to " + NumpyRandomState.MAX_SEED + " (numpy's range), got " + splitSeed);
    }

    String settings() {
        return "make_moons(n_samples=" + samples + ", noise=" + noise + ", random_state=" + seed + "), standardized, "
                + "train_test_split(test_size=" + testSize + ", random_state=" + splitSeed + ")";
    }

    static String summaryLine(String name, Points points) {
        int ones = Arrays.stream(points.y()).sum();
        return String.format("  %-5s %7d points   class 0: %7d   class 1: %7d", name, points.size(),
                points.size() - ones, ones);
    }

    // ---- the figure: classes by colour, train filled, test hollow, one unit as long on both axes ----

    static final Color CLASS_0 = new Color(0x1f5fbf); // blue, as in the lecture
    static final Color CLASS_1 = new Color(0xd0209f); // magenta, as in the lecture
    static final int PLOT_SIZE = 600;
    static final int PNG_SCALE = 2;

    XYChart plot(Split split) {
        double[] box = bounds(split);
        // Keep the plot area's aspect ratio close to the data's, so the moons are not squashed.
        double aspect = (box[3] - box[2]) / (box[1] - box[0]);
        int width = PLOT_SIZE + 140; // room for the y-axis labels and the four-entry legend
        int height = (int) Math.round(PLOT_SIZE * Math.min(1.2, Math.max(0.5, aspect))) + 150;
        var chart = new XYChart(width, height);
        chart.setTitle(title());
        chart.setXAxisTitle("x1 (standardized)");
        chart.setYAxisTitle("x2 (standardized)");
        var s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x999999));
        s.setPlotGridLinesColor(new Color(0xe6e6e6));
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTicksLineVisible(false);
        s.setLegendPosition(LegendPosition.OutsideS);
        s.setLegendLayout(LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setAntiAlias(true);
        s.setMarkerSize(split.train().size() + split.test().size() <= 3000 ? 7 : 4);
        s.setXAxisMin(box[0]).setXAxisMax(box[1]).setYAxisMin(box[2]).setYAxisMax(box[3]);

        addSeries(chart, "class 0, train", split.train(), 0, SeriesMarkers.CIRCLE, CLASS_0);
        addSeries(chart, "class 1, train", split.train(), 1, SeriesMarkers.CIRCLE, CLASS_1);
        addSeries(chart, "class 0, test", split.test(), 0, new Ring(), CLASS_0);
        addSeries(chart, "class 1, test", split.test(), 1, new Ring(), CLASS_1);
        return chart;
    }

    String title() {
        return "Two moons: n=" + samples + ", noise=" + noise + ", seed=" + seed
                + "  |  test size " + testSize + ", split seed " + splitSeed;
    }

    /** x min, x max, y min, y max of all points, padded by 5% so no marker sits on the frame. */
    static double[] bounds(Split split) {
        double[] box = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Points points : new Points[] {split.train(), split.test()}) {
            for (double[] p : points.x()) {
                box[0] = Math.min(box[0], p[0]);
                box[1] = Math.max(box[1], p[0]);
                box[2] = Math.min(box[2], p[1]);
                box[3] = Math.max(box[3], p[1]);
            }
        }
        for (int axis = 0; axis < 2; axis++) {
            double pad = Math.max(0.05 * (box[2 * axis + 1] - box[2 * axis]), 0.1);
            box[2 * axis] -= pad;
            box[2 * axis + 1] += pad;
        }
        return box;
    }

    static void addSeries(XYChart chart, String name, Points points, int label, Marker marker, Color colour) {
        int count = (int) Arrays.stream(points.y()).filter(y -> y == label).count();
        double[] x1 = new double[count];
        double[] x2 = new double[count];
        for (int i = 0, k = 0; i < points.size(); i++) {
            if (points.y()[i] != label) continue;
            x1[k] = points.x()[i][0];
            x2[k++] = points.x()[i][1];
        }
        // XChart cannot draw an empty series; a tiny split may lack a class in its test set.
        if (count == 0) return;
        XYSeries series = chart.addSeries(name + " (" + count + ")", x1, x2);
        series.setMarker(marker);
        boolean filled = marker == SeriesMarkers.CIRCLE;
        series.setMarkerColor(filled ? new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 150) : colour);
    }

    /** A hollow circle: the test points, distinguishable from the filled training points in the same colour. */
    static final class Ring extends Marker {
        @Override
        public void paint(Graphics2D g, double x, double y, int size) {
            g.setStroke(new BasicStroke(1.6f));
            double d = size + 2.0;
            g.draw(new Ellipse2D.Double(x - d / 2, y - d / 2, d, d));
        }
    }

    static void savePng(XYChart chart, Path file) {
        var image = new BufferedImage(chart.getWidth() * PNG_SCALE, chart.getHeight() * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.scale(PNG_SCALE, PNG_SCALE);
        chart.paint(g, chart.getWidth(), chart.getHeight());
        g.dispose();
        Output.atomically(file, temp -> {
            try (OutputStream stream = Files.newOutputStream(temp)) {
                if (!ImageIO.write(image, "png", stream)) throw new IOException("no PNG writer");
            }
        });
    }
}
