package plot;

import java.awt.Color;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;
import speed.Timings;

/**
 * Histograms in the figures' one look (e.g. how a layer's gradient norms spread over the epochs): each group an outlined
 * step curve of its counts in its colour (an activation's when named after one, {@link ChartStyle#groupColour}), over
 * bins shared by all groups; saved like any chart ({@link Charts#save}).
 */
public final class Histograms {
    private Histograms() {}

    /** One group's values, e.g. every epoch's hidden1 gradient norm of one activation's runs; groups of one name are one curve. */
    public record Values(String group, double[] values) {
        @Override
        public String toString() {
            return "Values[" + group + ", " + values.length + " values]";
        }
    }

    /**
     * A histogram of {@code groups} over {@code bins} equal bins spanning their finite values, or, with {@link Charts.Scale#LOG},
     * equal bins of log10 of their positive values (the axis then counts decades: 10^x); values a bin cannot hold are left out.
     */
    public static XYChart of(String title, String xLabel, List<Values> groups, int bins, Charts.Scale xScale) {
        return Timings.time(Timings.FIGURES, () -> chartOf(title, xLabel, groups, bins, xScale));
    }

    private static XYChart chartOf(String title, String xLabel, List<Values> groups, int bins, Charts.Scale xScale) {
        if (groups.isEmpty() || bins < 1) throw new IllegalArgumentException(title + ": no groups or no bins");
        boolean log = xScale == Charts.Scale.LOG;
        DoubleUnaryOperator axis = log ? Math::log10 : v -> v;
        var merged = new LinkedHashMap<String, double[]>();   // the values of each group name, on the axis' scale
        for (Values g : groups) {
            double[] kept = Arrays.stream(g.values()).filter(v -> Double.isFinite(v) && (!log || v > 0)).map(axis).toArray();
            merged.merge(g.group(), kept, (a, b) -> java.util.stream.DoubleStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray());
        }
        double lo = merged.values().stream().flatMapToDouble(Arrays::stream).min().orElse(0);
        double hi = merged.values().stream().flatMapToDouble(Arrays::stream).max().orElse(1);
        if (!(hi > lo)) hi = lo + 1;   // one value (or none): one bin of width 1 around it
        XYChart chart = new XYChart(Charts.WIDTH, Charts.HEIGHT);
        ChartStyle.apply(chart);
        chart.setTitle(title);
        chart.setXAxisTitle(log ? xLabel + " (log10)" : xLabel);
        chart.setYAxisTitle("count");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Line);
        Charts.roundXTicks(chart, lo, hi);
        int index = 0;
        for (Map.Entry<String, double[]> g : merged.entrySet()) {
            double[][] outline = outline(counts(g.getValue(), lo, hi, bins), lo, hi);
            Color c = ChartStyle.groupColour(g.getKey(), index++);
            XYSeries series = chart.addSeries(g.getKey(), outline[0], outline[1]);
            series.setLineColor(c);
            series.setLineStyle(Charts.LINE);
            series.setMarker(SeriesMarkers.NONE);
        }
        chart.getStyler().setLegendVisible(merged.size() > 1);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    /** How many of {@code values} fall in each of {@code bins} equal bins of [lo, hi] (hi itself in the last). */
    static int[] counts(double[] values, double lo, double hi, int bins) {
        int[] counts = new int[bins];
        for (double v : values) counts[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
        return counts;
    }

    /** The step outline of {@code counts}: up from 0 at lo, across each bin at its count, down to 0 at hi. */
    static double[][] outline(int[] counts, double lo, double hi) {
        int bins = counts.length;
        double[] x = new double[2 * bins + 2], y = new double[2 * bins + 2];
        x[0] = lo;
        for (int b = 0; b < bins; b++) {
            x[2 * b + 1] = lo + (hi - lo) * b / bins;
            x[2 * b + 2] = lo + (hi - lo) * (b + 1) / bins;
            y[2 * b + 1] = counts[b];
            y[2 * b + 2] = counts[b];
        }
        x[2 * bins + 1] = hi;
        return new double[][] {x, y};
    }
}
