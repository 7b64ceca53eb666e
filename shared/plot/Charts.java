package plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
import io.Output;
import speed.Timings;

/**
 * Line charts (loss, accuracy, gradient norms) and the saving of any figure as {@code BASE.png} plus
 * {@code BASE.svg}, both written atomically.
 */
public final class Charts {
    private Charts() {}

    public static final int WIDTH = 560;
    public static final int HEIGHT = 400;
    /** PNGs are drawn at twice the figure's size, so text stays crisp on slides and high-DPI screens. */
    public static final int PNG_SCALE = 2;

    public enum Scale { LINEAR, LOG }

    static final BasicStroke LINE = new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final String X_ENDS = "x ends";

    /** One curve; curves of the same group share a colour and one legend entry (e.g. five seeds of "ReLU"). */
    public record Line(String group, double[] x, double[] y) {
        public Line {
            if (x.length != y.length) throw new IllegalArgumentException(group + ": " + x.length + " x values but " + y.length + " y values");
            if (x.length == 0) throw new IllegalArgumentException(group + ": a line needs at least one point");
        }

        @Override
        public String toString() {
            return "Line[" + group + ", " + x.length + " points, x " + x[0] + " to " + x[x.length - 1] + "]";
        }
    }

    /** A chart of {@code lines} with a linear y-axis. */
    public static XYChart lines(String title, String xLabel, String yLabel, List<Line> lines) {
        return lines(title, xLabel, yLabel, lines, Scale.LINEAR);
    }

    /**
     * A chart of {@code lines}, coloured by group (see {@link ChartStyle#groupColour}), the legend naming each group
     * once and only when there are several. On a log axis, values that are not positive are left out (gaps in the
     * line), as matplotlib does by default.
     */
    public static XYChart lines(String title, String xLabel, String yLabel, List<Line> lines, Scale yScale) {
        return Timings.time(Timings.FIGURES, () -> chartOf(title, xLabel, yLabel, lines, yScale));
    }

