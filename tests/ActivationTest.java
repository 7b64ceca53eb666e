import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import backprop.GradientCheck;
import io.BadInputException;
import nn.Activation;
import plot.ChartStyle;

/**
 * Every activation entry on its own: its names and colour; its float path (Java loops where it names them) against its
 * formula in double; its formula against its reference form in SameDiff, values and autodiff derivative; its unit rule
 * in float and in double; and, where PyTorch defines it (tests/fixtures/torch_activations.csv, made by
 * make_activation_fixture.py), LeakyReLU's and GELU's values and derivatives against PyTorch 1.13's.
 */
class ActivationTest {
    /** Inputs over [-12, 12], dense near 0, as a net's pre-activations are, in several blocks of the loops. */
    static double[] inputs() {
        Random random = new Random(7);
        double[] x = new double[3 * 2048 + 11];
        for (int i = 0; i < x.length; i++) x[i] = i % 3 == 0 ? random.nextGaussian() * 4 : -12 + 24.0 * i / x.length;
        x[0] = 0;
        x[1] = -0.0;
        return x;
    }

    static INDArray floats(double[] x) {
        return Nd4j.createFromArray(x).castTo(DataType.FLOAT);
    }

    /** y = f(z) in double by the formula (a new array). */
    static INDArray formula(Activation a, INDArray z) {
        INDArray y = z.castTo(DataType.DOUBLE).dup();
        a.apply(y);
        return y;
    }

    /** f'(z) in double by the formula (a new array). */
    static INDArray slope(Activation a, INDArray z) {
        INDArray z64 = z.castTo(DataType.DOUBLE).dup(), out = z64.ulike();
        a.derivative(formula(a, z64), z64, out);
        return out;
    }

    @Test
    void namesParseAndColoursAreItsOwn() {
        var options = new HashSet<String>();
        var displays = new HashSet<String>();
        var colours = new HashSet<Integer>(List.of(ChartStyle.CLASS_0.getRGB() & 0xffffff, ChartStyle.CLASS_1.getRGB() & 0xffffff));
        for (Activation a : Activation.values()) {
            assertTrue(options.add(a.toString()) && displays.add(a.displayName()) && colours.add(a.rgb()), a + ": names and colour its own");
            assertEquals(a, Activation.parse(a.toString().toUpperCase(java.util.Locale.ROOT), "--activation"));
            assertEquals(a, Activation.named(a.displayName()));
            assertEquals(a.rgb(), ChartStyle.groupColour(a.displayName(), 0).getRGB() & 0xffffff, "the colour of its lines");
            assertTrue(Activation.allowed().contains(a.toString()));
        }
        assertEquals("relu, sigmoid, tanh, leaky_relu or gelu", Activation.allowed());
        var e = assertThrows(BadInputException.class, () -> Activation.parse("swish", "--activation"));
        assertEquals("--activation must be relu, sigmoid, tanh, leaky_relu or gelu, got 'swish'", e.getMessage());
        assertEquals(List.of(Activation.TANH, Activation.GELU), Activation.parseList("tanh, GELU", "--activations"));
        assertThrows(BadInputException.class, () -> Activation.parseList("relu,,sigmoid", "--activations"));
        assertEquals("ReLU, Sigmoid and Tanh", Activation.displayNames(List.of(Activation.RELU, Activation.SIGMOID, Activation.TANH)));
    }

    /** The float path (the entry's Java loops, or its formula) gives the double formula's values and derivatives to float precision. */
    @Test
    void floatPathFollowsTheFormula() {
        double[] x = inputs();
        for (Activation a : Activation.values()) {
            INDArray y = floats(x);
            a.applyInPlace(y);
            INDArray inputs = floats(x).castTo(DataType.DOUBLE);   // the float inputs, exactly
            INDArray expected = formula(a, inputs);
            INDArray grad = Nd4j.create(DataType.FLOAT, x.length).assign(1);
            a.multiplyByDerivative(grad, y, floats(x), a.needsScratch(DataType.FLOAT) ? Nd4j.create(DataType.FLOAT, x.length) : null);
            INDArray expectedSlope = slope(a, inputs);
            for (int i = 0; i < x.length; i++) {
                // GELU's float erf (as PyTorch's) is good to 1.5e-7 absolute, which x * 0.5 * (1 + erf) scales by |x| / 2
                assertClose(expected.getDouble(i), y.getFloat(i), 3e-7, 1e-37 + 1e-7 * Math.abs(x[i]), a + "(" + x[i] + ")");
                // a derivative through a float output near its saturation (1 - y^2, y (1 - y)) is good to a few ulps of 1
                assertClose(expectedSlope.getDouble(i), grad.getFloat(i), 3e-7, 4e-7 * a.slope().peak(), a + "'(" + x[i] + ")");
            }
        }
    }

