import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import backprop.GradientCheck;
import backprop.TwoLayerNet;
import cli.Cli;
import data.Npz;
import report.BackwardResult;
import report.ForwardResult;
import report.Markdown;
import report.TrainManualResult;

/** forward, backward and train-manual as a user runs them: exit codes, one-line errors, files, PyTorch fidelity. */
class ManualBackpropCliTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");
    static final String SMALL_TRAIN = FIXTURES.resolve("moons_n200_noise0.1_seed0_train.csv").toString();
    static final String SMALL_TEST = FIXTURES.resolve("moons_n200_noise0.1_seed0_test.csv").toString();
    static final String SMALL_INIT = FIXTURES.resolve("manual_small_h5_init.npz").toString();

    static ScriptRun run(Supplier<? extends Callable<Integer>> script, String... args) {
        return ScriptRun.of(script, args);
    }

    static void assertBadInput(ScriptRun r, String mentions) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(mentions), r.err());
    }

    @Test
    void trainManualMatchesPyTorchFor50Steps(@TempDir Path dir) throws Exception {
        ScriptRun r = run(train_manual::new, "--init", SMALL_INIT, "--train", SMALL_TRAIN, "--test", SMALL_TEST, "--lr", "0.1",
                "--epochs", "50", "--snapshots", "0,50", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<String> history = Files.readAllLines(dir.resolve("history.csv"));
        List<String> torch = Files.readAllLines(FIXTURES.resolve("manual_small_h5_losses.csv"));
        assertEquals("epoch,loss,train_acc,test_acc", history.get(0));
        assertEquals(52, history.size()); // header, epochs 0..49 before their updates, epoch 50 = the trained net
        for (int e = 0; e < 50; e++) {
            double ours = Double.parseDouble(history.get(e + 1).split(",")[1]);
            double reference = Double.parseDouble(torch.get(e + 1).split(",")[1]);
            assertTrue(Math.abs(ours - reference) / reference < 1e-4, "epoch " + e + ": " + ours + " vs " + reference);
        }
        for (String f : new String[] {"loss.png", "snapshots.png", "boundary.gif", "weights.npz"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertTrue(r.out().contains("ms/step"), r.out());
    }

    @Test
    void trainManualsResultHoldsTheHistoryAndItsMarkdownTheTableAndAnswer(@TempDir Path dir) throws Exception {
        TrainManualResult result = Cli.parse(new train_manual(), "--init", SMALL_INIT, "--train", SMALL_TRAIN, "--test", SMALL_TEST,
                "--lr", "0.1", "--epochs", "20", "--snapshots", "0,20", "--out", dir.toString()).run();
        assertEquals(21, result.history().size());
        assertEquals(20, result.last().epoch());
        List<String> csv = Files.readAllLines(dir.resolve("history.csv"));
        assertEquals(result.last().loss(), Double.parseDouble(csv.get(21).split(",")[1]), 0.0, "the record holds what history.csv says");
        assertTrue(result.msPerStep() > 0);
        for (Path f : result.files()) assertTrue(Files.size(f) > 0, f.toString());
        var md = new Markdown(dir.getParent());
        result.markdown(md);
        String text = md.toString();
        assertTrue(text.contains("| epoch | loss | train acc | test acc |"), text);
        assertTrue(text.contains("| 20 | "), "the last epoch's row: " + text);
        assertTrue(text.contains(result.answer()), text);
        assertTrue(result.answer().startsWith("After 20 epochs of plain gradient descent the loss is "), result.answer());
        assertTrue(text.contains("](" + dir.getFileName() + "/snapshots.png)"), "the figures, relative to the report: " + text);
        assertTrue(text.contains("[history.csv](" + dir.getFileName() + "/history.csv)"), text);
        assertTrue(result.toString().startsWith("TrainManualResult[x -> Linear(2, 5)"), result.toString());
    }

    @Test
    void backwardPassesAndWritesPyTorchsGradients(@TempDir Path dir) {
        Path grads = dir.resolve("grads.npz");
        ScriptRun r = run(backward::new, "--init", SMALL_INIT, "--train", SMALL_TRAIN, "--grads-out", grads.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASS") && r.out().contains("fail above 1e-06"), r.out());
        assertTrue(r.out().contains("the hand-written gradients agree with ND4J's automatic differentiation"), r.out());
        Map<String, INDArray> ours = Npz.read(grads, "test");
        Map<String, INDArray> torch = Npz.read(FIXTURES.resolve("manual_small_h5_grads.npz"), "test");
        for (String key : TwoLayerNet.KEYS) {
            assertEquals(java.util.Arrays.toString(torch.get(key).shape()), java.util.Arrays.toString(ours.get(key).shape()), key);
            assertTrue(ManualBackpropTest.relativeError(ours.get(key), torch.get(key)) < 1e-5, key);
        }
    }

    @Test
    void backwardsResultHoldsTheCheckAndItsMarkdownTheTableAndVerdict(@TempDir Path dir) {
        BackwardResult result = Cli.parse(new backward(), "--init", SMALL_INIT, "--train", SMALL_TRAIN).run();
        assertTrue(result.passed(), result.toString());
        assertEquals(List.of("dW1", "db1", "dW2", "db2"), result.checks().stream().map(GradientCheck.Compared::gradient).toList());
        assertArrayEquals(new long[] {5, 2}, result.checks().get(0).shape());
        for (GradientCheck.Compared c : result.checks()) {
            assertTrue(c.autodiffError() < 1e-12 && c.numericError() < 1e-6, c.toString());
        }
        var md = new Markdown(dir);
        result.markdown(md);
        String text = md.toString();
        assertTrue(text.contains("| gradient | shape | max abs diff vs autodiff | rel. error vs autodiff |"), text);
        assertTrue(text.contains("| `dW2` | [2, 5] | "), text);
        assertTrue(text.contains("**" + result.verdict() + "**"), text);
        assertTrue(result.verdict().startsWith("PASS: every relative error is at most 1e-06"), result.verdict());
        assertTrue(result.text().contains(result.verdict()), "the console says it in the same words");

        var failed = new BackwardResult(5, "test", 200, 0.5, 1e-6, 1e-6,
                List.of(new GradientCheck.Compared("dW1", new long[] {5, 2}, 1, 1e-3, 1, Double.NaN)), null, 0);
        assertFalse(failed.passed());
        assertTrue(failed.verdict().startsWith("FAIL: a relative error exceeds 1e-06"), failed.verdict());
    }

    @Test
    void backwardExitsOneWhenTheCheckFails() {
        var failed = new BackwardResult(5, "test", 200, 0.5, 1e-6, 1e-6,
                List.of(new GradientCheck.Compared("dW1", new long[] {5, 2}, 1, 1e-3, 1, 1e-3)), null, 0);
        ScriptRun r = ScriptRun.of(() -> new backward() {
            @Override
            public BackwardResult run() {
                return failed;
            }
        });
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains(failed.verdict()), r.out());
    }

    @Test
    void forwardsResultHoldsEveryIntermediateAndItsMarkdownTheTable() {
        ForwardResult result = Cli.parse(new forward(), "--batch", "3", "--hidden", "4", "--train", SMALL_TRAIN).run();
        assertEquals(List.of("X", "a1", "h1", "a2", "p"), result.quantities().stream().map(ForwardResult.Quantity::name).toList());
        assertArrayEquals(new long[] {3, 4}, result.quantity("a1").shape());
        assertEquals("X W1^T + b1", result.quantity("a1").formula());
        assertArrayEquals(new long[] {3, 2}, result.quantity("p").shape());
        for (double[] row : result.quantity("p").values()) assertEquals(1.0, row[0] + row[1], 1e-6);
        assertTrue(result.loss() > 0 && Double.isFinite(result.loss()));
        var md = new Markdown(Path.of("."));
        result.markdown(md);
        String text = md.toString();
        assertTrue(text.contains("| quantity | formula | shape |"), text);
        assertTrue(text.contains("| `a1` | `X W1^T + b1` | [3, 4] |"), text);
        assertTrue(text.contains("| `p` | `softmax(a2), row by row` | [3, 2] |"), text);
        assertTrue(text.contains("Loss: `" + result.lossLine() + "`"), text);
        assertTrue(text.contains("<details><summary>The values</summary>"), text);
        assertFalse(result.toString().contains("[D@") || result.toString().contains("@"), result.toString());
        assertTrue(result.toString().contains("a1 [3, 4]"), result.toString());
    }

    @Test
    void forwardPrintsIntermediatesWithShapes() {
        ScriptRun r = run(forward::new, "--batch", "3", "--hidden", "4", "--train", SMALL_TRAIN);
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"a1 = X W1^T + b1", "shape [3, 4]", "shape [3, 2]", "p = softmax(a2)", "L = "}) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
        assertBadInput(run(forward::new, "--batch", "0"), "--batch");
    }

    static Path npz(Path dir, Map<String, INDArray> arrays) {
        Path file = dir.resolve("init.npz");
        Npz.write(file, arrays);
        return file;
    }

    @Test
    void badInputIsOneLineExitTwoAndWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        var good = TwoLayerNet.heNormal(3, 0, DataType.FLOAT).toMap();
        var missing = new LinkedHashMap<>(good);
        missing.remove("b2");
        Path missingNpz = npz(dir.resolve("a"), missing);
        var misshaped = new LinkedHashMap<>(good);
        misshaped.put("W2", Nd4j.zeros(DataType.FLOAT, 3, 2));
        Path misshapedNpz = npz(dir.resolve("b"), misshaped);
        Path badCsv = dir.resolve("bad.csv");
        Files.writeString(badCsv, "x1,x2,label\n0.5,0.25,1\n0.1,0.2,3\n");
        String o = out.toString();
        assertBadInput(run(train_manual::new, "--init", missingNpz.toString(), "--out", o), "missing key 'b2'");
        assertBadInput(run(train_manual::new, "--init", misshapedNpz.toString(), "--out", o), "key 'W2' has shape [3, 2], expected [2, 3]");
        assertBadInput(run(train_manual::new, "--init", dir.resolve("none.npz").toString(), "--out", o), "--init");
        assertBadInput(run(train_manual::new, "--hidden", "0", "--out", o), "--hidden");
        assertBadInput(run(train_manual::new, "--lr", "0", "--out", o), "--lr");
        assertBadInput(run(train_manual::new, "--lr", "NaN", "--out", o), "--lr");
        assertBadInput(run(train_manual::new, "--epochs", "-1", "--out", o), "--epochs");
        assertBadInput(run(train_manual::new, "--epochs", "10", "--snapshots", "0,20", "--out", o), "--snapshots");
        assertBadInput(run(train_manual::new, "--snapshots", "0,x", "--out", o), "--snapshots");
        assertBadInput(run(train_manual::new, "--train", badCsv.toString(), "--out", o), "line 3");
        assertBadInput(run(train_manual::new, "--test", dir.resolve("none.csv").toString(), "--out", o), "--test");
        assertBadInput(run(backward::new, "--init", misshapedNpz.toString()), "key 'W2'");
        assertBadInput(run(backward::new, "--hidden", "-2"), "--hidden");
        assertBadInput(run(backward::new, "--init", SMALL_INIT, "--hidden", "7"), "expected [7, 2]");
        assertBadInput(run(backward::new, "--train", badCsv.toString()), "line 3");
        assertFalse(Files.exists(out), "nothing may be written on bad input");
    }

    @Test
    void divergingRunExitsThreeNamingTheEpochAndKeepsHistory(@TempDir Path dir) throws Exception {
        ScriptRun r = run(train_manual::new, "--lr", "1e6", "--epochs", "50", "--out", dir.toString());
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("diverged at epoch"), r.err());
        int epoch = Integer.parseInt(r.err().replaceAll("(?s).*diverged at epoch (\\d+).*", "$1"));
        List<String> history = Files.readAllLines(dir.resolve("history.csv"));
        assertEquals(epoch + 1, history.size(), "header plus the epochs before the divergence");
    }
}
