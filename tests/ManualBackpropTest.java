import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import data.Npz;
import data.Points;

/** The hand-written forward/backward/step against PyTorch's numbers, SameDiff, finite differences and edge cases. */
class ManualBackpropTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");

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

    @Test
    void gradientsMatchPyTorchAutograd() throws Exception {
        for (Case c : cases()) {
            Points data = Points.readCsv(c.train(), "--train");
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                TwoLayerNet net = TwoLayerNet.load(FIXTURES.resolve("manual_" + c.name() + "_init.npz"), "--init", null, type);
                TwoLayerNet grads = ManualBackprop.gradients(net, data.features(type), data.y());
                String file = type == DataType.FLOAT ? "_grads.npz" : "_grads64.npz";
                Map<String, INDArray> torch = Npz.read(FIXTURES.resolve("manual_" + c.name() + file), "fixture");
                double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
                grads.toMap().forEach((key, ours) -> {
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
                TwoLayerNet grads = TwoLayerNet.zeros(net.hidden, type);
                var work = new ManualBackprop(data.features(type), data.y(), net.hidden);
                double tolerance = type == DataType.FLOAT ? 1e-4 : 1e-10;
                for (int step = 0; step < torch.length; step++) {
                    work.forward(net);
                    double expected = torch[step][type == DataType.FLOAT ? 0 : 1];
                    double err = Math.abs(work.loss() - expected) / expected;
                    assertTrue(err < tolerance, c.name() + " " + type + " step " + step + ": " + work.loss() + " vs torch " + expected);
                    work.backward(net, grads);
                    ManualBackprop.step(net, grads, c.lr());
                }
            }
        }
    }

    @Test
    void gradientsMatchSameDiffAndCentralDifferences() {
        Points data = Points.readCsv(FIXTURES.resolve("moons_n200_noise0.1_seed0_train.csv"), "--train");
        TwoLayerNet net = TwoLayerNet.heNormal(7, 3, DataType.DOUBLE);
        net.b1.assign(Nd4j.linspace(DataType.DOUBLE, -0.3, 0.3, 7));
        INDArray x = data.features(DataType.DOUBLE);
        TwoLayerNet hand = ManualBackprop.gradients(net, x, data.y());
        Map<String, INDArray> autodiff = backward.sameDiffGradients(net, x, data.oneHot(2, DataType.DOUBLE));
        Map<String, INDArray> numeric = backward.finiteDifferences(net, x, data.y(), 1e-6).toMap();
        hand.toMap().forEach((key, ours) -> {
            assertTrue(relativeError(ours, autodiff.get(key)) < 1e-12, "SameDiff d" + key);
            assertTrue(relativeError(ours, numeric.get(key)) < 1e-7, "finite differences d" + key);
        });
    }

    @Test
    void aWorkspaceFollowsWhicheverNetAndGradientBuffersItIsGiven() {
        // the passes' ops are bound to the arrays of the net (and grads) of the first call: a new net must rebind them
        Points data = Points.readCsv(FIXTURES.resolve("moons_n200_noise0.1_seed0_train.csv"), "--train");
        INDArray x = data.features(DataType.DOUBLE);
        TwoLayerNet a = TwoLayerNet.heNormal(5, 1, DataType.DOUBLE), b = TwoLayerNet.heNormal(5, 2, DataType.DOUBLE);
        TwoLayerNet gradsA = TwoLayerNet.zeros(5, DataType.DOUBLE), gradsB = TwoLayerNet.zeros(5, DataType.DOUBLE);
        var work = new ManualBackprop(x, data.y(), 5);
        for (TwoLayerNet[] pair : new TwoLayerNet[][] {{a, gradsA}, {b, gradsB}, {a, gradsB}, {b, gradsA}}) {
            work.forward(pair[0]);
            assertEquals(ManualBackprop.loss(pair[0], x, data.y()), work.loss(), 0.0);
            work.backward(pair[0], pair[1]);
            TwoLayerNet fresh = ManualBackprop.gradients(pair[0], x, data.y());
            for (long i = 0; i < fresh.size(); i++) assertEquals(fresh.get(i), pair[1].get(i), 0.0);
        }
    }

    @Test
    void oneSampleAndOneHiddenUnitGradientsMatchCentralDifferences() {
        // the thinnest shapes: every product is a matrix-vector product of length 1 somewhere
        INDArray x = Nd4j.createFromArray(new double[][] {{0.7, -1.3}});
        TwoLayerNet net = TwoLayerNet.heNormal(1, 4, DataType.DOUBLE);
        net.b1.assign(0.5);
        TwoLayerNet hand = ManualBackprop.gradients(net, x, new int[] {1});
        TwoLayerNet numeric = backward.finiteDifferences(net, x, new int[] {1}, 1e-6);
        for (long i = 0; i < hand.size(); i++) assertEquals(numeric.get(i), hand.get(i), 1e-8, "parameter " + i);
        assertTrue(hand.W1.norm2Number().doubleValue() > 0, "the hidden unit is active, so dW1 is not 0");
    }

    /** A net with one hidden unit h1 = 1 whose logits are exactly (big, small) for every input. */
    static TwoLayerNet fixedLogits(double big, double small, DataType type) {
        var net = TwoLayerNet.zeros(1, type);
        net.b1.assign(1);
        net.W2.putScalar(0, 0, big);
        net.W2.putScalar(1, 0, small);
        return net;
    }

    @Test
    void softmaxAndLossAreStableForHugeLogits() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, 2).dup('f');
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            var work = new ManualBackprop(x.castTo(type), new int[] {1, 1}, 1);
            var f = work.forward(fixedLogits(1000, 0, type));
            assertEquals(1000.0, work.loss(), 0.0, "log p_1 = -1000: the whole gap, no overflow or log(0)");
            assertArrayEquals(new double[] {1, 0}, f.p().getRow(0).toDoubleVector(), 0.0);
            work = new ManualBackprop(x.castTo(type), new int[] {0, 0}, 1);
            f = work.forward(fixedLogits(1000, 999, type));
            assertEquals(Math.log1p(Math.exp(-1)), work.loss(), 1e-7);
            assertEquals(1 / (1 + Math.exp(-1)), f.p().getDouble(0, 0), 1e-7);
            TwoLayerNet grads = TwoLayerNet.zeros(1, type);
            work.backward(fixedLogits(1000, 999, type), grads);
            assertTrue(Double.isFinite(grads.W2.sumNumber().doubleValue()));
        }
        // why ManualBackprop does not use ND4J's log_softmax: it is log(softmax), -inf where softmax underflows
        INDArray logits = Nd4j.createFromArray(new float[][] {{1000, 0}});
        INDArray out = logits.like();
        Nd4j.exec(new LogSoftMax(logits, out));
        assertEquals(Float.NEGATIVE_INFINITY, out.getFloat(0, 1));
    }

    @Test
    void reluDerivativeIsZeroAtZeroAsPyTorch() {
        // W1 = 0, b1 = 0: every pre-activation a1 is exactly 0, so no gradient may reach W1 or b1 (torch: a1 > 0)
        var net = TwoLayerNet.zeros(3, DataType.DOUBLE);
        net.W2.assign(Nd4j.createFromArray(new double[][] {{1, -2, 3}, {0.5, 0.25, -1}}));
        Points data = Points.readCsv(FIXTURES.resolve("moons_n200_noise0.1_seed0_train.csv"), "--train");
        TwoLayerNet grads = ManualBackprop.gradients(net, data.features(DataType.DOUBLE), data.y());
        assertEquals(0.0, grads.W1.norm2Number().doubleValue(), 0.0);
        assertEquals(0.0, grads.b1.norm2Number().doubleValue(), 0.0);
        assertEquals(0.0, grads.W2.norm2Number().doubleValue(), 0.0); // h1 = 0 too
        assertTrue(grads.b2.norm2Number().doubleValue() > 0);
    }

    @Test
    void forwardKeepsEveryIntermediateWithItsShape() {
        TwoLayerNet net = TwoLayerNet.heNormal(5, 1, DataType.FLOAT);
        INDArray x = Nd4j.createFromArray(new float[][] {{0.5f, -1}, {2, 0.25f}, {-1, -1}});
        var f = ManualBackprop.forward(x, net.W1, net.b1, net.W2, net.b2);
        assertArrayEquals(new long[] {3, 5}, f.a1().shape());
        assertArrayEquals(new long[] {3, 5}, f.h1().shape());
        assertArrayEquals(new long[] {3, 2}, f.logits().shape());
        assertArrayEquals(new long[] {3, 2}, f.p().shape());
        // against plain allocating ND4J math, row by row, in the course's notation a1 = W1 x + b1
        for (int i = 0; i < 3; i++) {
            INDArray xi = x.getRow(i).reshape(2, 1);
            INDArray a1 = net.W1.mmul(xi).addi(net.b1.reshape(5, 1));
            INDArray h1 = Nd4j.math.max(a1, Nd4j.zerosLike(a1));
            INDArray a2 = net.W2.mmul(h1).addi(net.b2.reshape(2, 1));
            assertArrayEquals(a1.toFloatVector(), f.a1().getRow(i).toFloatVector(), 1e-6f);
            assertArrayEquals(h1.toFloatVector(), f.h1().getRow(i).toFloatVector(), 1e-6f);
            assertArrayEquals(a2.toFloatVector(), f.a2().getRow(i).toFloatVector(), 1e-6f);
            double e0 = Math.exp(a2.getDouble(0)), e1 = Math.exp(a2.getDouble(1));
            assertEquals(e1 / (e0 + e1), f.p().getDouble(i, 1), 1e-6);
        }
    }

    @Test
    void stepIsPlainGradientDescent() {
        var net = TwoLayerNet.heNormal(4, 2, DataType.DOUBLE);
        var before = net.copy(DataType.DOUBLE);
        var grads = TwoLayerNet.heNormal(4, 9, DataType.DOUBLE);
        grads.b1.assign(0.5);
        ManualBackprop.step(net, grads, 0.1);
        for (long i = 0; i < net.size(); i++) assertEquals(before.get(i) - 0.1 * grads.get(i), net.get(i), 1e-15);
    }
}
