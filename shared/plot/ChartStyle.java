package plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;

/** The one look of every figure: colours that mean the same thing everywhere, fonts, and a quiet frame. */
public final class ChartStyle {
    private ChartStyle() {}

    /** Class 0 and class 1 of the two moons: blue and magenta, as in the lecture. */
    public static final Color CLASS_0 = new Color(0x1f5fbf);
    public static final Color CLASS_1 = new Color(0xd0209f);
    /** The ReLU and Sigmoid networks: two colours that neither class colour nor each other resemble. */
    public static final Color RELU = new Color(0xe07b00);
    public static final Color SIGMOID = new Color(0x159a80);
    /** Further groups of line charts get these, in order of first appearance. */
    static final List<Color> OTHER_GROUPS = List.of(new Color(0x5b5bd6), new Color(0xc43c3c), new Color(0x6b8e23),
            new Color(0x8c564b), new Color(0x555555), new Color(0xbcbd22));

    /** The confidence field runs from white (a coin toss) to this light blue (certain). */
    public static final Color CONFIDENT = new Color(0x8fc3ea);
    /** Edges of scatter markers, so they stand out on white and on light blue alike. */
    static final Color MARKER_EDGE = new Color(0x202020);

    static final Color TEXT = new Color(0x222222);
    static final Color FRAME = new Color(0x999999);
    static final Color GRID = new Color(0xe6e6e6);
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    /** The colour of a line group: ReLU and Sigmoid by name (any case), other groups by {@code index}. */
    public static Color groupColour(String group, int index) {
        Color known = Map.of("relu", RELU, "sigmoid", SIGMOID).get(group.toLowerCase(Locale.ROOT));
        return known != null ? known : OTHER_GROUPS.get(index % OTHER_GROUPS.size());
    }

    /** Applies the shared look: white, readable fonts, light grid, no interactive extras. */
    public static void apply(XYChart chart) {
        XYStyler s = chart.getStyler();
        s.setAntiAlias(true);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartFontColor(TEXT);
        s.setChartPadding(10);
        s.setChartTitleBoxVisible(false);
        s.setChartTitleFont(TITLE_FONT);
        s.setChartTitlePadding(8);
        s.setAxisTitleFont(LABEL_FONT);
        s.setAxisTickLabelsFont(TICK_FONT);
        s.setAxisTickLabelsColor(TEXT);
        s.setAxisTickMarksColor(FRAME);
        s.setAxisTicksLineVisible(false);
        s.setPlotBorderColor(FRAME);
        s.setPlotGridLinesColor(GRID);
        s.setPlotGridLinesStroke(new BasicStroke(1f));
        s.setPlotMargin(0);
        s.setLegendFont(LEGEND_FONT);
        s.setLegendBorderColor(new Color(0xcccccc));
        s.setLegendBackgroundColor(new Color(255, 255, 255, 225));
        s.setLegendPadding(6);
        s.setToolTipsEnabled(false);
        s.setZoomEnabled(false);
        s.setCursorEnabled(false);
        s.setLocale(Locale.ROOT);   // tick labels 0.5, not 0,5, whatever the user's locale: as the CSVs and reports
    }

    /**
     * Puts the legend in the inside corner with the fewest data points under it, so it hides as little as possible, and
     * says whether that corner is empty. The box tested in each corner is the legend's own size (from its font and
     * entries) plus a margin, as a share of an estimated plot area; ties go to the top, then to the right.
     */
    static boolean legendInEmptiestCorner(XYChart chart, double xMin, double xMax, double yMin, double yMax, boolean logY) {
        LegendPosition[] corners = {LegendPosition.InsideNE, LegendPosition.InsideNW, LegendPosition.InsideSE, LegendPosition.InsideSW};
        double[] box = legendShare(chart);
        double w = box[0], h = box[1];
        int[] counts = new int[4];
        double y0 = logY ? Math.log10(yMin) : yMin, y1 = logY ? Math.log10(yMax) : yMax;
        for (XYSeries series : chart.getSeriesMap().values()) {
            if (!series.isEnabled()) continue;
            double[] xs = series.getXData(), ys = series.getYData();
            for (int i = 0; i < xs.length; i++) {
                double u = (xs[i] - xMin) / (xMax - xMin);
                double v = ((logY ? Math.log10(ys[i]) : ys[i]) - y0) / (y1 - y0);
                boolean right = u > 1 - w, left = u < w, top = v > 1 - h, bottom = v < h;
                if (top && right) counts[0]++;
                if (top && left) counts[1]++;
                if (bottom && right) counts[2]++;
                if (bottom && left) counts[3]++;
            }
        }
        int best = 0;
        for (int c = 1; c < 4; c++) if (counts[c] < counts[best]) best = c;
        chart.getStyler().setLegendPosition(corners[best]);
        return counts[best] == 0;
    }

    /**
     * The legend's width and height as shares of the plot area, with a padding's margin: XChart's layout (paddings, line
     * sample, each entry as tall as the font's capitals, a padding between entries) measured in the legend font; the
     * plot area is the chart less the room titles, ticks and labels take (about 95 x 90 at the default fonts).
     */
    static double[] legendShare(XYChart chart) {
        var font = chart.getStyler().getLegendFont();
        var metrics = new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(font);
        int entries = 0, text = 0;
        for (XYSeries series : chart.getSeriesMap().values()) {
            if (!series.isEnabled() || !series.isShowInLegend()) continue;
            entries++;
            text = Math.max(text, metrics.stringWidth(series.getName()));
        }
        int pad = chart.getStyler().getLegendPadding();
        double width = 3 * pad + chart.getStyler().getLegendSeriesLineLength() + text;
        double height = 2 * pad + entries * 0.75 * font.getSize() + Math.max(0, entries - 1) * pad;
        double plotWidth = Math.max(1, chart.getWidth() - 95), plotHeight = Math.max(1, chart.getHeight() - 90);
        return new double[] {Math.min(1, (width + pad) / plotWidth), Math.min(1, (height + pad) / plotHeight)};
    }
}
