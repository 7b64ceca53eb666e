import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import speed.ActivationLoops;
import speed.Elementwise;

/**
 * The float loops of Elementwise against PyTorch's own outputs (tests/fixtures/torch_activations.csv, made by
 * make_activation_fixture.py) and against the formulas they implement, on awkward values, on arrays longer than a
 * block, and on views inside a larger buffer (as the net's layers are).
 */
class ElementwiseTest {
    /** Units in the last place between two floats of the same sign (0 when equal, -0 equal to +0). */
    static long ulps(float a, float b) {
        if (a == b) return 0;
        if (Float.isNaN(a) || Float.isNaN(b)) return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        return Math.abs((long) Float.floatToRawIntBits(a) - Float.floatToRawIntBits(b));
    }

    record TorchRow(float x, float sigmoid, float relu) {}

    static List<TorchRow> torchRows() throws IOException {
        return Files.readAllLines(Path.of("tests", "fixtures", "torch_activations.csv")).stream().skip(1).map(line -> {
            String[] f = line.split(",");
            return new TorchRow(Float.intBitsToFloat(Integer.parseInt(f[0])), Float.intBitsToFloat(Integer.parseInt(f[1])),
                    Float.intBitsToFloat(Integer.parseInt(f[2])));
        }).toList();
    }

    static INDArray floats(List<TorchRow> rows, java.util.function.Function<TorchRow, Float> column) {
        float[] values = new float[rows.size()];
        for (int i = 0; i < values.length; i++) values[i] = column.apply(rows.get(i));
        return Nd4j.createFromArray(values);
    }

    @Test
    void sigmoidMostlyEqualsTorchsBitForBitAndIsNeverMoreThanTwoUlpsAway() throws IOException {
        List<TorchRow> rows = torchRows();
        INDArray x = floats(rows, TorchRow::x);
        ActivationLoops.sigmoid(x);
        long exact = 0;
        long[] histogram = new long[8];
        for (int i = 0; i < rows.size(); i++) {
            float torch = rows.get(i).sigmoid(), ours = x.getFloat(i);
            if (Math.abs(torch) >= Float.MIN_NORMAL || Math.abs(ours) >= Float.MIN_NORMAL) {
                long d = ulps(torch, ours);
                if (d == 0) exact++;
                histogram[(int) Math.min(d, 7)]++;
                assertTrue(d <= 2, "sigmoid(" + rows.get(i).x() + "): torch " + torch + ", ours " + ours);
            } else {
                // where exp(-x) is near the top of the float range both give a subnormal or 0 (PyTorch flushes to 0
                // a little later than we do): the difference is below 2^-126, the smallest normal float
                assertTrue(Math.abs(torch - ours) < Float.MIN_NORMAL, "sigmoid(" + rows.get(i).x() + ")");
            }
        }
        System.out.printf("sigmoid vs torch on %d inputs: %d bit-identical, %d at 1 ulp, %d at 2 ulps%n", rows.size(),
                histogram[0], histogram[1], histogram[2]);
        assertTrue(exact >= 0.95 * rows.size(), exact + " of " + rows.size() + " bit-identical");
    }

    @Test
    void reluEqualsTorchs() throws IOException {
        List<TorchRow> rows = torchRows();
        INDArray x = floats(rows, TorchRow::x);
        ActivationLoops.relu(x);
        for (int i = 0; i < rows.size(); i++) {
            // torch.relu keeps the sign of -0.0, Math.max gives +0.0: equal as numbers, and so in every later op
            assertEquals(rows.get(i).relu(), x.getFloat(i), 0f, "relu(" + rows.get(i).x() + ")");
        }
    }

    static final float[] AWKWARD = {0f, Float.MIN_VALUE, 1e-40f, Float.MIN_NORMAL, 1e-30f, 7.9e-31f, 1e-7f, 0.5f, 1f,
            3e38f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};

    @Test
    void reluDerivativePassesTheGradientExactlyWhereTheOutputIsPositive() {
        int n = AWKWARD.length;
        float[] grads = new float[n];
        for (int i = 0; i < n; i++) grads[i] = (i % 2 == 0 ? 1 : -1) * (0.25f + i);
        INDArray grad = Nd4j.createFromArray(grads), y = Nd4j.createFromArray(AWKWARD);
        ActivationLoops.multiplyByReluDerivative(grad, y);
        for (int i = 0; i < n; i++) {
            assertEquals(AWKWARD[i] > 0 ? grads[i] : 0f, grad.getFloat(i), 0f, "y = " + AWKWARD[i]);
        }
    }

