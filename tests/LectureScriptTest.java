import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import nn.Activation;
import nn.Mlp;
import nn.PyTorchReference;

class LectureScriptTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");

    static ScriptRun run(String... args) {
        return ScriptRun.of(lecture::new, args);
    }

    @Test
    void badInputExitsTwoWithOneLineAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path weights = tmp.resolve("w").resolve("w.npz");
        Path wrongWidth = tmp.resolve("wide.npz");
        Mlp.lecture(10, Activation.RELU, DataType.FLOAT).save(wrongWidth);
        Path badCsv = tmp.resolve("bad.csv");
        Files.writeString(badCsv, "x1,x2,label\n0.1,zz,1\n");
        List<String[]> cases = List.of(
                new String[] {"--epochs", "abc"}, new String[] {"--epochs", "-1"}, new String[] {"--epochs", "0"},
                new String[] {"--width", "0"}, new String[] {"--width", "-5"}, new String[] {"--lr", "0"},
                new String[] {"--lr", "NaN"}, new String[] {"--lr", "-0.1"}, new String[] {"--lr", "x"},
                new String[] {"--momentum", "1"}, new String[] {"--momentum", "-0.5"}, new String[] {"--momentum", "NaN"},
                new String[] {"--activation", "gelu"}, new String[] {"--seed", "1.5"},
                new String[] {"--init", tmp.resolve("missing.npz").toString()},
                new String[] {"--init", wrongWidth.toString()},
                new String[] {"--init", wrongWidth.toString(), "--width", "10", "--seed", "3"},
                new String[] {"--train", badCsv.toString()}, new String[] {"--test", tmp.resolve("none.csv").toString()},
                new String[] {"--save-weights", tmp.resolve("w.txt").toString()}, new String[] {"--bogus"});
        for (String[] c : cases) {
            var args = new ArrayList<>(List.of(c));
            args.addAll(List.of("--out", out.toString(), "--save-weights", weights.toString()));
            if (c[0].equals("--save-weights")) args = new ArrayList<>(List.of(c[0], c[1], "--out", out.toString()));
            ScriptRun r = run(args.toArray(new String[0]));
            String what = String.join(" ", c) + " -> " + r.err();
            assertEquals(2, r.code(), what);
            assertEquals(1, r.err().strip().lines().count(), what);
            assertTrue(r.err().startsWith("error: "), what);
            assertFalse(Files.exists(out), what);
            assertFalse(Files.exists(weights.getParent()), what);
        }
        ScriptRun r = run("--init", wrongWidth.toString(), "--out", out.toString());
        assertTrue(r.err().contains("hidden.weight") && r.err().contains("[264, 2]") && r.err().contains("[10, 2]"), r.err());
    }

    @Test
    void shortRunWritesEveryFile(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Path weights = tmp.resolve("w.npz");
        ScriptRun r = run("--epochs", "5", "--seed", "0", "--out", out.toString(), "--save-weights", weights.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("history.csv", "confidence.png", "confidence.svg", "loss.png", "loss.svg", "accuracy.png", "accuracy.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("epoch,loss,train_acc,test_acc", history.get(0));
        assertEquals(6, history.size());
        // seed 0 is PyTorch's seed 0: the first epochs' losses are those of torch_run_lecture_seed0.csv
        List<String> torch = Files.readAllLines(FIXTURES.resolve("torch_run_lecture_seed0.csv"));
        for (int e = 0; e < 5; e++) {
            double ours = Double.parseDouble(history.get(e + 1).split(",")[1]);
            double theirs = Double.parseDouble(torch.get(e + 1).split(",")[1]);
            assertEquals(theirs, ours, 1e-6 * theirs, "epoch " + e);
        }
        assertTrue(r.out().contains("Epoch 0: loss 0.6986, train acc 50.0%, test acc 50.0%"), r.out());
        assertTrue(r.out().contains("check: As expected") || r.out().contains("check: Stuck at chance"), r.out());
        assertTrue(r.out().contains("PyTorch's numbers are for 1000 epochs; this run had 5"), r.out());
        Mlp saved = Mlp.lecture(264, Activation.RELU, DataType.FLOAT);
        saved.load(weights, "test");
        // --init with the saved weights continues from them
        ScriptRun again = run("--epochs", "1", "--init", weights.toString(), "--out", tmp.resolve("again").toString());
        assertEquals(0, again.code(), again.err());
    }

    @Test
    void aRunThatBlowsUpExitsThreeAndKeepsItsHistory(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        ScriptRun r = run("--epochs", "20", "--lr", "1e6", "--out", out.toString());
        assertEquals(3, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        // the first epoch whose loss is beyond the bound ends the run; the epochs before it are kept
        var m = java.util.regex.Pattern.compile("diverged at epoch (\\d+): loss \\S+ is above 1000000.0").matcher(r.err());
        assertTrue(m.find() && r.err().contains("history.csv keeps"), r.err());
        assertEquals(Integer.parseInt(m.group(1)) + 1, Files.readAllLines(out.resolve("history.csv")).size());
        assertFalse(Files.exists(out.resolve("confidence.png")), "no figure of a net that is not finite");
    }

    @Test
    void embeddedPyTorchTableIsTheFixture() throws Exception {
        List<String> rows = Files.readAllLines(FIXTURES.resolve("torch_lecture_seeds.csv"));
        double[] fixture = rows.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[3])).toArray();
        double[] rounded = java.util.Arrays.stream(fixture).map(a -> Math.round(a * 1000) / 1000.0).toArray();
        assertArrayEquals(rounded, PyTorchReference.testAccuracies(), 0);
    }
}
