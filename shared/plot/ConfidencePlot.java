package plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.AxisPair;
import org.knowm.xchart.style.Styler.YAxisPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.ops.transforms.Transforms;
import data.Points;
import nn.Mlp;
import speed.Timings;

/**
 * The lecture's confidence figure: a model's confidence as a filled field from white (a coin toss) to light blue
 * (certain), the data on top (class 0 blue, class 1 magenta), one colour bar per figure. XChart draws the axes,
 * ticks, titles and legend; the field is an image painted exactly under XChart's plot area.
 */
public final class ConfidencePlot {
    private ConfidencePlot() {}

    public static final int PANEL_WIDTH = 440;
    public static final int PANEL_HEIGHT = 400;
    static final int BAR_WIDTH = 16;
    static final int MARKER_SIZE = 7;

    /** One panel: title, axes, confidence field and points. Build it with {@link #panel}. */
    public static final class Panel extends FieldChart {
        private final ConfidenceGrid grid;

        private Panel(ConfidenceGrid grid, int width, int height) {
            super(width, height, fieldImage(grid), grid.bounds());
            this.grid = grid;
        }

        public ConfidenceGrid grid() {
            return grid;
        }

        @Override
        public String toString() {
            return "Panel[" + getTitle() + "; " + grid + "]";
        }
    }

    /** A panel of {@code grid} with {@code points} on top (colour by class, legend in the emptiest corner). */
    public static Panel panel(String title, ConfidenceGrid grid, Points points, String xLabel, String yLabel) {
        return panel(title, grid, points, xLabel, yLabel, PANEL_WIDTH, PANEL_HEIGHT);
    }

    public static Panel panel(String title, ConfidenceGrid grid, Points points, String xLabel, String yLabel, int width, int height) {
        return Timings.time(Timings.FIGURES, () -> panelOf(title, grid, points, xLabel, yLabel, width, height));
    }

    private static Panel panelOf(String title, ConfidenceGrid grid, Points points, String xLabel, String yLabel, int width, int height) {
        var panel = new Panel(grid, width, height);
        panel.setTitle(title);
        panel.setXAxisTitle(xLabel);
        panel.setYAxisTitle(yLabel);
        XYStyler s = panel.getStyler();
        s.setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        s.setMarkerSize(Math.max(4, Math.round(MARKER_SIZE * width / (float) PANEL_WIDTH)));  // smaller panels, smaller dots
        int classes = java.util.Arrays.stream(points.y()).max().orElse(-1) + 1;
        for (int c = 0; c < classes; c++) {
            final int label = c;
            double[][] mine = java.util.stream.IntStream.range(0, points.size()).filter(i -> points.y()[i] == label)
                    .mapToObj(i -> points.x()[i]).toArray(double[][]::new);
            if (mine.length == 0) continue;
            XYSeries series = panel.addSeries("class " + c, column(mine, 0), column(mine, 1));
            series.setMarker(new EdgedCircle());
            series.setMarkerColor(classColour(c));
        }
        s.setLegendVisible(!panel.getSeriesMap().isEmpty());
        var b = grid.bounds();
        ChartStyle.legendInEmptiestCorner(panel, b.xMin(), b.xMax(), b.yMin(), b.yMax(), false);
        return panel;
    }

    /**
     * The lecture's figure of a net: its confidence over the input space and over its 2-unit latent space (the latent
     * layer's output before its activation, {@link Mlp#latent}), {@code points} drawn in both: two panels side by side.
     */
    public static List<Panel> inputAndLatent(Mlp net, Points points, String pointsName, int resolution) {
        return Timings.time(Timings.FIGURES, () -> inputAndLatentOf(net, points, pointsName, resolution));
    }

    private static List<Panel> inputAndLatentOf(Mlp net, Points points, String pointsName, int resolution) {
        ConfidenceGrid input = ConfidenceGrid.evaluate(ConfidenceGrid.Bounds.around(0.1, points), resolution, DataType.FLOAT,
                x -> Transforms.softmax(net.logits(x), true));
        Points latent = Points.of(net.latent(points.features(DataType.FLOAT)), points.y());
        ConfidenceGrid latentField = ConfidenceGrid.evaluate(ConfidenceGrid.Bounds.around(0.1, latent), resolution, DataType.FLOAT,
                z -> Transforms.softmax(net.logitsFromLatent(z), true));
        return List.of(panel("Input space, " + pointsName, input, points, "x1", "x2"),
                panel("Latent space (before " + net.activation() + "), " + pointsName, latentField, latent, "latent 1", "latent 2"));
    }

