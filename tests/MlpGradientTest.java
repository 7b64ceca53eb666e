import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import backprop.GradientCheck;
import data.Points;
import nn.Activation;
import nn.Linear;
import nn.Mlp;

/**
 * Every weight and bias gradient of Mlp.backward, for every activation, against ND4J's SameDiff autodiff on the same graph
 * and weights (each activation in its entry's reference form) and against central finite differences, all in double
 * precision, by the same GradientCheck that checks the hand-written backprop.
 */
class MlpGradientTest {
    static final Points TRAIN = Points.readCsv(Path.of("tests", "fixtures", "moons_n1000_noise0.2_seed42_train.csv"), "fixture");
    /** 150 points: finite differences need many passes, and fewer points make a ReLU kink inside +-h less likely. */
    static final Points SMALL = Points.readCsv(Path.of("tests", "fixtures", "moons_n200_noise0.1_seed0_train.csv"), "fixture");

    /** The net's parameters by PyTorch's names ({@code hidden1.weight}, ...): the arrays themselves. */
    static Map<String, INDArray> parameters(Mlp net) {
        var parameters = new LinkedHashMap<String, INDArray>();
        for (Linear layer : net.layers()) {
            parameters.put(layer.name() + ".weight", layer.weight());
            parameters.put(layer.name() + ".bias", layer.bias());
        }
        return parameters;
    }

    /** The same network in SameDiff, each activation by its entry's reference form: the mean cross-entropy of the logits. */
    static GradientCheck.Graph graph(Mlp net, INDArray x, Points data) {
        return (sd, p) -> {
            SDVariable a = sd.constant("x", x);
            for (int i = 0; i < net.layers().size(); i++) {
                String name = net.layers().get(i).name();
                SDVariable z = sd.mmul(a, p.get(name + ".weight"), false, true, false).add(p.get(name + ".bias"));
                a = i == net.layers().size() - 1 ? z : net.activation().reference(sd, z);
            }
            SDVariable oneHot = sd.constant("onehot", data.oneHot(2, DataType.DOUBLE));
            return oneHot.mul(sd.nn().logSoftmax(a)).sum(1).mean().neg();
        };
    }

    /** The loss of the net with {@code parameters} (a copy of it per thread, loaded with them): what finite differences nudge. */
    static ToDoubleFunction<Map<String, INDArray>> lossOf(Mlp net, INDArray x, Points data) {
        ThreadLocal<Mlp> probes = ThreadLocal.withInitial(() -> net.sameLayers(DataType.DOUBLE));
        return parameters -> {
            Mlp probe = probes.get();
            probe.loadStateDict(parameters, "test");
            return probe.evaluate(x, data.y()).loss();
        };
    }

    static void assertGradientsEqual(Mlp net, Map<String, INDArray> expected, double absTol, double relTol, String what) {
        int compared = 0;
        for (Linear layer : net.layers()) {
            for (var entry : Map.of(".weight", layer.weightGrad(), ".bias", layer.biasGrad()).entrySet()) {
                String key = layer.name() + entry.getKey();
                INDArray ours = entry.getValue();
                INDArray theirs = expected.get(key);
                assertEquals(java.util.Arrays.toString(ours.shape()), java.util.Arrays.toString(theirs.shape()), key);
                double[] o_ = ours.dup('c').data().asDouble();
                double[] t_ = theirs.dup('c').data().asDouble();
                for (int k = 0; k < o_.length; k++) {
                    double o = o_[k];
                    double t = t_[k];
                    assertTrue(Math.abs(o - t) <= absTol + relTol * Math.abs(t),
                            what + " " + key + "[" + k + "]: ours " + o + ", expected " + t);
                    compared++;
                }
                assertTrue(ours.norm2Number().doubleValue() > 0 || theirs.norm2Number().doubleValue() == 0, key);
            }
        }
        assertTrue(compared > 0);
    }

    static void check(Mlp net, boolean finiteDifferences) {
        INDArray x = TRAIN.features(DataType.DOUBLE);
        net.backward(x, TRAIN.y());
        assertGradientsEqual(net, GradientCheck.autodiff(parameters(net), graph(net, x, TRAIN)), 1e-12, 1e-9, "SameDiff");
        if (finiteDifferences) {
            x = SMALL.features(DataType.DOUBLE);
            net.backward(x, SMALL.y());
            assertGradientsEqual(net, GradientCheck.finiteDifferences(parameters(net), lossOf(net, x, SMALL), 1e-7), 1e-7, 1e-5, "finite differences");
        }
    }

    @Test
    void lectureNetGradients() {
        check(Mlp.lecture(264, Activation.RELU, DataType.DOUBLE).initLikeTorch(1), true);
    }

    /** Every activation, the sheet's deep net (autodiff) and a narrow one (autodiff and finite differences); GELU's needs its kept input. */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void deepNetGradients(Activation activation) {
        check(Mlp.deep(3, 264, activation, DataType.DOUBLE).initLikeTorch(2), false);
        check(Mlp.deep(3, 12, activation, DataType.DOUBLE).initLikeTorch(3), true);
    }

    /** Every activation's float net (its Java loops) gives its double net's gradients to float precision. */
    @Test
    void floatLoopsGiveTheFormulasGradients() {
        for (Activation a : Activation.values()) {
            Mlp doubles = Mlp.deep(3, 24, a, DataType.DOUBLE).initLikeTorch(5), floats = Mlp.deep(3, 24, a, DataType.FLOAT).initLikeTorch(5);
            doubles.backward(SMALL.features(DataType.DOUBLE), SMALL.y());
            floats.backward(SMALL.features(DataType.FLOAT), SMALL.y());
            double error = GradientCheck.relativeError(floats.gradients(), doubles.gradients());
            assertTrue(error < 1e-5, a + ": float gradients " + error + " from the double ones (relative)");
        }
    }

    /** Width 1 (--width's minimum): matrices of one column, whose leading dimension BLAS wants as their rows, not 1. */
    @Test
    void widthOneGradients() {
        check(Mlp.deep(3, 1, Activation.SIGMOID, DataType.DOUBLE).initLikeTorch(3), true);
        check(Mlp.lecture(1, Activation.SIGMOID, DataType.DOUBLE).initLikeTorch(5), true);
        // float goes through sgemm: the same gradients to float's digits
        Mlp inFloat = Mlp.deep(3, 1, Activation.SIGMOID, DataType.FLOAT).initLikeTorch(3);
        Mlp inDouble = Mlp.deep(3, 1, Activation.SIGMOID, DataType.DOUBLE).initLikeTorch(3);
        inFloat.backward(TRAIN.features(DataType.FLOAT), TRAIN.y());
        inDouble.backward(TRAIN.features(DataType.DOUBLE), TRAIN.y());
        for (int i = 0; i < inFloat.layers().size(); i++) {
            INDArray f = inFloat.layers().get(i).weightGrad().castTo(DataType.DOUBLE), d = inDouble.layers().get(i).weightGrad();
            assertTrue(d.norm2Number().doubleValue() > 0, "a gradient");
            assertEquals(0, f.sub(d).norm2Number().doubleValue(), 1e-4 * d.norm2Number().doubleValue(), "layer " + i);
        }
    }

    @Test
    void lossAtPyTorchInitIsTheFixturesFirstLoss() {
        // sanity link between the two worlds: epoch 0 of torch_run_lecture_seed1.csv
        Mlp net = Mlp.lecture(264, Activation.RELU, DataType.FLOAT).initLikeTorch(1);
        assertEquals(0.6922711133956909, net.evaluate(TRAIN.features(DataType.FLOAT), TRAIN.y()).loss(), 1e-6);
    }
}