    @Test
    void sigmoidAndTanhDerivativesRoundLikeTheirFormulas() {
        Random random = new Random(3);
        int n = 5 * Elementwise.BLOCK + 17;   // several blocks and a partial one
        float[] g = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = (float) random.nextGaussian();
            y[i] = random.nextFloat();
        }
        INDArray sigmoidGrad = Nd4j.createFromArray(g), tanhGrad = Nd4j.createFromArray(g), out = Nd4j.createFromArray(y);
        ActivationLoops.multiplyBySigmoidDerivative(sigmoidGrad, out);
        ActivationLoops.multiplyByTanhDerivative(tanhGrad, out);
        for (int i = 0; i < n; i++) {
            assertEquals(g[i] * (1f - y[i]) * y[i], sigmoidGrad.getFloat(i), 0f);
            assertEquals(g[i] * (1f - y[i] * y[i]), tanhGrad.getFloat(i), 0f);
        }
    }

    @Test
    void normSumsInDouble() {
        Random random = new Random(5);
        INDArray a = Nd4j.create(DataType.FLOAT, new long[] {264, 264}, 'f');
        double sum = 0;
        for (int i = 0; i < a.length(); i++) {
            float v = (float) (random.nextGaussian() * 1e-3);
            a.data().put(i, v);
            sum += (double) v * v;
        }
        // another order of 70k double additions: ~sqrt(70k) * 1.1e-16 apart
        assertEquals(Math.sqrt(sum), Elementwise.norm(a), 1e-13 * Math.sqrt(sum));
        assertEquals(0.0, Elementwise.norm(Nd4j.create(DataType.FLOAT, 0)), 0.0);
    }

    @Test
    void viewsInsideALargerBufferTouchOnlyTheirElements() {
        // a layer's weight gradient is the first out*in elements of [weightGrad biasGrad], inside the net's flat vector
        float[] values = new float[100];
        for (int i = 0; i < 100; i++) values[i] = i - 50;
        INDArray flat = Nd4j.createFromArray(values);
        INDArray before = flat.dup();
        INDArray view = Nd4j.create(flat.data(), new long[] {3, 4}, new long[] {1, 3}, 10, 'f');
        ActivationLoops.relu(view);
        for (int i = 0; i < 100; i++) {
            float expected = i >= 10 && i < 22 ? Math.max(before.getFloat(i), 0f) : before.getFloat(i);
            assertEquals(expected, flat.getFloat(i), 0f, "element " + i);
        }
        double squares = 0;
        for (int i = 10; i < 22; i++) squares += Math.pow(Math.max(before.getFloat(i), 0f), 2);
        assertEquals(Math.sqrt(squares), Elementwise.norm(view), 1e-12);
    }

    @Test
    void rowsOfATallerMatrixTouchOnlyThoseRows() {
        // the two cores' halves of a batch: rows [2, 5) of 'f'-ordered [7, 3] matrices, their columns 7 apart in memory
        var random = new Random(5);
        INDArray a = Nd4j.create(DataType.FLOAT, new long[] {7, 3}, 'f'), g = Nd4j.create(DataType.FLOAT, new long[] {7, 3}, 'f');
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 3; j++) {
                a.putScalar(i, j, (float) random.nextGaussian());
                g.putScalar(i, j, (float) random.nextGaussian());
            }
        }
        INDArray aBefore = a.dup('f'), gBefore = g.dup('f');
        INDArray rows = a.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()), gradRows = g.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all());
        INDArray expected = rows.dup('f'), expectedGrad = gradRows.dup('f');
        ActivationLoops.sigmoid(rows);
        ActivationLoops.sigmoid(expected);
        ActivationLoops.multiplyBySigmoidDerivative(gradRows, rows);
        ActivationLoops.multiplyBySigmoidDerivative(expectedGrad, expected);
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 3; j++) {
                boolean inside = i >= 2 && i < 5;
                assertEquals(inside ? expected.getFloat(i - 2, j) : aBefore.getFloat(i, j), a.getFloat(i, j), 0f, "a " + i + ", " + j);
                assertEquals(inside ? expectedGrad.getFloat(i - 2, j) : gBefore.getFloat(i, j), g.getFloat(i, j), 0f, "g " + i + ", " + j);
            }
        }
        // rows and a dense array of their shape lay out their elements differently
        assertThrows(IllegalArgumentException.class, () -> ActivationLoops.multiplyBySigmoidDerivative(gradRows, expected));
        assertThrows(IllegalArgumentException.class, () -> Elementwise.norm(rows));   // (the norms stay on whole arrays)
    }

    @Test
    void refusesDoublesGapsAndMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> ActivationLoops.relu(Nd4j.create(DataType.DOUBLE, 4)));
        INDArray matrix = Nd4j.create(DataType.FLOAT, new long[] {4, 5}, 'c');
        assertThrows(IllegalArgumentException.class, () -> ActivationLoops.relu(matrix.getColumn(1)));
        assertThrows(IllegalArgumentException.class,
                () -> ActivationLoops.multiplyByReluDerivative(Nd4j.create(DataType.FLOAT, 6), Nd4j.create(DataType.FLOAT, 5)));
    }
}