    /**
     * Saves panels, {@code columns} per row, with one colour bar on the right, as {@code base.png} and {@code base.svg}.
     * The class legend stays on the first panel only (the others' is switched off: same colours, less clutter).
     */
    public static List<Path> save(List<Panel> panels, int columns, Path base) {
        try (var phase = Timings.begin(Timings.FIGURES)) {
            Figure figure = new Figure(panels, columns);
            return Charts.writeFigure(base, figure.width, figure.height, figure::paint);
        }
    }

    /** The same figure as a {@link Drawing}, to be drawn at any scale (the notebook's figures). */
    public static Drawing drawing(String name, List<Panel> panels, int columns) {
        Figure figure = new Figure(panels, columns);
        return new Drawing(name, figure.width, figure.height, figure::paint);
    }

    /** The same figure as one image at 1:1 scale, e.g. a frame of an {@link AnimatedGif}. */
    public static BufferedImage image(List<Panel> panels, int columns) {
        try (var phase = Timings.begin(Timings.FIGURES)) {
            return drawing("", panels, columns).image(1);
        }
    }

    /**
     * The frames of an animation of one panel whose field and title change (the boundary as a net trains): the colour
     * bar is the same in every frame, so it is laid out and drawn once, with the first frame, and copied into the rest.
     * Frames come in the figure's own 256 colours (a GIF's limit), so that ImageIO's GIF writer need not build a palette
     * per frame from its pixels, which takes ten times as long as the encoding itself.
     */
    public static final class Animation {
        private static final IndexColorModel PALETTE = palette();
        private final Map<Integer, Byte> nearest = new HashMap<>();
        private BufferedImage bar;
        private int panelWidth;

        /** One frame at 1:1 scale, as {@link #image} draws a one-panel figure, in the figure's palette. */
        public BufferedImage frame(Panel panel) {
            try (var phase = Timings.begin(Timings.FIGURES)) {
                if (bar == null) {
                    Figure figure = new Figure(List.of(panel), 1);
                    BufferedImage first = Charts.render(figure.width, figure.height, 1, figure::paint);
                    panelWidth = figure.cellWidth;
                    bar = first.getSubimage(panelWidth, 0, figure.width - panelWidth, figure.height);
                    return inPalette(first);
                }
                if (panel.getWidth() != panelWidth) throw new IllegalArgumentException("every frame's panel must have the first one's size");
                return inPalette(Charts.render(panelWidth + bar.getWidth(), bar.getHeight(), 1, g -> {
                    Charts.paintGrid(g, List.of(panel), 1);
                    g.drawImage(bar, panelWidth, 0, null);
                }));
            }
        }

        /**
         * The colours a frame is drawn in: the field's ramp from white to light blue, greys (text, lines, their
         * antialiased edges), and each class colour and the markers' edge blended toward white (the markers' rims).
         */
        private static IndexColorModel palette() {
            var colours = new ArrayList<Color>();
            for (int i = 0; i < 128; i++) colours.add(colour(0.5 + 0.5 * i / 127, 0.5));
            for (int i = 0; i < 64; i++) colours.add(blend(Color.BLACK, i / 63.0));
            for (Color c : List.of(ChartStyle.CLASS_0, ChartStyle.CLASS_1)) for (int i = 0; i < 24; i++) colours.add(blend(c, i / 24.0));
            for (int i = 0; i < 16; i++) colours.add(blend(ChartStyle.MARKER_EDGE, i / 16.0));
            byte[] r = new byte[256], g = new byte[256], b = new byte[256];
            for (int i = 0; i < 256; i++) {
                r[i] = (byte) colours.get(i).getRed();
                g[i] = (byte) colours.get(i).getGreen();
                b[i] = (byte) colours.get(i).getBlue();
            }
            return new IndexColorModel(8, 256, r, g, b);
        }

        /** {@code c} mixed with white, {@code white} of it white. */
        private static Color blend(Color c, double white) {
            return new Color((int) Math.round(c.getRed() + white * (255 - c.getRed())), (int) Math.round(c.getGreen() + white * (255 - c.getGreen())),
                    (int) Math.round(c.getBlue() + white * (255 - c.getBlue())));
        }

        /** Each pixel as its nearest palette colour (no dithering: the field stays smooth). */
        private BufferedImage inPalette(BufferedImage rgb) {
            var indexed = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, PALETTE);
            int[] pixels = rgb.getRGB(0, 0, rgb.getWidth(), rgb.getHeight(), null, 0, rgb.getWidth());
            byte[] target = ((DataBufferByte) indexed.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < pixels.length; i++) {   // (a pixel is mostly its left neighbour's colour)
                target[i] = i > 0 && pixels[i] == pixels[i - 1] ? target[i - 1] : nearest.computeIfAbsent(pixels[i] & 0xffffff, Animation::nearestIndex);
            }
            return indexed;
        }

