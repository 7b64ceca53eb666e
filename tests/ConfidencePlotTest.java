import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import data.Points;
import plot.ChartStyle;
import plot.Charts;
import plot.ConfidenceGrid;
import plot.ConfidencePlot;

class ConfidencePlotTest {
    /** A model certain (p = 1, 0) where {@code sure} holds and tossing a coin elsewhere: a field with sharp edges. */
    static Function<INDArray, INDArray> sureWhere(java.util.function.BiPredicate<Double, Double> sure) {
        return points -> {
            INDArray p = Nd4j.create(DataType.FLOAT, points.rows(), 2);
            for (int i = 0; i < points.rows(); i++) {
                boolean certain = sure.test(points.getDouble(i, 0), points.getDouble(i, 1));
                p.putScalar(i, 0, certain ? 1.0 : 0.5);
                p.putScalar(i, 1, certain ? 0.0 : 0.5);
            }
            return p;
        };
    }

    static final Function<INDArray, INDArray> SURE_LEFT_OF_ZERO = sureWhere((x, y) -> x < 0);

    static int rgb(BufferedImage image, double x, double y) {
        return image.getRGB((int) Math.floor(x), (int) Math.floor(y)) & 0xffffff;
    }

    @Test
    void gridSamplesCellCentresOnceWithRowsFromTheBottom() {
        int[] calls = {0};
        ConfidenceGrid grid = ConfidenceGrid.evaluate(new ConfidenceGrid.Bounds(0, 4, 10, 12), 4, DataType.DOUBLE, points -> {
            calls[0]++;
            assertArrayEquals(new long[] {16, 2}, points.shape());
            assertEquals('f', points.ordering());
            assertEquals(DataType.DOUBLE, points.dataType());
            // p(class 0) = x1 / 4 and p(class 1) = 1 - x1 / 4, so the confidence reveals which x1 was asked.
            INDArray p0 = points.getColumn(0).div(4).reshape(16, 1);
            return Nd4j.hstack(p0, p0.rsub(1));
        });
        assertEquals(1, calls[0]);
        assertEquals(0.5, grid.x(0), 0.0);
        assertEquals(3.5, grid.x(3), 0.0);
        assertEquals(10.25, grid.y(0), 0.0);
        assertEquals(11.75, grid.y(3), 0.0);
        for (int row = 0; row < 4; row++) {
            assertArrayEquals(new double[] {1 - 0.125, 1 - 0.375, 0.625, 0.875}, grid.confidence()[row], 1e-12);
        }
        assertEquals(0.5, grid.floor(), 0.0);
    }

    @Test
    void gridRejectsWrongShapesAndKnowsThreeClasses() {
        var bounds = new ConfidenceGrid.Bounds(-1, 1, -1, 1);
        assertThrows(IllegalArgumentException.class, () -> ConfidenceGrid.evaluate(bounds, 3, DataType.FLOAT, p -> Nd4j.ones(DataType.FLOAT, 9, 1)));
        assertThrows(IllegalArgumentException.class, () -> ConfidenceGrid.evaluate(bounds, 3, DataType.FLOAT, p -> Nd4j.ones(DataType.FLOAT, 8, 2)));
        assertThrows(IllegalArgumentException.class, () -> new ConfidenceGrid.Bounds(1, 1, 0, 1));
        var three = ConfidenceGrid.evaluate(bounds, 3, DataType.FLOAT, p -> Nd4j.ones(DataType.FLOAT, 9, 3).divi(3));
        assertEquals(3, three.classes());
        assertEquals(1 / 3.0, three.floor(), 0.0);
        assertEquals(1 / 3.0, three.confidence()[1][1], 1e-6);
    }

    @Test
    void boundsAroundPointsAddAMarginOfTheSpan() {
        var points = new Points(new double[][] {{-1, 0}, {3, 10}}, new int[] {0, 1});
        assertEquals(new ConfidenceGrid.Bounds(-1.4, 3.4, -1, 11), ConfidenceGrid.Bounds.around(0.1, points));
    }

