import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import backprop.GradientCheck;
import backprop.ManualBackprop.Forward;
import backprop.ManualBackprop.Gradients;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import data.Npz;
import data.Points;

/** The hand-written forward/backward/step against PyTorch's numbers, SameDiff, finite differences and edge cases. */
class ManualBackpropTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");
    static final Path SMALL_TRAIN = FIXTURES.resolve("moons_n200_noise0.1_seed0_train.csv");

    record Case(String name, Path train, int hidden, double lr) {}

    static List<Case> cases() throws Exception {
        return Files.readAllLines(FIXTURES.resolve("manual_cases.csv")).stream().skip(1).map(l -> l.split(","))
                .map(c -> new Case(c[0], FIXTURES.resolve(c[1]), Integer.parseInt(c[2]), Double.parseDouble(c[3]))).toList();
    }

    static double relativeError(INDArray ours, INDArray reference) {
        INDArray a = ours.castTo(DataType.DOUBLE), b = reference.castTo(DataType.DOUBLE).reshape(ours.shape());
        return a.sub(b).norm2Number().doubleValue() / b.norm2Number().doubleValue();
    }

    static double[][] torchLosses(Case c) throws Exception {
        return Files.readAllLines(FIXTURES.resolve("manual_" + c.name() + "_losses.csv")).stream().skip(1)
                .map(l -> new double[] {Double.parseDouble(l.split(",")[1]), Double.parseDouble(l.split(",")[2])})
                .toArray(double[][]::new);
    }

    /** The elements in row-major order. */
    static double[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    /** forward then backward: the gradients of the mean cross-entropy on (X, E) at {@code net}. */
    static Gradients gradients(TwoLayerNet net, INDArray X, INDArray E) {
        return ManualBackprop.backward(X, E, ManualBackprop.forward(X, net), net.W2());
    }

    @Test
    void gradientsMatchPyTorchAutograd() throws Exception {
        for (Case c : cases()) {
            Points data = Points.readCsv(c.train(), "--train");
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                TwoLayerNet net = TwoLayerNet.load(FIXTURES.resolve("manual_" + c.name() + "_init.npz"), "--init", null, type);
                Gradients grads = gradients(net, data.features(type), data.oneHot(2, type));
                String file = type == DataType.FLOAT ? "_grads.npz" : "_grads64.npz";
                Map<String, INDArray> torch = Npz.read(FIXTURES.resolve("manual_" + c.name() + file), "fixture");
                double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
                grads.toMap().forEach((key, ours) -> {
                    assertEquals(type, ours.dataType(), key);
                    double err = relativeError(ours, torch.get(key));
                    assertTrue(err < tolerance, c.name() + " " + type + " d" + key + ": relative error " + err);
                });
            }
        }
    }

    @Test
    void fiftyStepsFollowPyTorchsLossTrajectory() throws Exception {
        for (Case c : cases()) {
            Points data = Points.readCsv(c.train(), "--train");
            double[][] torch = torchLosses(c);
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                TwoLayerNet net = TwoLayerNet.load(FIXTURES.resolve("manual_" + c.name() + "_init.npz"), "--init", null, type);
                INDArray X = data.features(type), E = data.oneHot(2, type);
                double tolerance = type == DataType.FLOAT ? 1e-4 : 1e-10;
                for (int step = 0; step < torch.length; step++) {
                    try (var memory = ManualBackprop.stepMemory()) {
                        Forward f = ManualBackprop.forward(X, net);
                        double loss = ManualBackprop.loss(f.a2(), E);
                        double expected = torch[step][type == DataType.FLOAT ? 0 : 1];
                        double err = Math.abs(loss - expected) / expected;
                        assertTrue(err < tolerance, c.name() + " " + type + " step " + step + ": " + loss + " vs torch " + expected);
                        ManualBackprop.step(net, ManualBackprop.backward(X, E, f, net.W2()), c.lr());
                    }
                }
            }
        }
    }

    @Test
    void gradientsMatchSameDiffAndCentralDifferences() {
        Points data = Points.readCsv(SMALL_TRAIN, "--train");
        TwoLayerNet net = TwoLayerNet.heNormal(7, 3, DataType.DOUBLE);
        net.b1().assign(Nd4j.linspace(DataType.DOUBLE, -0.3, 0.3, 7));
        INDArray X = data.features(DataType.DOUBLE), E = data.oneHot(2, DataType.DOUBLE);
        Gradients hand = gradients(net, X, E);
        Map<String, INDArray> autodiff = GradientCheck.autodiff(net.toMap(), backward.graph(X, E));
        Map<String, INDArray> numeric = GradientCheck.finiteDifferences(net.toMap(), backward.loss(X, E), 1e-6);
        hand.toMap().forEach((key, ours) -> {
            assertTrue(relativeError(ours, autodiff.get(key)) < 1e-12, "SameDiff d" + key);
            assertTrue(relativeError(ours, numeric.get(key)) < 1e-7, "finite differences d" + key);
        });
    }

    @Test
    void oneSampleAndOneHiddenUnitGradientsMatchCentralDifferences() {
        // the thinnest shapes: every product has a side of length 1
        INDArray X = Nd4j.createFromArray(new double[][] {{0.7, -1.3}});
        INDArray E = Nd4j.createFromArray(new double[][] {{0, 1}});
        TwoLayerNet net = TwoLayerNet.heNormal(1, 4, DataType.DOUBLE);
        net.b1().assign(0.5);
        Map<String, INDArray> hand = gradients(net, X, E).toMap();
        Map<String, INDArray> numeric = GradientCheck.finiteDifferences(net.toMap(), backward.loss(X, E), 1e-6);
        for (String key : TwoLayerNet.KEYS) {
            assertArrayEquals(flat(numeric.get(key)), flat(hand.get(key)), 1e-8, "d" + key);
        }
        assertTrue(hand.get("W1").norm2Number().doubleValue() > 0, "the hidden unit is active, so dW1 is not 0");
    }

    /** A net with one hidden unit h1 = 1 whose logits are exactly (big, small) for every input. */
    static TwoLayerNet fixedLogits(double big, double small, DataType type) {
        var net = TwoLayerNet.zeros(1, type);
        net.b1().assign(1);
        net.W2().putScalar(0, 0, big);
        net.W2().putScalar(1, 0, small);
        return net;
    }

    @Test
    void softmaxAndLossAreStableForHugeLogits() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray X = Nd4j.zeros(type, 2, 2);
            INDArray class1 = Nd4j.createFromArray(new double[][] {{0, 1}, {0, 1}}).castTo(type);
            INDArray class0 = Nd4j.createFromArray(new double[][] {{1, 0}, {1, 0}}).castTo(type);
            Forward f = ManualBackprop.forward(X, fixedLogits(1000, 0, type));
            assertEquals(1000.0, ManualBackprop.loss(f.a2(), class1), 0.0, "log p_1 = -1000: the whole gap, no overflow or log(0)");
            assertArrayEquals(new double[] {1, 0}, f.p().getRow(0).toDoubleVector(), 0.0);
            TwoLayerNet close = fixedLogits(1000, 999, type);
            f = ManualBackprop.forward(X, close);
            assertEquals(Math.log1p(Math.exp(-1)), ManualBackprop.loss(f.a2(), class0), 1e-7);
            assertEquals(1 / (1 + Math.exp(-1)), f.p().getDouble(0, 0), 1e-7);
            Gradients grads = ManualBackprop.backward(X, class0, f, close.W2());
            assertTrue(Double.isFinite(grads.dW2().sumNumber().doubleValue()));
        }
        // why ManualBackprop.loss does not use ND4J's log_softmax: it is log(softmax), -inf where softmax underflows
        INDArray logits = Nd4j.createFromArray(new float[][] {{1000, 0}});
        INDArray out = logits.like();
        Nd4j.exec(new LogSoftMax(logits, out));
        assertEquals(Float.NEGATIVE_INFINITY, out.getFloat(0, 1));
    }

    @Test
    void reluDerivativeIsZeroAtZeroAsPyTorch() {
        // W1 = 0, b1 = 0: every pre-activation a1 is exactly 0, so no gradient may reach W1 or b1 (torch: a1 > 0)
        var net = TwoLayerNet.zeros(3, DataType.DOUBLE);
        net.W2().assign(Nd4j.createFromArray(new double[][] {{1, -2, 3}, {0.5, 0.25, -1}}));
        Points data = Points.readCsv(SMALL_TRAIN, "--train");
        Gradients grads = gradients(net, data.features(DataType.DOUBLE), data.oneHot(2, DataType.DOUBLE));
        assertEquals(0.0, grads.dW1().norm2Number().doubleValue(), 0.0);
        assertEquals(0.0, grads.db1().norm2Number().doubleValue(), 0.0);
        assertEquals(0.0, grads.dW2().norm2Number().doubleValue(), 0.0); // h1 = 0 too
        assertTrue(grads.db2().norm2Number().doubleValue() > 0);
    }

    @Test
    void forwardKeepsEveryIntermediateWithItsShape() {
        TwoLayerNet net = TwoLayerNet.heNormal(5, 1, DataType.FLOAT);
        INDArray X = Nd4j.createFromArray(new float[][] {{0.5f, -1}, {2, 0.25f}, {-1, -1}});
        Forward f = ManualBackprop.forward(X, net.W1(), net.b1(), net.W2(), net.b2());
        assertArrayEquals(new long[] {3, 5}, f.a1().shape());
        assertArrayEquals(new long[] {3, 5}, f.h1().shape());
        assertArrayEquals(new long[] {3, 2}, f.a2().shape());
        assertArrayEquals(new long[] {3, 2}, f.p().shape());
        // against plain allocating ND4J math, row by row, in the course's notation a1 = W1 x + b1
        for (int i = 0; i < 3; i++) {
            INDArray xi = X.getRow(i).reshape(2, 1);
            INDArray a1 = net.W1().mmul(xi).addi(net.b1().reshape(5, 1));
            INDArray h1 = Nd4j.math.max(a1, Nd4j.zerosLike(a1));
            INDArray a2 = net.W2().mmul(h1).addi(net.b2().reshape(2, 1));
            assertArrayEquals(a1.toFloatVector(), f.a1().getRow(i).toFloatVector(), 1e-6f);
            assertArrayEquals(h1.toFloatVector(), f.h1().getRow(i).toFloatVector(), 1e-6f);
            assertArrayEquals(a2.toFloatVector(), f.a2().getRow(i).toFloatVector(), 1e-6f);
            double e0 = Math.exp(a2.getDouble(0)), e1 = Math.exp(a2.getDouble(1));
            assertEquals(e1 / (e0 + e1), f.p().getDouble(i, 1), 1e-6);
        }
        assertTrue(f.toString().equals("Forward[a1 [3, 5], h1 [3, 5], a2 [3, 2], p [3, 2]]"), f.toString());
    }

    @Test
    void passesChangeNeitherTheirInputsNorTheNet() {
        Points data = Points.readCsv(SMALL_TRAIN, "--train");
        INDArray X = data.features(DataType.DOUBLE), E = data.oneHot(2, DataType.DOUBLE);
        TwoLayerNet net = TwoLayerNet.heNormal(5, 1, DataType.DOUBLE);
        TwoLayerNet before = net.copy(DataType.DOUBLE);
        INDArray xBefore = X.dup(), eBefore = E.dup();
        Gradients first = gradients(net, X, E), second = gradients(net, X, E);
        assertEquals(before, net);
        assertEquals(xBefore, X);
        assertEquals(eBefore, E);
        first.toMap().forEach((key, g) -> assertArrayEquals(flat(g), flat(second.toMap().get(key)), 0.0, key));
    }

    @Test
    void stepIsPlainGradientDescent() {
        var net = TwoLayerNet.heNormal(4, 2, DataType.DOUBLE);
        var before = net.copy(DataType.DOUBLE);
        var slopes = TwoLayerNet.heNormal(4, 9, DataType.DOUBLE);
        slopes.b1().assign(0.5);
        slopes.b2().assign(-0.25);
        ManualBackprop.step(net, new Gradients(slopes.W1(), slopes.b1(), slopes.W2(), slopes.b2()), 0.1);
        for (int k = 0; k < 4; k++) {
            double[] theta = flat(before.parameters().get(k)), grad = flat(slopes.parameters().get(k));
            double[] expected = new double[theta.length];
            for (int i = 0; i < theta.length; i++) expected[i] = theta[i] - 0.1 * grad[i];
            assertArrayEquals(expected, flat(net.parameters().get(k)), 1e-15, TwoLayerNet.KEYS.get(k));
        }
    }

    @Test
    void aTrainingStepReusesOneBlockOfMemory() {
        // memory stays flat: after the first step every array of a step fits in the workspace the first one sized
        Points data = Points.readCsv(SMALL_TRAIN, "--train");
        INDArray X = data.features(DataType.FLOAT), E = data.oneHot(2, DataType.FLOAT);
        TwoLayerNet net = TwoLayerNet.heNormal(16, 1, DataType.FLOAT);
        long size = -1;
        for (int step = 0; step < 300; step++) {
            try (var memory = ManualBackprop.stepMemory()) {
                Forward f = ManualBackprop.forward(X, net);
                ManualBackprop.loss(f.a2(), E);
                ManualBackprop.step(net, ManualBackprop.backward(X, E, f, net.W2()), 0.5);
                if (step == 1) size = memory.getCurrentSize();
                if (step >= 1) {
                    assertEquals(size, memory.getCurrentSize(), "step " + step + ": the workspace did not grow");
                    assertTrue(memory.getThisCycleAllocations() <= size, "step " + step + ": everything fit in it");
                }
            }
        }
        assertTrue(size > 0);
        assertFalse(Nd4j.getWorkspaceManager().anyWorkspaceActiveForCurrentThread(), "closed after each step");
    }

    @Test
    void derivationNamesTheLineOfEveryFormula() throws Exception {
        // scripts/backprop.md has rows "| `G2 = (P - E) / n` | `ManualBackprop.java:N` |": line N must end in "// G2 = (P - E) / n"
        List<String> code = Files.readAllLines(Path.of("shared", "backprop", "ManualBackprop.java"));
        var row = java.util.regex.Pattern.compile("\\| `([^`]+)` \\| `ManualBackprop\\.java:(\\d+)` \\|");
        int formulas = 0;
        for (String line : Files.readAllLines(Path.of("scripts", "backprop.md"))) {
            var m = row.matcher(line);
            if (!m.find()) continue;
            formulas++;
            String source = code.get(Integer.parseInt(m.group(2)) - 1);
            assertTrue(source.endsWith("// " + m.group(1)), "line " + m.group(2) + " computes `" + m.group(1) + "`: " + source.strip());
        }
        assertEquals(20, formulas, "forward 4, loss 5, backward 7, step 4");
    }

    @Test
    void valuesPrintReadably() {
        TwoLayerNet net = TwoLayerNet.heNormal(64, 0, DataType.FLOAT);
        assertEquals("TwoLayerNet[W1 [64, 2], b1 [64], W2 [2, 64], b2 [2], FLOAT]", net.toString());
        Points data = Points.readCsv(SMALL_TRAIN, "--train");
        Gradients g = gradients(net, data.features(DataType.FLOAT), data.oneHot(2, DataType.FLOAT));
        assertEquals("Gradients[dW1 [64, 2], db1 [64], dW2 [2, 64], db2 [2]]", g.toString());
    }

    @Test
    void heNormalDrawsW1ThenW2RowMajorInDoubleThenCasts() {
        var random = new java.util.Random(5);
        double[] w1 = new double[3 * 2], w2 = new double[2 * 3];
        for (int i = 0; i < w1.length; i++) w1[i] = random.nextGaussian() * Math.sqrt(2.0 / 2);
        for (int i = 0; i < w2.length; i++) w2[i] = random.nextGaussian() * Math.sqrt(2.0 / 3);
        TwoLayerNet net64 = TwoLayerNet.heNormal(3, 5, DataType.DOUBLE), net32 = TwoLayerNet.heNormal(3, 5, DataType.FLOAT);
        assertEquals(w1[1], net64.W1().getDouble(0, 1), 0.0);
        assertEquals(w2[3], net64.W2().getDouble(1, 0), 0.0);
        assertEquals((float) w2[5], net32.W2().getFloat(1, 2), 0.0f);
        assertEquals(0.0, net64.b1().norm2Number().doubleValue() + net64.b2().norm2Number().doubleValue(), 0.0);
    }
}
