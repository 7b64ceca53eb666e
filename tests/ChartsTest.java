import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import nn.Activation;
import plot.ChartStyle;
import plot.Charts;

class ChartsTest {
    static final double[] EPOCHS = {1, 2, 3, 4, 5};

    /** Five runs of each activation, as a loss chart gets them. */
    static List<Charts.Line> runsOfTwoActivations() {
        var lines = new ArrayList<Charts.Line>();
        for (String activation : List.of("ReLU", "Sigmoid")) {
            for (int run = 0; run < 5; run++) {
                lines.add(new Charts.Line(activation, EPOCHS, new double[] {0.7, 0.5, 0.4, 0.3 + run * 0.01, 0.2}));
            }
        }
        return lines;
    }

    static List<XYSeries> visible(XYChart chart) {
        return chart.getSeriesMap().values().stream().filter(XYSeries::isEnabled).toList();
    }

    /** A well-formed SVG document whose root has the figure's size. */
    static void assertSvg(Path file, int width, int height) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);  // offline
        var root = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        assertEquals("svg", root.getTagName());
        assertEquals("0 0 " + width + " " + height, root.getAttribute("viewBox"));
    }

    /** Exactly these files, so no temp file was left behind. */
    static void assertOnlyFiles(Path dir, String... names) throws Exception {
        try (var files = Files.list(dir)) {
            assertEquals(Set.of(names), files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Test
    void runsShareTheirGroupsColourAndTheLegendNamesEachGroupOnce() {
        XYChart chart = Charts.lines("Training loss", "epoch", "loss", runsOfTwoActivations());
        List<XYSeries> series = visible(chart);
        assertEquals(10, series.size());
        assertEquals(List.of("ReLU", "Sigmoid"), series.stream().filter(XYSeries::isShowInLegend).map(XYSeries::getName).toList());
        for (XYSeries s : series) {
            var expected = s.getName().startsWith("ReLU") ? Activation.RELU : Activation.SIGMOID;
            assertEquals(expected.rgb(), s.getLineColor().getRGB() & 0xffffff, s.getName());
        }
        assertTrue(chart.getStyler().isLegendVisible());
        // One group needs no legend: the title says what it is.
        assertFalse(Charts.lines("ReLU", "epoch", "loss", runsOfTwoActivations().subList(0, 5)).getStyler().isLegendVisible());
    }

    @Test
    void logAxisTakesTinyValuesAndLeavesOutZeros(@TempDir Path dir) throws Exception {
        double[] norms = {1e-8, 3e-9, 0.0, 1e-3, 1.0};
        XYChart chart = Charts.lines("Gradient norms", "epoch", "norm", List.of(new Charts.Line("layer 1", EPOCHS, norms)), Charts.Scale.LOG);
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        double[] shown = visible(chart).get(0).getYData();
        assertEquals(3e-9, shown[1], 0.0);
        assertTrue(Double.isNaN(shown[2]), "a zero cannot be drawn on a log axis");
        Charts.save(chart, dir.resolve("norms"));
        BufferedImage png = ImageIO.read(dir.resolve("norms.png").toFile());
        assertEquals(Charts.WIDTH * Charts.PNG_SCALE, png.getWidth());
        assertSvg(dir.resolve("norms.svg"), Charts.WIDTH, Charts.HEIGHT);
        assertOnlyFiles(dir, "norms.png", "norms.svg");
    }

    @Test
    void smallMultiplesShareTheirYRange(@TempDir Path dir) throws Exception {
        var relu = Charts.lines("ReLU", "epoch", "norm", List.of(new Charts.Line("layer 1", EPOCHS, new double[] {1e-2, 1e-2, 1e-3, 1e-3, 1e-2})), Charts.Scale.LOG);
        var sigmoid = Charts.lines("Sigmoid", "epoch", "norm", List.of(new Charts.Line("layer 1", EPOCHS, new double[] {1e-8, 1e-7, 1e-7, 0, 1e-6})), Charts.Scale.LOG);
        Charts.shareYRange(List.of(relu, sigmoid));
        for (XYChart chart : List.of(relu, sigmoid)) {
            assertEquals(1e-8, chart.getStyler().getYAxisMin(), 0.0);
            assertEquals(1e-2, chart.getStyler().getYAxisMax(), 0.0);
        }
        Charts.save(List.of(relu, sigmoid), 2, dir.resolve("gradnorms"));
        BufferedImage png = ImageIO.read(dir.resolve("gradnorms.png").toFile());
        assertEquals(2 * Charts.WIDTH * Charts.PNG_SCALE, png.getWidth());
        assertEquals(Charts.HEIGHT * Charts.PNG_SCALE, png.getHeight());
        assertEquals(0xffffff, png.getRGB(1, 1) & 0xffffff, "white background");
        assertSvg(dir.resolve("gradnorms.svg"), 2 * Charts.WIDTH, Charts.HEIGHT);
    }

    @Test
    void equallySpacedEpochsGetRoundTicks() throws Exception {
        double[] epochs = new double[100];
        double[] loss = new double[100];
        for (int i = 0; i < 100; i++) {
            epochs[i] = i + 1;
            loss[i] = 1.0 / (i + 1);
        }
        XYChart chart = Charts.lines("loss", "epoch", "loss", List.of(new Charts.Line("ReLU", epochs, loss)));
        Charts.image(List.of(chart), 1);  // lays the chart out
        // XChart would put ticks on the epochs themselves (1, 5, 9, ...); round numbers read better.
        List<String> labels = xTickLabels(chart);  // may list ticks beyond the ends, which XChart does not draw
        assertTrue(labels.containsAll(List.of("0", "20", "40", "60", "80", "100")) && !labels.contains("5"), labels.toString());
    }

    /** The x tick labels XChart chose at the last paint. */
    static List<String> xTickLabels(XYChart chart) throws Exception {
        return tickLabels(chart, "getXAxis");
    }

    static List<String> tickLabels(XYChart chart, String getter) throws Exception {
        var getAxis = org.knowm.xchart.internal.chartpart.Chart.class.getDeclaredMethod(getter);
        getAxis.setAccessible(true);
        var axis = (org.knowm.xchart.internal.chartpart.Axis<?, ?>) getAxis.invoke(chart);
        return axis.getAxisTickCalculator().getTickLabels();
    }

    @Test
    void logAxisLabelsEveryDecadeInOneNotation() throws Exception {
        double[] norms = {1e-7, 1e-5, 1e-3, 0.05, 2};
        XYChart chart = Charts.lines("norms", "epoch", "norm", List.of(new Charts.Line("layer 1", EPOCHS, norms)), Charts.Scale.LOG);
        Charts.image(List.of(chart), 1);  // lays the chart out
        List<String> labels = tickLabels(chart, "getYAxis").stream().filter(l -> l != null && !l.isEmpty()).toList();
        // XChart's default would say 0.001 and 0.01 but 1E-4: one notation for every decade
        assertTrue(labels.containsAll(List.of("1E-6", "1E-4", "1E-3", "1E-2", "1E0")), labels.toString());
        assertTrue(labels.stream().allMatch(l -> l.matches("1E-?\\d+")), labels.toString());

        // a loss from 0.06 to 0.7: plain decimals, and the multiples labelled too (decades alone would give one label)
        double[] loss = {0.7, 0.3, 0.1, 0.07, 0.06};
        XYChart narrow = Charts.lines("loss", "epoch", "loss", List.of(new Charts.Line("train", EPOCHS, loss)), Charts.Scale.LOG);
        Charts.image(List.of(narrow), 1);
        List<String> plain = tickLabels(narrow, "getYAxis").stream().filter(l -> l != null && !l.isEmpty()).toList();
        assertTrue(plain.containsAll(List.of("0.06", "0.1", "0.2", "0.5")) && plain.stream().noneMatch(l -> l.contains("E")), plain.toString());
    }

    @Test
    void theLegendGoesBesideThePlotWhenLinesFillEveryCorner() {
        double[] x = new double[100], top = new double[100], bottom = new double[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
            top[i] = 0.7;
            bottom[i] = 0.05;
        }
        XYChart full = Charts.lines("loss", "epoch", "loss", List.of(new Charts.Line("ReLU", x, bottom), new Charts.Line("Sigmoid", x, top)));
        assertEquals(LegendPosition.OutsideE, full.getStyler().getLegendPosition());
        // one corner free: the legend goes there, inside
        double[] falling = new double[100];
        for (int i = 0; i < 100; i++) falling[i] = 0.7 - 0.0065 * i;
        XYChart open = Charts.lines("loss", "epoch", "loss", List.of(new Charts.Line("ReLU", x, falling), new Charts.Line("Sigmoid", x, bottom)));
        assertEquals(LegendPosition.InsideNE, open.getStyler().getLegendPosition());
        // side by side, panels keep their plot areas aligned: all legends outside if one is
        Charts.shareYRange(List.of(full, open));
        assertEquals(LegendPosition.OutsideE, open.getStyler().getLegendPosition());
    }

    @Test
    void badLinesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Charts.Line("ReLU", new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Charts.lines("t", "x", "y", List.of()));
    }
}
