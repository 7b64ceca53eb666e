package plot;

import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import data.Points;
import speed.ReusedMemory;
import speed.Timings;

/**
 * A model's confidence (its largest softmax probability) on a {@code resolution x resolution} grid over a 2-D
 * rectangle. Cell {@code (row, column)} is the square centred at {@code (x(column), y(row))}; row 0 is at the bottom.
 * Sampling cell centres (not the edges) is what makes the drawn field line up with the axes exactly.
 */
public record ConfidenceGrid(Bounds bounds, int resolution, int classes, double[][] confidence) {

    /** A rectangle of the plane, e.g. the range of a panel's axes. */
    public record Bounds(double xMin, double xMax, double yMin, double yMax) {
        public Bounds {
            if (!(xMin < xMax && yMin < yMax) || !Double.isFinite(xMax - xMin) || !Double.isFinite(yMax - yMin)) {
                throw new IllegalArgumentException("bounds need finite xMin < xMax and yMin < yMax, got " + this);
            }
        }

        /**
         * The smallest rectangle around every point of {@code sets}, widened on every side by {@code margin} times its
         * span (0.1 = 10%), so it fits the input space and a latent space of any scale alike.
         */
        public static Bounds around(double margin, Points... sets) {
            double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
            double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
            for (Points points : sets) {
                for (double[] p : points.x()) {
                    xMin = Math.min(xMin, p[0]);
                    xMax = Math.max(xMax, p[0]);
                    yMin = Math.min(yMin, p[1]);
                    yMax = Math.max(yMax, p[1]);
                }
            }
            // A zero span (all points on a line) still gets a visible rectangle.
            double dx = xMax > xMin ? xMax - xMin : 1, dy = yMax > yMin ? yMax - yMin : 1;
            return new Bounds(xMin - margin * dx, xMax + margin * dx, yMin - margin * dy, yMax + margin * dy);
        }
    }

    /** Resolution, rectangle and the range of the confidence, not its cells. */
    @Override
    public String toString() {
        var stats = java.util.Arrays.stream(confidence).flatMapToDouble(java.util.Arrays::stream).summaryStatistics();
        return String.format(java.util.Locale.ROOT, "ConfidenceGrid[%d x %d cells over x in [%.3g, %.3g], y in [%.3g, %.3g]; confidence %.3f to %.3f]",
                resolution, resolution, bounds.xMin(), bounds.xMax(), bounds.yMin(), bounds.yMax(), stats.getMin(), stats.getMax());
    }

    public ConfidenceGrid {
        if (resolution < 2) throw new IllegalArgumentException("resolution must be at least 2, got " + resolution);
        if (classes < 2) throw new IllegalArgumentException("need at least 2 classes, got " + classes);
        if (confidence.length != resolution || confidence[0].length != resolution) {
            throw new IllegalArgumentException("confidence must be " + resolution + " x " + resolution);
        }
    }

    /** See {@link #evaluate(Bounds, int, DataType, Function)}; the grid points are FLOAT, as PyTorch's default. */
    public static ConfidenceGrid evaluate(double xMin, double xMax, double yMin, double yMax, int resolution,
            Function<INDArray, INDArray> probabilities) {
        return evaluate(new Bounds(xMin, xMax, yMin, yMax), resolution, DataType.FLOAT, probabilities);
    }

    /**
     * Evaluates the model once on all grid points: {@code probabilities} maps an [m, 2] 'f'-ordered array of points
     * (of {@code type}) to their [m, classes] softmax probabilities.
     */
    public static ConfidenceGrid evaluate(Bounds bounds, int resolution, DataType type, Function<INDArray, INDArray> probabilities) {
        return Timings.time(Timings.FIELD, () -> evaluated(bounds, resolution, type, probabilities));
    }

    /** Grid points evaluated at once. */
    static final int BLOCK = 4096;

    private static ConfidenceGrid evaluated(Bounds bounds, int resolution, DataType type, Function<INDArray, INDArray> probabilities) {
        if (resolution < 2) throw new IllegalArgumentException("resolution must be at least 2, got " + resolution);
        int m = resolution * resolution;
        double[] flat = new double[2 * m];  // column-major [m, 2]: all x1, then all x2
        for (int row = 0; row < resolution; row++) {
            for (int col = 0; col < resolution; col++) {
                flat[row * resolution + col] = centre(bounds.xMin(), bounds.xMax(), resolution, col);
                flat[m + row * resolution + col] = centre(bounds.yMin(), bounds.yMax(), resolution, row);
            }
        }
        // In blocks of points: a wide net's [m, width] activations for all 22,500 points of a 150 x 150 grid would take
        // gigabytes at width 16384; each point's probabilities are its own, whatever the block. Each block in memory the
        // next one reuses (speed.ReusedMemory: a figure evaluates many).
        double[] best = new double[m];
        long classes = 0;
        for (int from = 0; from < m; from += BLOCK) {
            int n = Math.min(BLOCK, m - from);
            double[] block = new double[2 * n];
            System.arraycopy(flat, from, block, 0, n);
            System.arraycopy(flat, m + from, block, n, n);
            try (var reused = ReusedMemory.open("confidence field")) {
                INDArray p = probabilities.apply(Nd4j.create(block, new long[] {n, 2}, 'f').castTo(type));
                if (p.rank() != 2 || p.rows() != n || p.columns() < 2) {
                    throw new IllegalArgumentException("probabilities must map [" + n + ", 2] points to [" + n + ", classes>=2], got "
                            + java.util.Arrays.toString(p.shape()));
                }
                classes = p.columns();
                System.arraycopy(p.max(1).toDoubleVector(), 0, best, from, n);
            }
        }
        double[][] confidence = new double[resolution][resolution];
        for (int row = 0; row < resolution; row++) {
            for (int col = 0; col < resolution; col++) {
                double c = best[row * resolution + col];
                if (!(c >= 0 && c <= 1.0000001)) throw new IllegalArgumentException("probability " + c + " is not in [0, 1]");
                confidence[row][col] = c;
            }
        }
        return new ConfidenceGrid(bounds, resolution, (int) classes, confidence);
    }

    /** The x of the centre of cells in {@code column}. */
    public double x(int column) {
        return centre(bounds.xMin(), bounds.xMax(), resolution, column);
    }

    /** The y of the centre of cells in {@code row} (row 0 at the bottom). */
    public double y(int row) {
        return centre(bounds.yMin(), bounds.yMax(), resolution, row);
    }

    /** The lowest possible confidence, 1/classes: where the colour scale starts (white). */
    public double floor() {
        return 1.0 / classes;
    }

    private static double centre(double min, double max, int cells, int i) {
        return min + (i + 0.5) * (max - min) / cells;
    }
}
