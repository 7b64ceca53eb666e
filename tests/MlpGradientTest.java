import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import data.Points;
import nn.Activation;
import nn.Linear;
import nn.Mlp;

/**
 * Every weight and bias gradient of Mlp.backward against ND4J's SameDiff autodiff on the same graph and weights,
 * and against central finite differences, all in double precision.
 */
class MlpGradientTest {
    static final Points TRAIN = Points.readCsv(Path.of("tests", "fixtures", "moons_n1000_noise0.2_seed42_train.csv"), "fixture");
    /** 150 points: finite differences need many passes, and fewer points make a ReLU kink inside +-h less likely. */
    static final Points SMALL = Points.readCsv(Path.of("tests", "fixtures", "moons_n200_noise0.1_seed0_train.csv"), "fixture");

    /** The same network built in SameDiff; returns the gradient of the mean cross-entropy per parameter name. */
    static Map<String, INDArray> sameDiffGradients(Mlp net, INDArray x, Points data) {
        SameDiff sd = SameDiff.create();
        SDVariable a = sd.constant("x", x);
        var names = new java.util.ArrayList<String>();
        for (int i = 0; i < net.layers().size(); i++) {
            Linear layer = net.layers().get(i);
            SDVariable w = sd.var(layer.name() + ".weight", layer.weight().dup());
            SDVariable b = sd.var(layer.name() + ".bias", layer.bias().dup());
            names.add(w.name());
            names.add(b.name());
            SDVariable z = sd.mmul(a, w, false, true, false).add(b);
            boolean last = i == net.layers().size() - 1;
            a = last ? z : switch (net.activation()) {
                case RELU -> sd.nn().relu(z, 0);
                case SIGMOID -> sd.nn().sigmoid(z);
                case TANH -> sd.math().tanh(z);
            };
        }
        SDVariable oneHot = sd.constant("onehot", data.oneHot(2, DataType.DOUBLE));
        SDVariable loss = oneHot.mul(sd.nn().logSoftmax(a)).sum(1).mean().neg();
        sd.setLossVariables(loss);
        // SameDiff prints a line per differentiated op to System.out: kept out of the test log
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return sd.calculateGradients(new HashMap<>(), names.toArray(new String[0]));
        } finally {
            System.setOut(out);
        }
    }

    static double loss(Mlp net, INDArray x, Points data) {
        return net.evaluate(x, data.y()).loss();
    }

    /** Central differences of the loss for every element of every parameter. */
    static Map<String, INDArray> finiteDifferenceGradients(Mlp net, INDArray x, Points data) {
        double h = 1e-7;
        var grads = new HashMap<String, INDArray>();
        for (Linear layer : net.layers()) {
            for (var entry : Map.of(".weight", layer.weight(), ".bias", layer.bias()).entrySet()) {
                INDArray p = entry.getValue();
                INDArray g = p.dup(p.ordering());   // same layout, so buffer index k is the same element in both
                for (long k = 0; k < p.length(); k++) {
                    double saved = p.data().getDouble(k);
                    p.data().put(k, saved + h);
                    double up = loss(net, x, data);
                    p.data().put(k, saved - h);
                    double down = loss(net, x, data);
                    p.data().put(k, saved);
                    g.data().put(k, (up - down) / (2 * h));
                }
                grads.put(layer.name() + entry.getKey(), g);
            }
        }
        return grads;
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
        assertGradientsEqual(net, sameDiffGradients(net, x, TRAIN), 1e-12, 1e-9, "SameDiff");
        if (finiteDifferences) {
            x = SMALL.features(DataType.DOUBLE);
            net.backward(x, SMALL.y());
            assertGradientsEqual(net, finiteDifferenceGradients(net, x, SMALL), 1e-7, 1e-5, "finite differences");
        }
    }

    @Test
    void lectureNetGradients() {
        check(Mlp.lecture(264, Activation.RELU, DataType.DOUBLE).initLikeTorch(1), true);
    }

    @Test
    void deepSigmoidGradients() {
        check(Mlp.deep(3, 264, Activation.SIGMOID, DataType.DOUBLE).initLikeTorch(2), false);
        check(Mlp.deep(3, 12, Activation.SIGMOID, DataType.DOUBLE).initLikeTorch(3), true);
    }

    @Test
    void deepReluGradients() {
        check(Mlp.deep(3, 264, Activation.RELU, DataType.DOUBLE).initLikeTorch(2), false);
        check(Mlp.deep(3, 12, Activation.RELU, DataType.DOUBLE).initLikeTorch(3), true);
    }

    @Test
    void deepTanhGradients() {
        check(Mlp.deep(2, 12, Activation.TANH, DataType.DOUBLE).initLikeTorch(4), true);
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
        assertEquals(0.6922711133956909, loss(net, TRAIN.features(DataType.FLOAT), TRAIN), 1e-6);
    }
}
