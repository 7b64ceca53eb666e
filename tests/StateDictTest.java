import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.BadInputException;
import nn.Activation;
import nn.Mlp;

/** Saving and loading nets under PyTorch's state_dict names and shapes. */
class StateDictTest {
    @Test
    void namesAndShapesArePyTorchs() {
        Map<String, INDArray> lecture = Mlp.lecture(264, Activation.RELU, DataType.FLOAT).stateDict();
        assertEquals(List.of("hidden.weight", "hidden.bias", "latent.weight", "latent.bias", "output.weight", "output.bias"),
                List.copyOf(lecture.keySet()));
        assertEquals(List.of(264L, 2L), List.of(lecture.get("hidden.weight").shape()[0], lecture.get("hidden.weight").shape()[1]));
        assertEquals(1, lecture.get("hidden.bias").rank());
        Map<String, INDArray> deep = Mlp.deep(3, 64, Activation.SIGMOID, DataType.FLOAT).stateDict();
        assertEquals(List.of("hidden1.weight", "hidden1.bias", "hidden2.weight", "hidden2.bias", "hidden3.weight", "hidden3.bias",
                "latent.weight", "latent.bias", "output.weight", "output.bias"), List.copyOf(deep.keySet()));
        assertEquals(64, deep.get("hidden2.weight").size(1));
        assertEquals(2, deep.get("latent.weight").size(0));
    }

    @Test
    void roundTripKeepsEveryBit(@TempDir Path dir) {
        Mlp a = Mlp.deep(2, 16, Activation.TANH, DataType.FLOAT).initLikeTorch(7);
        a.save(dir.resolve("w.npz"));
        Mlp b = Mlp.deep(2, 16, Activation.TANH, DataType.FLOAT);
        b.load(dir.resolve("w.npz"), "--init");
        assertEquals(a.stateDict(), b.stateDict());
        // a double net reads float32 weights exactly
        Mlp c = Mlp.deep(2, 16, Activation.TANH, DataType.DOUBLE);
        c.load(dir.resolve("w.npz"), "--init");
        assertEquals(a.layer("hidden2").weight().castTo(DataType.DOUBLE), c.layer("hidden2").weight());
    }

    @Test
    void missingKeyAndWrongShapeAreOneLineNamingTheKey(@TempDir Path dir) {
        Mlp.lecture(264, Activation.RELU, DataType.FLOAT).initLikeTorch(0).save(dir.resolve("lecture.npz"));
        Mlp wide = Mlp.lecture(100, Activation.RELU, DataType.FLOAT);
        var e = assertThrows(BadInputException.class, () -> wide.load(dir.resolve("lecture.npz"), "--init"));
        assertTrue(e.getMessage().startsWith("--init: ") && e.getMessage().contains("hidden.weight")
                && e.getMessage().contains("[264, 2]") && e.getMessage().contains("[100, 2]") && !e.getMessage().contains("\n"), e.getMessage());
        Mlp deep = Mlp.deep(1, 264, Activation.RELU, DataType.FLOAT);
        e = assertThrows(BadInputException.class, () -> deep.load(dir.resolve("lecture.npz"), "--init"));
        assertTrue(e.getMessage().contains("missing key 'hidden1.weight'") && e.getMessage().contains("[264, 2]"), e.getMessage());
        // nothing was changed by the failed loads
        assertEquals(0.0, wide.layer("hidden").weight().norm2Number().doubleValue());
    }
}
