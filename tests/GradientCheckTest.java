import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import backprop.GradientCheck;
import data.Points;

/**
 * The gradient check takes any named parameters and a loss: here a net of two hidden layers, x -> Linear -> ReLU ->
 * Linear -> Tanh -> Linear -> softmax -> CE, its backward pass written by hand in this test, one line per formula; and a
 * deliberately wrong backward pass, which it catches.
 */
class GradientCheckTest {
    static final Points DATA = Points.readCsv(Path.of("tests", "fixtures", "moons_n200_noise0.1_seed0_train.csv"), "fixture");

    static Map<String, INDArray> net(int h1, int h2, long seed) {
        var random = new java.util.Random(seed);
        var p = new LinkedHashMap<String, INDArray>();
        int[][] shapes = {{h1, 2}, {h1}, {h2, h1}, {h2}, {2, h2}, {2}};
        String[] names = {"W1", "b1", "W2", "b2", "W3", "b3"};
        for (int k = 0; k < names.length; k++) {
            long[] shape = java.util.Arrays.stream(shapes[k]).asLongStream().toArray();
            INDArray a = Nd4j.create(DataType.DOUBLE, shape);
            for (long i = 0; i < a.length(); i++) a.putScalar(i, random.nextGaussian() * 0.7);
            p.put(names[k], a);
        }
        return p;
    }

    /** The forward pass: {@code [A1, H1, A2, H2, A3, P]}. */
    static INDArray[] forward(INDArray X, Map<String, INDArray> p) {
        INDArray a1 = X.mmul(p.get("W1").transpose()).addRowVector(p.get("b1"));
        INDArray h1 = Transforms.relu(a1, true);
        INDArray a2 = h1.mmul(p.get("W2").transpose()).addRowVector(p.get("b2"));
        INDArray h2 = Transforms.tanh(a2, true);
        INDArray a3 = h2.mmul(p.get("W3").transpose()).addRowVector(p.get("b3"));
        return new INDArray[] {a1, h1, a2, h2, a3, Transforms.softmax(a3, true)};
    }

    static double loss(INDArray X, INDArray E, Map<String, INDArray> p) {
        INDArray logP = Transforms.log(forward(X, p)[5], true);
        return -logP.mul(E).sum(1).meanNumber().doubleValue();
    }

    /** By hand, with {@code wrong} a mistake in one line (tanh' as 1 - h instead of 1 - h^2). */
    static Map<String, INDArray> backward(INDArray X, INDArray E, Map<String, INDArray> p, boolean wrong) {
        INDArray[] f = forward(X, p);
        long n = X.rows();
        INDArray G3 = f[5].sub(E).divi(n);                                                  // G3 = (P - E) / n
        INDArray dW3 = G3.transpose().mmul(f[3]), db3 = G3.sum(0);                          // dW3 = G3^T H2, db3 = G3^T 1
        INDArray dH2 = G3.mmul(p.get("W3"));                                                // dH2 = G3 W3
        INDArray G2 = dH2.mul(wrong ? f[3].rsub(1) : f[3].mul(f[3]).rsubi(1));             // G2 = dH2 * (1 - H2^2)
        INDArray dW2 = G2.transpose().mmul(f[1]), db2 = G2.sum(0);                          // dW2 = G2^T H1, db2 = G2^T 1
        INDArray G1 = G2.mmul(p.get("W2")).muli(Transforms.step(f[0]));                     // G1 = (G2 W2) * 1[A1 > 0]
        INDArray dW1 = G1.transpose().mmul(X), db1 = G1.sum(0);                             // dW1 = G1^T X, db1 = G1^T 1
        var g = new LinkedHashMap<String, INDArray>();
        g.put("W1", dW1); g.put("b1", db1); g.put("W2", dW2); g.put("b2", db2); g.put("W3", dW3); g.put("b3", db3);
        return g;
    }

    static GradientCheck.Graph graph(INDArray X, INDArray E) {
        return (sd, p) -> {
            SDVariable x = sd.constant("X", X), e = sd.constant("E", E);
            SDVariable h1 = sd.nn.relu(x.mmul(sd.transpose(p.get("W1"))).add(p.get("b1")), 0.0);
            SDVariable h2 = sd.math.tanh(h1.mmul(sd.transpose(p.get("W2"))).add(p.get("b2")));
            SDVariable a3 = h2.mmul(sd.transpose(p.get("W3"))).add(p.get("b3"));
            return sd.nn.logSoftmax(a3).mul(e).sum(1).mean().neg();
        };
    }

    @Test
    void aTwoHiddenLayerNetIsCheckedByTheSameCode() {
        INDArray X = DATA.features(DataType.DOUBLE), E = DATA.oneHot(2, DataType.DOUBLE);
        Map<String, INDArray> p = net(6, 5, 3);
        ToDoubleFunction<Map<String, INDArray>> loss = q -> loss(X, E, q);
        List<GradientCheck.Compared> right = GradientCheck.compare(backward(X, E, p, false), p, loss, graph(X, E), 1e-6);
        assertEquals(List.of("dW1", "db1", "dW2", "db2", "dW3", "db3"), right.stream().map(GradientCheck.Compared::gradient).toList());
        for (var c : right) assertTrue(c.passed(1e-6), c.toString());
        List<GradientCheck.Compared> wrong = GradientCheck.compare(backward(X, E, p, true), p, loss, graph(X, E), 1e-6);
        assertTrue(wrong.stream().filter(c -> !c.passed(1e-6)).map(GradientCheck.Compared::gradient).toList().containsAll(List.of("dW1", "dW2")),
                wrong.toString());
        assertTrue(wrong.stream().filter(c -> c.gradient().endsWith("3")).allMatch(c -> c.passed(1e-6)), "the layer above the mistake is right");
    }
}