    private static XYChart chartOf(String title, String xLabel, String yLabel, List<Line> lines, Scale yScale) {
        if (lines.isEmpty()) throw new IllegalArgumentException(title + ": no lines to plot");
        XYChart chart = new XYChart(WIDTH, HEIGHT);
        ChartStyle.apply(chart);
        chart.setTitle(title);
        chart.setXAxisTitle(xLabel);
        chart.setYAxisTitle(yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        chart.getStyler().setYAxisLogarithmic(yScale == Scale.LOG);
        roundXTicks(chart, lines);
        Map<String, Color> colours = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Line line = lines.get(i);
            boolean firstOfGroup = !colours.containsKey(line.group());
            Color colour = colours.computeIfAbsent(line.group(), g -> ChartStyle.groupColour(g, colours.size()));
            double[] y = yScale == Scale.LOG ? positiveOrNaN(line.y()) : line.y();
            double[][] drawn = envelope(line.x(), y, WIDTH / 2);
            XYSeries series = chart.addSeries(firstOfGroup ? line.group() : line.group() + " #" + i, drawn[0], drawn[1]);
            series.setLineColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 215));
            series.setLineStyle(LINE);
            series.setMarker(SeriesMarkers.NONE);
            series.setShowInLegend(firstOfGroup);
        }
        chart.getStyler().setLegendVisible(colours.size() > 1);
        logTickLabels(chart);
        placeLegend(chart);
        return chart;
    }

    /**
     * What a line looks like at the figure's size: cut into {@code buckets} runs of points, each run drawn by its lowest
     * and highest point (in their order) and a gap where it has one. A 2000-epoch curve so stays the same picture with a
     * few hundred points, and its SVG small; the CSVs keep every epoch.
     */
    static double[][] envelope(double[] x, double[] y, int buckets) {
        int n = x.length;
        if (n <= 2 * buckets) return new double[][] {x, y};
        var keep = new java.util.TreeSet<Integer>();
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets), to = (int) ((long) (b + 1) * n / buckets);
            int lo = -1, hi = -1, gap = -1;
            for (int i = from; i < to; i++) {
                if (Double.isNaN(y[i])) {
                    if (gap < 0) gap = i;
                    continue;
                }
                if (lo < 0 || y[i] < y[lo]) lo = i;
                if (hi < 0 || y[i] > y[hi]) hi = i;
            }
            for (int i : new int[] {lo, hi, gap}) if (i >= 0) keep.add(i);
        }
        keep.add(n - 1);
        double[][] out = new double[2][keep.size()];
        int k = 0;
        for (int i : keep) {
            out[0][k] = x[i];
            out[1][k++] = y[i];
        }
        return out;
    }

    /**
     * One group of a {@link #spread} chart: at each {@code x} the {@code middle} of some runs (e.g. their median) and
     * their {@code min} and {@code max}; {@code zeros} holds the x of each run whose value was exactly 0 (once per run).
     * {@code name} labels the middle line in the legend, {@code zeroName} the zeros (null: the group has none).
     */
    public record Spread(String group, String name, double[] x, double[] middle, double[] min, double[] max, double[] zeros, String zeroName) {
        public Spread {
            if (x.length == 0 || middle.length != x.length || min.length != x.length || max.length != x.length) {
                throw new IllegalArgumentException(group + ": x, middle, min and max need the same length, at least 1");
            }
        }

        @Override
        public String toString() {
            return "Spread[" + name + ": x " + Arrays.toString(x) + ", middle " + Arrays.toString(middle) + ", min " + Arrays.toString(min)
                    + ", max " + Arrays.toString(max) + (zeros.length == 0 ? "" : ", " + zeros.length + " zeros at x " + Arrays.toString(zeros)) + "]";
        }
    }

    /**
     * A chart with a log y-axis of groups, each coloured by {@link ChartStyle#groupColour}: a solid line with dots
     * through its middle values and thin dashed lines through its min and max (the runs' spread). Zeros, which a log
     * axis cannot show, are crosses on a band below the lowest positive value (the axis ends under it), stacked when
     * several runs share an x, and set a little apart by group.
     */
    public static XYChart spread(String title, String xLabel, String yLabel, List<Spread> groups) {
        if (groups.isEmpty()) throw new IllegalArgumentException(title + ": no groups to plot");
        XYChart chart = new XYChart(WIDTH, HEIGHT);
        ChartStyle.apply(chart);
        chart.setTitle(title);
        chart.setXAxisTitle(xLabel);
        chart.setYAxisTitle(yLabel);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(7);
        double lowest = groups.stream().flatMapToDouble(g -> Arrays.stream(g.min())).filter(v -> v > 0 && Double.isFinite(v)).min().orElse(1);
        double zeroLevel = lowest / Math.pow(10, 0.6);
        boolean anyZero = false;
        var dashed = new BasicStroke(1.1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {5f, 4f}, 0f);
        for (int g = 0; g < groups.size(); g++) {
            Spread group = groups.get(g);
            Color c = ChartStyle.groupColour(group.group(), g);
            XYSeries middle = chart.addSeries(group.name(), group.x(), positiveOrNaN(group.middle()));
            middle.setLineColor(c);
            middle.setLineStyle(LINE);
            middle.setMarker(SeriesMarkers.CIRCLE);
            middle.setMarkerColor(c);
            for (String end : List.of("min", "max")) {
                XYSeries line = chart.addSeries(group.group() + " " + end, group.x(), positiveOrNaN(end.equals("min") ? group.min() : group.max()));
                line.setLineColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 170));
                line.setLineStyle(dashed);
                line.setMarker(SeriesMarkers.NONE);
                line.setShowInLegend(false);
            }
            if (group.zeros().length == 0) continue;
            anyZero = true;
            double[] zx = new double[group.zeros().length], zy = new double[zx.length];
            var seen = new LinkedHashMap<Double, Integer>();
            for (int i = 0; i < zx.length; i++) {
                int below = seen.merge(group.zeros()[i], 1, Integer::sum) - 1;
                zx[i] = group.zeros()[i] + 0.08 * (g - (groups.size() - 1) / 2.0);
                zy[i] = zeroLevel * Math.pow(10, 0.15 * below);
            }
            XYSeries zeros = chart.addSeries(group.zeroName(), zx, zy);
            zeros.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
            zeros.setMarker(SeriesMarkers.CROSS);
            zeros.setMarkerColor(c);
        }
        if (anyZero) chart.getStyler().setYAxisMin(zeroLevel / Math.pow(10, 0.3));
        chart.getStyler().setLegendVisible(true);
        logTickLabels(chart);
        placeLegend(chart);
        return chart;
    }

    /** Gives every chart the same y-range (the union of their data), so small multiples compare at a glance. */
    public static void shareYRange(List<XYChart> charts) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (XYChart chart : charts) {
            double[] range = yRange(chart);
            min = Math.min(min, range[0]);
            max = Math.max(max, range[1]);
        }
        boolean outside = false;
        for (XYChart chart : charts) {
            if (min <= max) {   // (no panel may have a value to show: e.g. every gradient 0 on a log axis)
                chart.getStyler().setYAxisMin(min);
                chart.getStyler().setYAxisMax(max);
            }
            logTickLabels(chart);
            placeLegend(chart);
            outside |= chart.getStyler().getLegendPosition() == LegendPosition.OutsideE;
        }
        // Side by side, the plot areas line up only if every panel keeps its legend on the same side of the frame.
        if (outside) for (XYChart chart : charts) chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    }

    /**
     * A dashed grey horizontal line at {@code y} across the chart's x range, named {@code label} in the legend: a
     * yardstick to read the curves against (e.g. the 1e-3 update:weight rule of thumb). The y-axis keeps it in view.
     */
    public static void referenceLine(XYChart chart, double y, String label) {
        double[] x = xRange(chart);
        XYSeries line = chart.addSeries(label, new double[] {x[0], x[1]}, new double[] {y, y});
        line.setLineColor(REFERENCE_COLOUR);
        line.setLineStyle(REFERENCE_LINE);
        line.setMarker(SeriesMarkers.NONE);
        line.setShowInLegend(true);
        chart.getStyler().setLegendVisible(true);
        logTickLabels(chart);
        placeLegend(chart);
    }

    static final Color REFERENCE_COLOUR = new Color(0x444444);
    static final BasicStroke REFERENCE_LINE = new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f);

    /** Fixes the chart's y-axis to {@code min..max} (e.g. 0..100 for shares in percent) and places its legend anew. */
    public static void yRange(XYChart chart, double min, double max) {
        chart.getStyler().setYAxisMin(min);
        chart.getStyler().setYAxisMax(max);
        logTickLabels(chart);
        placeLegend(chart);
    }

    /** Saves one chart as {@code base.png} and {@code base.svg}; returns both paths. */
    public static List<Path> save(Chart<?, ?> chart, Path base) {
        return save(List.of(chart), 1, base);
    }

    /** Saves charts side by side, {@code columns} per row, as {@code base.png} and {@code base.svg}; returns both paths. */
    public static List<Path> save(List<? extends Chart<?, ?>> charts, int columns, Path base) {
        int[] size = gridSize(charts, columns);
        return Timings.time(Timings.FIGURES, () -> writeFigure(base, size[0], size[1], g -> paintGrid(g, charts, columns)));
    }

    /** Charts side by side as one image at 1:1 scale (e.g. a frame of an animation). */
    public static BufferedImage image(List<? extends Chart<?, ?>> charts, int columns) {
        return Timings.time(Timings.FIGURES, () -> drawing("", charts, columns).image(1));
    }

    /** Writes a figure of {@code width x height} drawn by {@code painter} as {@code base.png} and {@code base.svg}. */
    static List<Path> writeFigure(Path base, int width, int height, Consumer<Graphics2D> painter) {
        BufferedImage png = render(width, height, PNG_SCALE, painter);
        Path pngFile = withSuffix(base, ".png"), svgFile = withSuffix(base, ".svg");
        Output.atomically(pngFile, temp -> {
            try (var encoding = Timings.begin(Timings.PNG); OutputStream out = Files.newOutputStream(temp)) {
                if (!ImageIO.write(png, "png", out)) throw new IOException("no PNG writer");
            }
        });
        var document = Timings.time(Timings.SVG, () -> svgDocument(width, height, painter));
        Output.atomically(svgFile, temp -> {
            try (var encoding = Timings.begin(Timings.SVG); OutputStream out = Files.newOutputStream(temp)) {
                document.writeTo(out);
            }
        });
        return List.of(pngFile, svgFile);
    }

    /** The figure as an SVG document: what XChart's VectorGraphicsEncoder does for one chart, for a whole figure. */
    static Document svgDocument(int width, int height, Consumer<Graphics2D> painter) {
        var svg = new VectorGraphics2D();
        painter.accept(svg);
        return new SVGProcessor().getDocument(svg.getCommands(), new PageSize(0, 0, width, height));
    }

    /** Charts side by side, {@code columns} per row, as a {@link Drawing} (e.g. for the notebook, which draws it at any scale). */
    public static Drawing drawing(String name, List<? extends Chart<?, ?>> charts, int columns) {
        int[] size = gridSize(charts, columns);
        return new Drawing(name, size[0], size[1], g -> paintGrid(g, charts, columns));
    }

    /** A white RGB image of the figure, {@code scale} pixels per figure unit. */
    static BufferedImage render(int width, int height, int scale, Consumer<Graphics2D> painter) {
        var image = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.scale(scale, scale);
        painter.accept(g);
        g.dispose();
        return image;
    }

    static Path withSuffix(Path base, String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }

    /** Width and height of a grid of charts: every cell as large as the largest chart. */
    private static int[] gridSize(List<? extends Chart<?, ?>> charts, int columns) {
        if (charts.isEmpty() || columns < 1) throw new IllegalArgumentException("need charts and columns >= 1");
        int cellWidth = charts.stream().mapToInt(Chart::getWidth).max().orElseThrow();
        int cellHeight = charts.stream().mapToInt(Chart::getHeight).max().orElseThrow();
        int cols = Math.min(columns, charts.size()), rows = (charts.size() + columns - 1) / columns;
        return new int[] {cols * cellWidth, rows * cellHeight, cellWidth, cellHeight};
    }

    static void paintGrid(Graphics2D g, List<? extends Chart<?, ?>> charts, int columns) {
        int[] size = gridSize(charts, columns);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size[0], size[1]);
        for (int i = 0; i < charts.size(); i++) {
            Chart<?, ?> chart = charts.get(i);
            Graphics2D cell = (Graphics2D) g.create();
            cell.translate(i % columns * size[2], i / columns * size[3]);
            chart.paint(cell, chart.getWidth(), chart.getHeight());
            cell.dispose();
        }
    }

    /**
     * XChart puts x ticks on the data's own values when they are equally spaced, as epochs are (ticks 1, 5, 9, ...).
     * A first, disabled series listing the x ends in reverse order makes the values unequally spaced, so XChart picks
     * round ticks (0, 20, 40, ...) instead.
     */
    private static void roundXTicks(XYChart chart, List<Line> lines) {
        double xMin = lines.stream().flatMapToDouble(l -> Arrays.stream(l.x())).min().orElseThrow();
        double xMax = lines.stream().flatMapToDouble(l -> Arrays.stream(l.x())).max().orElseThrow();
        roundXTicks(chart, xMin, xMax);
    }

    /** Round x ticks for data from {@code xMin} to {@code xMax} (before any other series is added). */
    static void roundXTicks(XYChart chart, double xMin, double xMax) {
        if (xMin < xMax) chart.addSeries(X_ENDS, new double[] {xMax, xMin}, new double[] {1, 1}).setEnabled(false).setShowInLegend(false);
    }

    /**
     * One notation for every label of a log axis. XChart writes 0.001 but 1E-4 (it switches below 1e-3 and from 1e3 on),
     * so a range reaching past those gets 1E-4, 1E-3, ... 1E0 throughout, and one inside them plain decimals. It labels
     * decades only; a range of under two decades also gets its 2..9 multiples labelled, or it would show one label or none.
     */
    private static void logTickLabels(XYChart chart) {
        if (!chart.getStyler().isYAxisLogarithmic()) return;
        double[] y = yRange(chart);
        chart.getStyler().setYAxisDecimalPattern(y[0] >= 1e-3 && y[1] < 1e3 ? null : "0E0");
        chart.getStyler().setYAxisLogarithmicDecadeOnly(!(Math.log10(y[1] / y[0]) < 2));
    }

    private static double[] positiveOrNaN(double[] values) {
        return Arrays.stream(values).map(v -> v > 0 && Double.isFinite(v) ? v : Double.NaN).toArray();
    }

    /** The y-range the chart shows: the styler's if set, else its finite (positive on a log axis) data. */
    private static double[] yRange(XYChart chart) {
        boolean log = chart.getStyler().isYAxisLogarithmic();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (XYSeries series : chart.getSeriesMap().values()) {
            if (!series.isEnabled()) continue;
            for (double y : series.getYData()) {
                if (!Double.isFinite(y) || (log && y <= 0)) continue;
                min = Math.min(min, y);
                max = Math.max(max, y);
            }
        }
        Double setMin = chart.getStyler().getYAxisMin(), setMax = chart.getStyler().getYAxisMax();
        return new double[] {setMin != null ? setMin : min, setMax != null ? setMax : max};
    }

    /** The x-range of the chart's enabled series. */
    private static double[] xRange(XYChart chart) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        for (XYSeries series : chart.getSeriesMap().values()) {
            if (!series.isEnabled()) continue;
            for (double x : series.getXData()) {
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
            }
        }
        return new double[] {xMin, xMax};
    }

    private static void placeLegend(XYChart chart) {
        double[] x = xRange(chart);
        double[] y = yRange(chart);
        boolean empty = ChartStyle.legendInEmptiestCorner(chart, x[0], x[1], y[0], y[1], chart.getStyler().isYAxisLogarithmic());
        // Lines in every corner: the legend goes beside the plot rather than over a line.
        if (!empty && chart.getStyler().isLegendVisible()) chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    }
}