    @Test
    void fieldEdgeAndPointsLineUpWithTheAxes() {
        var grid = ConfidenceGrid.evaluate(-2, 2, -1, 1, 100, SURE_LEFT_OF_ZERO);
        // One class-1 point at (0.5, -0.5): its marker centre must sit where the axes say (0.5, -0.5) is.
        var points = new Points(new double[][] {{0.5, -0.5}}, new int[] {1});
        var panel = ConfidencePlot.panel("edge at x = 0", grid, points, "x1", "x2");
        BufferedImage image = ConfidencePlot.image(List.of(panel), 1);

        double zero = panel.getScreenXFromChart(0.0);
        double row = panel.getScreenYFromChart(0.5);  // a row of the field with no point on it
        // The plot frame is where the data rectangle's left edge is.
        var r = panel.dataRectangle();
        assertEquals(panel.getScreenXFromChart(-2.0), r.getMinX(), 1e-9);
        assertTrue(r.getWidth() > 300, "plot is " + r);

        // Left of x = 0 the model is sure: exactly the light blue; right of it a coin toss: exactly white.
        int confident = ChartStyle.CONFIDENT.getRGB() & 0xffffff;
        assertEquals(confident, rgb(image, zero - 4, row));
        assertEquals(0xffffff, rgb(image, zero + 4, row));
        // The colour switches within a pixel of the x = 0 position (bilinear blending makes the switch ~1 cell wide).
        int firstWhite = -1;
        for (int x = (int) r.getMinX() + 2; x < r.getMaxX() - 2; x++) {
            Color c = new Color(image.getRGB(x, (int) row));
            if (c.getRed() > (255 + ChartStyle.CONFIDENT.getRed()) / 2) {
                firstWhite = x;
                break;
            }
        }
        assertEquals(zero, firstWhite, 1.0);

        int marker = ConfidencePlot.classColour(1).getRGB() & 0xffffff;
        assertEquals(marker, rgb(image, panel.getScreenXFromChart(0.5), panel.getScreenYFromChart(-0.5)));
        assertEquals(0xffffff, rgb(image, panel.getScreenXFromChart(0.5) + 8, panel.getScreenYFromChart(-0.5)));
    }

    @Test
    void fieldIsUprightAndItsTopEdgeLinesUpWithTheYAxis() {
        // Certain only above y = 0.5 (a band at the top): catches a field drawn upside down or shifted vertically.
        var grid = ConfidenceGrid.evaluate(-2, 2, -1, 1, 100, sureWhere((x, y) -> y > 0.5));
        var panel = ConfidencePlot.panel("edge at y = 0.5", grid, new Points(new double[][] {{1.5, -0.9}}, new int[] {0}), "x1", "x2");
        BufferedImage image = ConfidencePlot.image(List.of(panel), 1);
        double x = panel.getScreenXFromChart(-1.0), edge = panel.getScreenYFromChart(0.5);
        int confident = ChartStyle.CONFIDENT.getRGB() & 0xffffff;
        assertEquals(confident, rgb(image, x, edge - 4));
        assertEquals(0xffffff, rgb(image, x, edge + 4));
    }

    @Test
    void colourScaleRunsFromWhiteToLightBlue() {
        assertEquals(Color.WHITE, ConfidencePlot.colour(0.5, 0.5));
        assertEquals(Color.WHITE, ConfidencePlot.colour(0.2, 0.5));  // below the floor cannot happen; clamp anyway
        assertEquals(ChartStyle.CONFIDENT, ConfidencePlot.colour(1.0, 0.5));
        Color light = ChartStyle.CONFIDENT;
        assertTrue(light.getBlue() > light.getRed() && light.getBlue() > 200, "light blue: " + light);
        assertEquals(Color.WHITE, ConfidencePlot.colour(1 / 3.0, 1 / 3.0));
    }

