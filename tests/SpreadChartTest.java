import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import plot.Charts;

/** Charts.spread: a log chart of middle lines with their min-max spread, zeros shown below the data instead of dropped. */
class SpreadChartTest {
    @Test
    void zerosSitOnABandBelowTheDataAndTheSpreadIsNotInTheLegend(@TempDir Path tmp) throws Exception {
        double[] x = {1, 2, 3};
        var relu = new Charts.Spread("ReLU", "ReLU: x0.5 per layer", x, new double[] {1e-2, 5e-3, 0}, new double[] {5e-3, 1e-3, 0},
                new double[] {2e-2, 1e-2, 1e-4}, new double[] {3, 3}, "ReLU: 0, dead (2)");
        var sigmoid = new Charts.Spread("Sigmoid", "Sigmoid", x, new double[] {1e-2, 1e-4, 1e-6}, new double[] {1e-2, 1e-4, 1e-6},
                new double[] {1e-2, 1e-4, 1e-6}, new double[0], null);
        XYChart chart = Charts.spread("title", "depth", "norm", List.of(relu, sigmoid));
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        XYSeries zeros = chart.getSeriesMap().get("ReLU: 0, dead (2)");
        double lowest = 1e-6;
        for (double y : zeros.getYData()) assertTrue(y < lowest && y > chart.getStyler().getYAxisMin(), "zero marker at " + y);
        assertTrue(zeros.getYData()[1] > zeros.getYData()[0], "two zeros at one x are stacked, not drawn on top of each other");
        assertFalse(chart.getSeriesMap().get("ReLU min").isShowInLegend());
        assertTrue(Double.isNaN(chart.getSeriesMap().get("ReLU: x0.5 per layer").getYData()[2]), "a zero middle value is a gap in the line");
        assertEquals(List.of("ReLU: x0.5 per layer", "ReLU: 0, dead (2)", "Sigmoid"), chart.getSeriesMap().values().stream()
                .filter(XYSeries::isShowInLegend).map(XYSeries::getName).toList());
        List<Path> files = Charts.save(chart, tmp.resolve("spread"));
        for (Path f : files) assertTrue(Files.size(f) > 0, f.toString());
        assertTrue(relu.toString().startsWith("Spread[ReLU: x0.5 per layer: x [1.0, 2.0, 3.0]") && relu.toString().contains("2 zeros"), relu.toString());
        assertThrows(IllegalArgumentException.class, () -> new Charts.Spread("g", "g", x, new double[2], new double[3], new double[3],
                new double[0], null));
    }
}