    static void assertClose(double expected, double actual, double relative, double absolute, String what) {
        assertTrue(Math.abs(actual - expected) <= absolute + relative * Math.abs(expected), what + ": " + actual + ", expected " + expected);
    }

    /** The formula against the reference form the nets' gradient checks use: its values, and its derivative by autodiff. */
    @Test
    void formulaIsTheReferenceFormInSameDiff() {
        double[] x = inputs();
        for (Activation a : Activation.values()) {
            INDArray z = Nd4j.createFromArray(x);
            GradientCheck.Graph sum = (sd, p) -> a.reference(sd, p.get("z")).sum();
            INDArray autodiff = GradientCheck.autodiff(Map.of("z", z), sum).get("z");
            SameDiff sd = SameDiff.create();
            SDVariable reference = a.reference(sd, sd.constant("z", z.dup()));
            INDArray values = reference.eval(), expected = formula(a, z), slopes = slope(a, z);
            for (int i = 0; i < x.length; i++) {
                assertClose(values.getDouble(i), expected.getDouble(i), 1e-12, 1e-300, a + "(" + x[i] + ")");
                if (x[i] != 0) assertClose(autodiff.getDouble(i), slopes.getDouble(i), 1e-12, 1e-15, a + "'(" + x[i] + ")");
            }
        }
    }

    /** The unit rule counts the same in float (the Java loops where an entry has them) and in double (the formula). */
    @Test
    void unitRuleCountsTheSameInFloatAndDouble() {
        Random random = new Random(11);
        for (Activation a : Activation.values()) {
            for (double shift : new double[] {-6, -2, 0, 3}) {
                int rows = 50, columns = 40;
                INDArray z = Nd4j.create(DataType.DOUBLE, new long[] {rows, columns}, 'f');
                for (int c = 0; c < columns; c++) {
                    double centre = shift + (c % 4 == 0 ? -8 : c % 4 == 1 ? 8 : 0);   // some units far off or saturated for every row
                    for (int r = 0; r < rows; r++) z.putScalar(r, c, centre + random.nextGaussian() * (c % 2 == 0 ? 0.3 : 3));
                }
                INDArray y64 = formula(a, z).dup('f'), z32 = z.castTo(DataType.FLOAT).dup('f'), y32 = z32.dup('f');
                a.applyInPlace(y32);
                double share64 = a.unitShare(y64, z), share32 = a.unitShare(y32, z32);
                assertEquals(share64, share32, 1.0 / (rows * columns) * 3, a + " shifted by " + shift);
                assertTrue(share64 >= 0 && share64 <= 1);
            }
        }
    }

    /** The rule in numbers: a ReLU off for every row is dead, one on for a row is not; a sigmoid output of 0.999 is saturated. */
    @Test
    void unitRulesInNumbers() {
        INDArray relu = Nd4j.createFromArray(new float[][] {{0, 1, 0}, {0, 0, 0}}).dup('f');
        assertEquals(2.0 / 3, Activation.RELU.unitShare(relu, null), 1e-15);
        INDArray sigmoid = Nd4j.createFromArray(new float[][] {{0.999f, 0.5f}, {0.5f, 0.001f}}).dup('f');
        assertEquals(0.5, Activation.SIGMOID.unitShare(sigmoid, null), 1e-15);
        INDArray tanh = Nd4j.createFromArray(new double[][] {{0.99, 0.5}, {0.1, -0.985}}).dup('f');
        assertEquals(0.5, Activation.TANH.unitShare(tanh, null), 1e-15);
        INDArray leaky = Nd4j.createFromArray(new float[][] {{-0.01f, 2f}, {-0.03f, -1f}}).dup('f');
        assertEquals(0.5, Activation.LEAKY_RELU.unitShare(leaky, null), 1e-15);
        INDArray geluIn = Nd4j.createFromArray(new float[][] {{-5f, 0f}, {-4f, -5f}}).dup('f'), geluOut = geluIn.dup('f');
        Activation.GELU.applyInPlace(geluOut);
        assertEquals(0.5, Activation.GELU.unitShare(geluOut, geluIn), 1e-15);
    }

