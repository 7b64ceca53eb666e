import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import nn.Activation;
import plot.Charts;
import plot.Histograms;

/** A histogram counts each value once, in bins shared by its groups, draws each group in its colour and saves like any chart. */
class HistogramsTest {
    @Test
    void countsEveryValueOnceInSharedBins(@TempDir Path dir) throws Exception {
        Random random = new Random(1);
        double[] relu = random.doubles(500).map(v -> 1e-3 * Math.pow(10, 2 * v)).toArray();
        double[] sigmoid = random.doubles(300).map(v -> 1e-6 * Math.pow(10, 2 * v)).toArray();
        double[] withZeros = {0, -1, Double.NaN, 1e-4};
        XYChart chart = Histograms.of("hidden1's gradient norms", "norm", List.of(new Histograms.Values("ReLU", relu),
                new Histograms.Values("Sigmoid", sigmoid), new Histograms.Values("Sigmoid", withZeros)), 30, Charts.Scale.LOG);
        assertEquals("norm (log10)", chart.getXAxisTitle());
        var counts = new java.util.LinkedHashMap<String, Double>();
        for (XYSeries s : chart.getSeriesMap().values()) {
            if (!s.isEnabled()) continue;   // the x ends, for round ticks
            double total = 0;
            for (int i = 1; i < s.getYData().length; i += 2) total += s.getYData()[i];   // one y per bin, at its left edge
            counts.put(s.getName(), total);
        }
        assertEquals(java.util.Map.of("ReLU", 500.0, "Sigmoid", 301.0), counts, "every positive value once; 0, -1, NaN left out");
        assertEquals(Activation.RELU.rgb(), chart.getSeriesMap().get("ReLU").getLineColor().getRGB() & 0xffffff);
        List<Path> files = Charts.save(chart, dir.resolve("hist"));
        for (Path f : files) assertTrue(Files.size(f) > 0, f.toString());
    }

    @Test
    void oneValueGetsOneBinAroundIt() {
        XYChart chart = Histograms.of("one", "x", List.of(new Histograms.Values("a", new double[] {2, 2})), 4, Charts.Scale.LINEAR);
        XYSeries s = chart.getSeriesMap().get("a");
        assertArrayEquals(new double[] {0, 2, 2, 0, 0, 0, 0, 0, 0, 0}, s.getYData());
        assertEquals(2.0, s.getXData()[0]);
        assertEquals(3.0, s.getXData()[s.getXData().length - 1]);
    }
}