    @Test
    void savesTwoPanelsAndASnapshotGridAsPngAndSvg(@TempDir Path dir) throws Exception {
        var grid = ConfidenceGrid.evaluate(-2, 2, -1, 1, 40, SURE_LEFT_OF_ZERO);
        var points = new Points(new double[][] {{-1, 0.5}, {1, -0.5}}, new int[] {0, 1});
        var input = ConfidencePlot.panel("input space", grid, points, "x1", "x2");
        var latent = ConfidencePlot.panel("latent space", grid, points, "h1", "h2");
        ConfidencePlot.save(List.of(input, latent), 2, dir.resolve("lecture"));

        BufferedImage png = ImageIO.read(dir.resolve("lecture.png").toFile());
        assertTrue(png.getWidth() > 2 * ConfidencePlot.PANEL_WIDTH * Charts.PNG_SCALE, "room for the colour bar");
        assertEquals(ConfidencePlot.PANEL_HEIGHT * Charts.PNG_SCALE, png.getHeight());
        ChartsTest.assertSvg(dir.resolve("lecture.svg"), png.getWidth() / Charts.PNG_SCALE, ConfidencePlot.PANEL_HEIGHT);
        assertTrue(Files.readString(dir.resolve("lecture.svg")).contains("<image"), "the field is embedded as an image");

        var snapshots = new java.util.ArrayList<ConfidencePlot.Panel>();
        for (int epoch : new int[] {0, 1, 5, 10, 50}) snapshots.add(ConfidencePlot.panel("epoch " + epoch, grid, points, "x1", "x2", 300, 280));
        ConfidencePlot.save(snapshots, 3, dir.resolve("snapshots"));
        BufferedImage grid2x3 = ImageIO.read(dir.resolve("snapshots.png").toFile());
        assertEquals(2 * 280 * Charts.PNG_SCALE, grid2x3.getHeight());
        assertTrue(snapshots.get(0).getStyler().isLegendVisible() && !snapshots.get(1).getStyler().isLegendVisible());
        ChartsTest.assertOnlyFiles(dir, "lecture.png", "lecture.svg", "snapshots.png", "snapshots.svg");
    }

    @Test
    void panelsOfOneFigureMustShareTheirClassCount() {
        var two = ConfidenceGrid.evaluate(-1, 1, -1, 1, 4, SURE_LEFT_OF_ZERO);
        var three = ConfidenceGrid.evaluate(-1, 1, -1, 1, 4, p -> Nd4j.ones(DataType.FLOAT, p.rows(), 3).divi(3));
        var points = new Points(new double[][] {{0, 0}}, new int[] {0});
        var panels = List.of(ConfidencePlot.panel("a", two, points, "x", "y"), ConfidencePlot.panel("b", three, points, "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> ConfidencePlot.image(panels, 2));
    }

    @Test
    void animationFramesComeInTheFiguresPaletteAndLookLikeTheFullColourFigure() {
        var bounds = new ConfidenceGrid.Bounds(-1, 1, -1, 1);
        var points = new Points(new double[][] {{-0.5, 0.2}, {0.5, -0.2}}, new int[] {0, 1});
        var animation = new ConfidencePlot.Animation();
        for (double edge : new double[] {-0.3, 0.4}) {   // the first frame draws the colour bar, the second copies it
            var grid = ConfidenceGrid.evaluate(bounds, 60, DataType.FLOAT, sureWhere((x, y) -> x < edge));
            var panel = ConfidencePlot.panel("edge at x = " + edge, grid, points, "x1", "x2");
            BufferedImage frame = animation.frame(panel), full = ConfidencePlot.image(List.of(panel), 1);
            assertEquals(BufferedImage.TYPE_BYTE_INDEXED, frame.getType());
            assertEquals(full.getWidth(), frame.getWidth());
            long far = 0;
            for (int y = 0; y < full.getHeight(); y++) {
                for (int x = 0; x < full.getWidth(); x++) {
                    int a = full.getRGB(x, y), b = frame.getRGB(x, y), worst = 0;
                    for (int shift = 0; shift <= 16; shift += 8) worst = Math.max(worst, Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)));
                    if (worst > 24) far++;
                }
            }
            // the field, the text and the markers keep their colours; only antialiased rims may land farther off
            assertTrue(far < full.getWidth() * full.getHeight() / 200, far + " pixels more than 24 levels off");
            assertEquals(rgb(full, 5, 5), rgb(frame, 5, 5));
        }
    }
}