    record TorchRow(float x, float leaky, float leakyGrad, float gelu, float geluGrad) {}

    static List<TorchRow> torchRows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("tests", "fixtures", "torch_activations.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        var rows = new ArrayList<TorchRow>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            java.util.function.Function<String, Float> column = name -> Float.intBitsToFloat(Integer.parseInt(f[header.indexOf(name)]));
            rows.add(new TorchRow(column.apply("x_bits"), column.apply("leaky_relu_bits"), column.apply("leaky_relu_grad_bits"),
                    column.apply("gelu_bits"), column.apply("gelu_grad_bits")));
        }
        return rows;
    }

    /** An activation's values y = f(x) at the rows' inputs, and its derivative there (f'(x) times a gradient of ones). */
    record Applied(INDArray y, INDArray grad) {}

    static Applied applied(Activation activation, List<TorchRow> rows) {
        float[] x = inputs(rows);
        INDArray y = Nd4j.createFromArray(x), grad = Nd4j.create(DataType.FLOAT, x.length).assign(1);
        activation.applyInPlace(y);
        activation.multiplyByDerivative(grad, y, Nd4j.createFromArray(x), null);   // (the input: GELU's derivative needs it)
        return new Applied(y, grad);
    }

    /** The rows' inputs x, in order. */
    static float[] inputs(List<TorchRow> rows) {
        float[] x = new float[rows.size()];
        for (int i = 0; i < x.length; i++) x[i] = rows.get(i).x();
        return x;
    }

    /** LeakyReLU in float is PyTorch's bit for bit, and so is its derivative from the output. */
    @Test
    void leakyReluIsPyTorchsBitForBit() throws IOException {
        List<TorchRow> rows = torchRows();
        Applied leaky = applied(Activation.LEAKY_RELU, rows);
        INDArray y = leaky.y(), grad = leaky.grad();
        for (int i = 0; i < rows.size(); i++) {
            TorchRow r = rows.get(i);
            assertEquals(Float.floatToIntBits(r.leaky()), Float.floatToIntBits(y.getFloat(i)), "leaky_relu(" + r.x() + ")");
            assertEquals(r.leakyGrad(), grad.getFloat(i), 0f, "leaky_relu'(" + r.x() + ")");
        }
    }

    /**
     * GELU in float follows PyTorch's exact (erf) form: in value and derivative within a few units in the last place of 1
     * times |x| (both compute x * 0.5 * (1 + erf(x / sqrt 2)) with a float erf good to ~1e-7; where 1 + erf cancels, for x
     * below -4, both are as far from the true GELU).
     */
    @Test
    void geluFollowsPyTorchsExactForm() throws IOException {
        List<TorchRow> rows = torchRows();
        Applied gelu = applied(Activation.GELU, rows);
        INDArray y = gelu.y(), grad = gelu.grad();
        double worst = 0, worstGrad = 0;
        for (int i = 0; i < rows.size(); i++) {
            TorchRow r = rows.get(i);
            if (!Float.isFinite(r.x())) {
                assertEquals(Float.isNaN(r.gelu()), Float.isNaN(y.getFloat(i)), "gelu(" + r.x() + ")");
                continue;
            }
            if (Math.abs(r.x()) > 1e30) continue;   // x * 0.5 * 2: overflow where PyTorch's fused product does not
            double scale = Math.max(Math.abs(r.x()), Float.MIN_NORMAL);
            worst = Math.max(worst, Math.abs(y.getFloat(i) - r.gelu()) / scale);
            worstGrad = Math.max(worstGrad, Math.abs(grad.getFloat(i) - r.geluGrad()) / Math.max(1, scale));
        }
        System.out.printf("gelu vs torch on %d inputs: |ours - torch| <= %.2e |x|, derivative within %.2e (x |x| above 1)%n", rows.size(),
                worst, worstGrad);
        assertTrue(worst <= 4e-7, "gelu " + worst);
        assertTrue(worstGrad <= 4e-7, "gelu' " + worstGrad);
    }

    @Test
    void onlyGeluNeedsItsInputForTheDerivative() {
        for (Activation a : Activation.values()) assertEquals(a == Activation.GELU, a.derivativeNeedsInput(), a.toString());
        assertNotEquals(Activation.RELU.units().kind(), Activation.SIGMOID.units().kind());
    }
}
