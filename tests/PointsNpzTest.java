import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import data.Npz;
import data.Points;
import io.BadInputException;

class PointsNpzTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");

    @Test
    void csvRoundTripsExactly(@TempDir Path dir) throws Exception {
        Path fixture = FIXTURES.resolve("moons_n200_noise0.1_seed0_train.csv");
        Points p = Points.readCsv(fixture, "--train");
        assertEquals(150, p.size());
        Path copy = dir.resolve("copy.csv");
        p.writeCsv(copy);
        Points q = Points.readCsv(copy, "--train");
        for (int i = 0; i < p.size(); i++) assertArrayEquals(p.x()[i], q.x()[i], 0.0);
        assertArrayEquals(p.y(), q.y());
        INDArray f = p.features(DataType.DOUBLE);
        assertEquals('f', f.ordering());
        assertEquals(p.x()[7][1], f.getDouble(7, 1), 0.0);
        assertEquals(1.0, p.oneHot(2, DataType.FLOAT).getDouble(0, p.y()[0]), 0.0);
    }

    @Test
    void badRowNamesOptionFileAndLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "x1,x2,label\n0.5,0.25,1\n0.1,oops,0\n");
        var e = assertThrows(BadInputException.class, () -> Points.readCsv(csv, "--train"));
        assertEquals("--train: " + csv + " line 3: coordinate must be a finite decimal number (e.g. -1.25 or 3e-2), found 'oops'", e.getMessage());
        Files.writeString(csv, "x1,x2,label\n0.5,0.25,7\n");
        e = assertThrows(BadInputException.class, () -> Points.readCsv(csv, "--test"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("0 or 1"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> Points.readCsv(dir.resolve("none.csv"), "--test"));
        assertEquals("--test: " + dir.resolve("none.csv") + ": no such file", e.getMessage());
    }

    @Test
    void npzRoundTripAndKeyErrors(@TempDir Path dir) {
        Map<String, INDArray> state = new LinkedHashMap<>();
        state.put("hidden.weight", Nd4j.linspace(DataType.FLOAT, 1, 6, 1).reshape(3, 2));
        state.put("hidden.bias", Nd4j.createFromArray(0.5f, -0.25f, 2f));
        Path file = dir.resolve("w.npz");
        Npz.write(file, state);
        Map<String, INDArray> back = Npz.read(file, "--init");
        assertEquals(state.get("hidden.weight"), back.get("hidden.weight"));
        assertEquals(state.get("hidden.bias"), back.get("hidden.bias"));
        var e = assertThrows(BadInputException.class, () -> Npz.require(back, "latent.weight", new long[] {2, 264}, "--init"));
        assertTrue(e.getMessage().startsWith("--init: missing key 'latent.weight' (expected shape [2, 264]"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> Npz.require(back, "hidden.weight", new long[] {264, 2}, "--init"));
        assertEquals("--init: key 'hidden.weight' has shape [3, 2], expected [264, 2]", e.getMessage());
    }
}
