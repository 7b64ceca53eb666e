import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import data.Points;
import nn.Activation;
import nn.Mlp;
import speed.Parallel;
import speed.TwoCores;

/**
 * speed.TwoCores through Mlp.backward: a batch in two halves on two cores gives the loss, accuracy, gradients and hidden
 * outputs of the batch on one core (up to float rounding: the halves' sum, OpenBLAS's blocking of fewer rows), for even and odd batches and an
 * activation whose derivative reads its input; several nets side by side keep to one core each.
 */
class TwoCoresTest {
    static final Points TRAIN = Points.readCsv(Path.of("tests", "fixtures", "moons_n1000_noise0.2_seed42_train.csv"), "fixture");

    record Pass(Mlp.Evaluation evaluation, float[] gradients, List<float[]> hidden) {}

    /** One backward pass of a fresh 2 x 128-wide net over the first {@code rows} points, on a thread of its own. */
    static Pass backward(String activation, int rows, boolean oneCore) throws Exception {
        Points points = new Points(Arrays.copyOf(TRAIN.x(), rows), Arrays.copyOf(TRAIN.y(), rows));
        Callable<Pass> pass = () -> {
            if (oneCore) TwoCores.oneCoreHere();
            Mlp net = Mlp.deep(2, 128, Activation.named(activation), DataType.FLOAT).initLikeTorch(3);
            INDArray x = points.features(DataType.FLOAT);
            Mlp.Evaluation e = net.backward(x, points.y());
            return new Pass(e, net.gradients().toFloatVector(), net.hiddenOutputs(x).stream().map(h -> h.dup().data().asFloat()).toList());
        };
        var thread = Executors.newSingleThreadExecutor();
        try {
            return thread.submit(pass).get();
        } finally {
            thread.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "sigmoid", "gelu"})
    void halvesOnTwoCoresGiveTheBatchsPass(String activation) throws Exception {
        for (int rows : new int[] {800, 601}) {
            Pass one = backward(activation, rows, true), two = backward(activation, rows, false);
            String what = activation + ", " + rows + " rows";
            assertEquals(one.evaluation().accuracy(), two.evaluation().accuracy(), 0, what);
            assertEquals(one.evaluation().loss(), two.evaluation().loss(), 1e-6 * one.evaluation().loss(), what);
            double scale = 0;
            for (float g : one.gradients()) scale = Math.max(scale, Math.abs(g));
            for (int i = 0; i < one.gradients().length; i++) {
                assertEquals(one.gradients()[i], two.gradients()[i], 1e-5 * scale, what + ", gradient " + i);
            }
            for (int k = 0; k < one.hidden().size(); k++) {   // (OpenBLAS may block a half's rows otherwise: rounding apart)
                float[] h1 = one.hidden().get(k), h2 = two.hidden().get(k);
                for (int i = 0; i < h1.length; i++) assertEquals(h1[i], h2[i], 1e-6 * Math.max(1, Math.abs(h1[i])), what + ", hidden layer " + (k + 1) + ", " + i);
            }
        }
    }

    @Test
    void severalNetsSideBySideKeepToOneCoreEach() {
        long deep = Mlp.deep(3, 264, Activation.RELU, DataType.FLOAT).parameters().length();
        assertEquals(List.of(false, false), Parallel.map(List.of(1, 2), 2, i -> TwoCores.forBatch(800, deep)));
        boolean twoCores = Runtime.getRuntime().availableProcessors() >= 2 && !"0".equals(System.getenv("MOONS_TWO_CORES"));
        assertEquals(List.of(twoCores), Parallel.map(List.of(1), 2, i -> TwoCores.forBatch(800, deep)), "one net alone");
        long lecture = Mlp.lecture(264, Activation.RELU, DataType.FLOAT).parameters().length();
        assertFalse(TwoCores.forBatch(800, lecture), "the lecture's small net");
    }
}
