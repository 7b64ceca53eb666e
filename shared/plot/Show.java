package plot;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.swing.ImageIcon;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JScrollPane;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import data.Points;
import io.Output;
import nn.Mlp;
import nn.Training;

/**
 * Figures from the shell, in one call: {@code Show.confidence(net, data.test())}, {@code Show.loss(history)},
 * {@code Show.gradNorms(history)}, or any chart. With a display the figure opens in a window, and closing that window
 * leaves the shell running (XChart's own SwingWrapper would end the JVM); without one it is written as a PNG under
 * scripts/out/shell/ and its path printed. In a notebook ({@link #inline}) it appears under the cell instead, and
 * nothing is written. Either way the figure is the one the scripts save.
 */
public final class Show {
    private Show() {}

    /** Cells per side of a confidence field drawn from the shell. */
    static final int GRID = 120;

    /** The net's confidence over the input space and, for a net with a 2-unit latent layer, over its latent space. */
    public static Path confidence(Mlp net, Points points) {
        return show(ConfidencePlot.drawing("confidence", ConfidencePlot.inputAndLatent(net, points, points.size() + " points", GRID), 2));
    }

    /** The hand-written two-layer net's confidence over the points' plane (exercise 2). */
    public static Path confidence(TwoLayerNet net, Points points) {
        return field("confidence", x -> ManualBackprop.forward(x.castTo(net.dataType()), net).p(), points);
    }

    /** Any model's confidence: {@code probabilities} maps [m, 2] points to their [m, classes] softmax outputs. */
    public static Path field(String name, Function<INDArray, INDArray> probabilities, Points points) {
        var grid = ConfidenceGrid.evaluate(ConfidenceGrid.Bounds.around(0.1, points), GRID, DataType.FLOAT, probabilities);
        return show(ConfidencePlot.drawing(name, List.of(ConfidencePlot.panel(name + ", " + points.size() + " points", grid, points,
                "x1", "x2")), 1));
    }

    /** The points alone, coloured by class. */
    public static Path points(String name, Points points) {
        var chart = new XYChart(Charts.WIDTH, Charts.HEIGHT);
        ChartStyle.apply(chart);
        chart.setTitle(name + ", " + points.size() + " points");
        chart.setXAxisTitle("x1");
        chart.setYAxisTitle("x2");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setLegendPosition(LegendPosition.InsideNE);
        for (int label = 0; label <= 1; label++) {
            final int c = label;
            double[][] mine = java.util.stream.IntStream.range(0, points.size()).filter(i -> points.y()[i] == c)
                    .mapToObj(i -> points.x()[i]).toArray(double[][]::new);
            if (mine.length == 0) continue;
            chart.addSeries("class " + c, java.util.Arrays.stream(mine).mapToDouble(p -> p[0]).toArray(),
                    java.util.Arrays.stream(mine).mapToDouble(p -> p[1]).toArray()).setMarker(SeriesMarkers.CIRCLE).setMarkerColor(ConfidencePlot.classColour(c));
        }
        return chart(name, chart);
    }

    /** The training loss of a history, epoch by epoch. */
    public static Path loss(Training.History history) {
        return chart("loss", Charts.lines("Training loss", "epoch", "mean cross-entropy",
                List.of(new Charts.Line("train", history.epochNumbers(), history.losses()))));
    }

    /** The weight-gradient norm of every hidden layer of a history, epoch by epoch, on a log axis. */
    public static Path gradNorms(Training.History history) {
        var lines = new ArrayList<Charts.Line>();
        for (int k = 0; k < history.hiddenLayers().size(); k++) {
            final int layer = k;
            double[] norms = java.util.Arrays.stream(history.gradNorms()).mapToDouble(row -> row[layer]).toArray();
            lines.add(new Charts.Line(history.hiddenLayers().get(k), history.epochNumbers(), norms));
        }
        return chart("gradnorms", Charts.lines("Weight-gradient norm per hidden layer", "epoch", "L2 norm (log)", lines, Charts.Scale.LOG));
    }

    /** Any chart of the toolkit (or one of your own). */
    public static Path chart(String name, Chart<?, ?> chart) {
        return show(Charts.drawing(name, List.of(chart), 1));
    }

    /** Where figures go instead of a window or a file, when set: the notebook kernel shows them under the cell. */
    private static volatile Consumer<Object> inline;

    /**
     * Sends every figure from now on to {@code sink} (a {@link Drawing}, or the image given to {@link #image}) instead of
     * a window or a file; null restores that. The notebook kernel sets it.
     */
    public static void inline(Consumer<Object> sink) {
        inline = sink;
    }

    /** A figure: to the notebook when there is one (returning null), else drawn at 1:1 to a window or a PNG file. */
    private static Path show(Drawing drawing) {
        Consumer<Object> sink = inline;
        if (sink != null) {
            sink.accept(drawing);
            return null;
        }
        return image(drawing.name(), drawing.image(1));
    }

    /**
     * Shows an image in a window when there is a display and returns null; otherwise writes it as
     * {@code scripts/out/shell/NAME.png} (or ./out/shell/) and returns that path. In a notebook it appears under the cell.
     */
    public static Path image(String kind, BufferedImage image) {
        Consumer<Object> sink = inline;
        if (sink != null) {
            sink.accept(image);
            return null;
        }
        String name = unique(kind);
        if (!GraphicsEnvironment.isHeadless()) {
            SwingUtilities.invokeLater(() -> {
                var frame = new JFrame(name);
                frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);   // closing it must not end the shell
                frame.add(new JScrollPane(new JLabel(new ImageIcon(image))));
                frame.pack();
                frame.setLocationByPlatform(true);
                frame.setVisible(true);
            });
            System.out.println("opened a window: " + name);
            return null;
        }
        Path file = Output.defaultDir("shell").resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".png");
        Output.atomically(file, temp -> {
            try (OutputStream out = Files.newOutputStream(temp)) {
                if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer");
            }
        });
        System.out.println(String.format(Locale.ROOT, "no display: wrote %s", file));
        return file;
    }

    private static final java.util.Map<String, Integer> SHOWN = new java.util.HashMap<>();

    /** {@code confidence}, then {@code confidence-2}, ...: a second figure of the same kind does not replace the first. */
    private static synchronized String unique(String name) {
        int n = SHOWN.merge(name, 1, Integer::sum);
        return n == 1 ? name : name + "-" + n;
    }

    /** What the shell does with figures here: a window, or a PNG file (or, in a notebook, under the cell). */
    public static String mode() {
        if (inline != null) return "images under the cell (notebook)";
        return GraphicsEnvironment.isHeadless() ? "PNG files (no display)" : "windows";
    }
}
