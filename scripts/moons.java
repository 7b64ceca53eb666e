///usr/bin/env jbang "$0" "$@" ; exit $?
// The data of both lessons: the two moons exactly as the lecture's notebook makes them with scikit-learn,
// make_moons(n_samples=1000, noise=0.2, random_state=42), StandardScaler on all points, then
// train_test_split(test_size=0.2, random_state=42): 800 train and 200 test points. Writes the raw points, the
// standardized train and test sets (CSV, full precision) and a scatter plot of the split.
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
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
//SOURCES ../shared/sources.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (JVM options: a class-data archive (//CDS) halves the start; serial GC with a small young generation keeps memory flat.)

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import cli.Cli;
import cli.OutputFolder;
import data.NumpyRandomState;
import data.Points;
import data.Split;
import data.TwoMoons;
import io.Output;
import plot.ChartStyle;
import plot.Charts;
import plot.ConfidenceGrid;
import plot.ConfidencePlot;
import report.MoonsResult;
import report.StepCommand;

/**
 * Step 0 of both lessons: the two-moons data exactly as scikit-learn makes it. Writes the raw points, the
 * standardized train and test sets (CSV, full precision) and a scatter plot of the split.
 */
@Command(name = "moons", mixinStandardHelpOptions = true,
        description = "Makes the two-moons data as scikit-learn 1.2.1 does (make_moons, StandardScaler on all points, "
                + "train_test_split), writes raw.csv, train.csv, test.csv and moons.png.")
public class moons implements StepCommand {
    /**
     * Beyond this the plot is a blot (its SVG holds a marker per point) and the CSVs tens of megabytes; the lecture uses
     * 1000. At least 2: one point to train on, one to test.
     */
    static final int MIN_SAMPLES = 2, MAX_SAMPLES = 100_000;
    /** The moons are about 3 units wide; far more noise only buries them (and beyond ~1e150 the squares overflow). */
    static final double MAX_NOISE = 1000;
    /** What it writes into --out. */
    static final List<String> OUTPUTS = List.of("{raw,train,test}.csv", "moons.{png,svg}");

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1000", description = "Points in both moons, " + MIN_SAMPLES + " to "
            + MAX_SAMPLES + " (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", paramLabel = "X", defaultValue = "0.2", description = "Standard deviation of the Gaussian noise, 0 to "
            + "1000 (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "make_moons random_state, 0..4294967295 (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--test-size", paramLabel = "F", defaultValue = "0.2", description = "Fraction of points in the test set, "
            + "between 0 and 1 (both excluded), with ceil(F*N) < N: ceil(F*N) of them (default: ${DEFAULT-VALUE}).")
    double testSize;

    @Option(names = "--split-seed", paramLabel = "S", defaultValue = "42", description = "train_test_split random_state, 0..4294967295 (default: ${DEFAULT-VALUE}).")
    long splitSeed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: scripts/out/moons).")
    Path out;

    public static void main(String... args) {
        System.exit(Cli.run(new moons(), args));
    }

    @Override
    public Integer call() {
        MoonsResult result = run();
        System.out.println("moons: " + result.settings());
        System.out.println(result.summary());
        System.out.println(result.written());
        return Cli.OK;
    }

    /** The step: make the points, standardize and split them, write them, plot them. */
    public MoonsResult run() {
        validate();
        OutputFolder folder = OutputFolder.open(out != null ? out : Output.defaultDir("moons"), "--out", OUTPUTS);   // files appear together

        Points raw = TwoMoons.makeMoons(samples, noise, seed);
        Split split = TwoMoons.standardizeAndSplit(raw, testSize, splitSeed);

        var files = new ArrayList<Path>();
        for (String name : List.of("raw", "train", "test")) {
            Points points = name.equals("raw") ? raw : name.equals("train") ? split.train() : split.test();
            files.add(points.writeCsv(folder.resolve(name + ".csv")));
        }
        files.addAll(Charts.save(plot(split), folder.resolve("moons")));
        return new MoonsResult(settings(), raw, split, folder.commit(files));
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    /** Every check before anything is written: each failure is one line naming the option and what is allowed. */
    void validate() {
        Cli.require(samples >= MIN_SAMPLES && samples <= MAX_SAMPLES,
                "--samples must be an integer from " + MIN_SAMPLES + " to " + MAX_SAMPLES + ", got " + samples);
        Cli.require(noise >= 0 && noise <= MAX_NOISE,
                "--noise must be a number from 0 to " + (int) MAX_NOISE + ", got " + noise);
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

    // ---- the figure: classes by colour, train filled, test hollow, one unit as long on both axes ----

    XYChart plot(Split split) {
        var box = ConfidenceGrid.Bounds.around(0.05, split.train(), split.test());
        // Keep the plot area's aspect ratio close to the data's, so the moons are not squashed.
        double aspect = (box.yMax() - box.yMin()) / (box.xMax() - box.xMin());
        var chart = new XYChart(600 + 140, (int) Math.round(600 * Math.min(1.2, Math.max(0.5, aspect))) + 150);
        ChartStyle.apply(chart);
        chart.setTitle("Two moons: n=" + samples + ", noise=" + noise + ", seed=" + seed + "  |  test size " + testSize
                + ", split seed " + splitSeed);
        chart.setXAxisTitle("x1 (standardized)");
        chart.setYAxisTitle("x2 (standardized)");
        var s = chart.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        s.setLegendPosition(LegendPosition.OutsideS).setLegendLayout(LegendLayout.Horizontal);
        s.setMarkerSize(split.train().size() + split.test().size() <= 3000 ? 7 : 4);
        s.setXAxisMin(box.xMin()).setXAxisMax(box.xMax()).setYAxisMin(box.yMin()).setYAxisMax(box.yMax());
        for (int label = 0; label <= 1; label++) addSeries(chart, "class " + label + ", train", split.train(), label, SeriesMarkers.CIRCLE);
        for (int label = 0; label <= 1; label++) addSeries(chart, "class " + label + ", test", split.test(), label, new Ring());
        return chart;
    }

    static void addSeries(XYChart chart, String name, Points points, int label, Marker marker) {
        double[][] mine = IntStream.range(0, points.size()).filter(i -> points.y()[i] == label).mapToObj(i -> points.x()[i])
                .toArray(double[][]::new);
        if (mine.length == 0) return;   // XChart cannot draw an empty series; a tiny split may lack a class in its test set
        XYSeries series = chart.addSeries(name + " (" + mine.length + ")", Arrays.stream(mine).mapToDouble(p -> p[0]).toArray(),
                Arrays.stream(mine).mapToDouble(p -> p[1]).toArray());
        series.setMarker(marker);
        Color colour = ConfidencePlot.classColour(label);
        series.setMarkerColor(marker == SeriesMarkers.CIRCLE ? new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 150) : colour);
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
}
