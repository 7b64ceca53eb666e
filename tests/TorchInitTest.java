import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import data.Npz;
import nn.Activation;
import nn.Mlp;
import nn.TorchInit;

/** TorchInit against torch.manual_seed + nn.Linear, bit for bit (fixture: make_torch_fixtures.py). */
class TorchInitTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");

    static Mlp net(String name) {
        return switch (name) {
            case "lecture" -> Mlp.lecture(264, Activation.RELU, DataType.FLOAT);
            case "deep3x264" -> Mlp.deep(3, 264, Activation.RELU, DataType.FLOAT);
            case "deep2x64" -> Mlp.deep(2, 64, Activation.RELU, DataType.FLOAT);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** SHA-256 of the float32 little-endian bytes in row-major order, as numpy's tobytes() gives them. */
    static String sha256(INDArray a) throws Exception {
        float[] values = a.dup('c').data().asFloat();
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) bytes.putFloat(v);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    }

    @Test
    void everyInitialTensorIsBitwisePyTorchs() throws Exception {
        List<String> rows = Files.readAllLines(FIXTURES.resolve("torch_init.csv"));
        int checked = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",");   // net,seed,key,shape,first,last,sha256
            Map<String, INDArray> state = net(c[0]).initLikeTorch(Long.parseLong(c[1])).stateDict();
            INDArray tensor = state.get(c[2]);
            String where = c[0] + " seed " + c[1] + " " + c[2];
            assertEquals(c[3], String.join("x", java.util.Arrays.stream(tensor.shape()).mapToObj(Long::toString).toList()), where);
            float[] flat = tensor.dup('c').data().asFloat();
            assertEquals(Float.parseFloat(c[4]), flat[0], 0f, where);
            assertEquals(Float.parseFloat(c[5]), flat[flat.length - 1], 0f, where);
            assertEquals(c[6], sha256(tensor), where);
            checked++;
        }
        assertEquals(120, checked);
    }

    @Test
    void lectureNetEqualsTheSavedTorchStateDict() {
        Map<String, INDArray> torch = Npz.read(FIXTURES.resolve("torch_init_lecture_seed1.npz"), "fixture");
        Map<String, INDArray> ours = Mlp.lecture(264, Activation.RELU, DataType.FLOAT).initLikeTorch(1).stateDict();
        assertEquals(torch.keySet(), ours.keySet());
        for (String key : torch.keySet()) assertEquals(torch.get(key), ours.get(key), key);
    }

    @Test
    void seedsWrapToTheirLow32BitsLikeTorch() {
        var a = new TorchInit(5);
        var b = new TorchInit((1L << 32) + 5);
        for (int i = 0; i < 1000; i++) assertEquals(a.nextInt(), b.nextInt());
    }

    @Test
    void mersenneTwisterMatchesTheReferenceSequence() {
        // init_genrand(5489): the first outputs of the reference mt19937ar.c
        var mt = new TorchInit(5489);
        assertEquals(3499211612L, Integer.toUnsignedLong(mt.nextInt()));
        assertEquals(581869302L, Integer.toUnsignedLong(mt.nextInt()));
        assertEquals(3890346734L, Integer.toUnsignedLong(mt.nextInt()));
    }
}