        private static byte nearestIndex(int rgb) {
            int best = 0;
            long bestDistance = Long.MAX_VALUE;
            for (int i = 0; i < PALETTE.getMapSize(); i++) {
                long dr = PALETTE.getRed(i) - (rgb >> 16 & 0xff), dg = PALETTE.getGreen(i) - (rgb >> 8 & 0xff), db = PALETTE.getBlue(i) - (rgb & 0xff);
                long distance = dr * dr + dg * dg + db * db;
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = i;
                }
            }
            return (byte) best;
        }

        @Override
        public String toString() {
            return "Animation[" + (bar == null ? "no frame yet" : "frames of " + (panelWidth + bar.getWidth()) + " x " + bar.getHeight()) + "]";
        }
    }

    /** The field's colour for {@code confidence}: white at {@code floor} (1/classes) to light blue at 1. */
    public static Color colour(double confidence, double floor) {
        double t = Math.max(0, Math.min(1, (confidence - floor) / (1 - floor)));
        Color c = ChartStyle.CONFIDENT;
        return new Color((int) Math.round(255 + t * (c.getRed() - 255)), (int) Math.round(255 + t * (c.getGreen() - 255)),
                (int) Math.round(255 + t * (c.getBlue() - 255)));
    }

    public static Color classColour(int label) {
        return switch (label) {
            case 0 -> ChartStyle.CLASS_0;
            case 1 -> ChartStyle.CLASS_1;
            default -> ChartStyle.OTHER_GROUPS.get((label - 2) % ChartStyle.OTHER_GROUPS.size());
        };
    }

    /** The grid as an image, one pixel per cell, top row first. */
    static BufferedImage fieldImage(ConfidenceGrid grid) {
        int n = grid.resolution();
        var image = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                image.setRGB(col, n - 1 - row, colour(grid.confidence()[row][col], grid.floor()).getRGB());
            }
        }
        return image;
    }

    private static double[] column(double[][] xy, int j) {
        return java.util.Arrays.stream(xy).mapToDouble(p -> p[j]).toArray();
    }

    /**
     * An XYChart that paints {@code field} exactly over the data rectangle {@code where} of its axes, under the plot's
     * border and series. XChart paints the axes (which fixes the plot's place) and then the plot; a replaced
     * {@link AxisPair} that paints the field right after the axes slots it in between.
     */
    static class FieldChart extends XYChart {
        private final BufferedImage field;
        private final ConfidenceGrid.Bounds where;

        FieldChart(int width, int height, BufferedImage field, ConfidenceGrid.Bounds where) {
            super(width, height);
            this.field = field;
            this.where = where;
            axisPair = new AxisPair<>(this) {
                @Override
                public void paint(Graphics2D g) {
                    super.paint(g);
                    paintField(g);
                }
            };
            ChartStyle.apply(this);
            XYStyler s = getStyler();
            s.setXAxisMin(where.xMin());
            s.setXAxisMax(where.xMax());
            s.setYAxisMin(where.yMin());
            s.setYAxisMax(where.yMax());
            s.setPlotContentSize(1.0);  // the data rectangle fills the plot area, no inner margin
            s.setPlotBackgroundColor(new Color(0, 0, 0, 0));
            s.setPlotGridLinesVisible(false);
        }

        /** The data rectangle in this chart's pixels (valid once painted): x, y of its top-left corner, width, height. */
        public Rectangle2D dataRectangle() {
            double left = getScreenXFromChart(where.xMin()), right = getScreenXFromChart(where.xMax());
            double top = getScreenYFromChart(where.yMax()), bottom = getScreenYFromChart(where.yMin());
            return new Rectangle2D.Double(left, top, right - left, bottom - top);
        }

        private void paintField(Graphics2D g) {
            Rectangle2D r = dataRectangle();
            Graphics2D f = (Graphics2D) g.create();
            f.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            f.clip(r);
            // Transform the graphics rather than pass drawImage a transform: VectorGraphics2D rasterises the latter.
            f.translate(r.getX(), r.getY());
            f.scale(r.getWidth() / field.getWidth(), r.getHeight() / field.getHeight());
            f.drawImage(field, 0, 0, null);
            f.dispose();
        }
    }

    /** A filled circle with a thin dark edge, visible on white and on light blue alike. */
    static final class EdgedCircle extends Marker {
        @Override
        public void paint(Graphics2D g, double x, double y, int size) {
            var circle = new Ellipse2D.Double(x - size / 2.0, y - size / 2.0, size, size);
            Color fill = g.getColor();
            g.fill(circle);
            g.setColor(ChartStyle.MARKER_EDGE);
            g.setStroke(new BasicStroke(0.7f));
            g.draw(circle);
            g.setColor(fill);
        }
    }

    /** Panels in a grid plus a colour bar whose bar spans the plot areas from the top row to the bottom row. */
    private static final class Figure {
        final List<Panel> panels;
        final int columns, rows, cellWidth, cellHeight, width, height;
        final FieldChart bar;

        Figure(List<Panel> panels, int columns) {
            if (panels.isEmpty() || columns < 1) throw new IllegalArgumentException("need panels and columns >= 1");
            double floor = panels.get(0).grid().floor();
            for (Panel p : panels) {
                if (p.grid().floor() != floor) throw new IllegalArgumentException("panels of one figure must share the number of classes");
            }
            this.panels = panels;
            for (int i = 1; i < panels.size(); i++) panels.get(i).getStyler().setLegendVisible(false);
            this.columns = Math.min(columns, panels.size());
            this.rows = (panels.size() + columns - 1) / columns;
            this.cellWidth = panels.stream().mapToInt(Panel::getWidth).max().orElseThrow();
            this.cellHeight = panels.stream().mapToInt(Panel::getHeight).max().orElseThrow();
            this.bar = colourBar(floor, cellHeight * rows - 100);
            this.width = this.columns * cellWidth + bar.getWidth();
            this.height = rows * cellHeight;
        }

        void paint(Graphics2D g) {
            Charts.paintGrid(g, panels, columns);
            g.setColor(Color.WHITE);
            g.fillRect(columns * cellWidth, 0, bar.getWidth(), height);
            // The bar spans from the top of the first panel's plot to the bottom of the last row's plot.
            double top = panels.get(0).dataRectangle().getMinY();
            Rectangle2D last = panels.get((rows - 1) * columns).dataRectangle();
            double bottom = (rows - 1) * cellHeight + last.getMaxY();
            fitBar(bar, (int) Math.round(bottom - top));
            Rectangle2D r = bar.dataRectangle();
            Graphics2D at = (Graphics2D) g.create();
            at.translate(columns * cellWidth, top - r.getY());
            bar.paint(at, bar.getWidth(), bar.getHeight());
            at.dispose();
        }
    }

    /**
     * A narrow chart whose plot is the colour scale from {@code floor} to 1, its ticks on the right as in matplotlib.
     */
    private static FieldChart colourBar(double floor, int height) {
        // XChart drops a tick that sits exactly on the plot's edge; a sub-pixel overhang keeps both ends labelled.
        double overhang = 1e-6 * (1 - floor);
        var where = new ConfidenceGrid.Bounds(0, 1, floor - overhang, 1 + overhang);
        var gradient = new BufferedImage(1, 256, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 256; i++) {
            double confidence = where.yMin() + (where.yMax() - where.yMin()) * (i + 0.5) / 256;
            gradient.setRGB(0, 255 - i, colour(confidence, floor).getRGB());
        }
        var bar = new FieldChart(100, height, gradient, where);
        bar.setYAxisTitle("confidence");
        XYStyler s = bar.getStyler();
        s.setChartTitleVisible(false);
        s.setLegendVisible(false);
        s.setChartPadding(4);
        s.setXAxisTicksVisible(false);
        s.setXAxisTitleVisible(false);
        // XChart collapses a plot narrower than this hint, and loops forever fitting x labels into a narrow one.
        s.setXAxisTickMarkSpacingHint(BAR_WIDTH / 2);
        s.setxAxisTickLabelsFormattingFunction(x -> "");
        s.setYAxisGroupPosition(0, YAxisPosition.Right);
        s.setYAxisDecimalPattern("0.0#");
        XYSeries range = bar.addSeries("range", new double[] {0, 1}, new double[] {floor, 1});
        range.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        range.setMarker(SeriesMarkers.NONE);
        fitBar(bar, height);
        return bar;
    }

    /** Sizes the colour bar to a bar of {@code plotHeight}, with a tick every 0.1 (XChart's spacing is a hint in pixels). */
    private static void fitBar(FieldChart bar, int plotHeight) {
        XYStyler s = bar.getStyler();
        s.setYAxisTickMarkSpacingHint((int) (0.9 * plotHeight * 0.1 / (s.getYAxisMax() - s.getYAxisMin())));
        fitPlot(bar, BAR_WIDTH, plotHeight);
    }

    /** Resizes {@code chart} so that its plot area is {@code plotWidth x plotHeight}. */
    private static void fitPlot(FieldChart chart, int plotWidth, int plotHeight) {
        Graphics2D scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int w = chart.getWidth(), h = chart.getHeight();
        for (int pass = 0; pass < 3; pass++) {  // tick labels may change with the size; a few passes settle it
            chart.paint(scratch, w, h);  // painting is how XChart lays a chart out
            Rectangle2D r = chart.dataRectangle();
            w = (int) Math.round(w - r.getWidth() + plotWidth);
            h = (int) Math.round(h - r.getHeight() + plotHeight);
        }
        chart.paint(scratch, w, h);
        scratch.dispose();
    }
}
