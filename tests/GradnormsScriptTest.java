import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import cli.Cli;
import data.Npz;
import nn.Activation;
import report.DeepResult;
import report.GradnormsResult;
import study.RunFiles;

/**
 * gradnorms end to end against PyTorch 1.13 (tests/fixtures/make_deep_fixtures.py and make_torch_fixtures.py): the
 * same initial weights and data give the same 100-epoch loss (1e-4 relative) and per-layer weight-gradient norms
 * (1e-3 relative); bad input writes nothing; a diverging run is reported and the other runs are kept.
 */
class GradnormsScriptTest {
    static final Path FIXTURES = Path.of("tests", "fixtures");
    static final Path INIT = FIXTURES.resolve("deep3x16_seed7_init.npz");
    static final Path TRAIN = FIXTURES.resolve("moons_n200_noise0.1_seed0_train.csv");
    static final Path TEST = FIXTURES.resolve("moons_n200_noise0.1_seed0_test.csv");

    @TempDir
    Path tmp;

    /** Rows of a CSV without its header, split into cells. */
    static List<String[]> rows(Path csv) throws IOException {
        var lines = Files.readAllLines(csv);
        var rows = new ArrayList<String[]>();
        for (String line : lines.subList(1, lines.size())) rows.add(line.split(",", -1));
        return rows;
    }

    static void assertRelative(double expected, double actual, double tolerance, String what) {
        double error = Math.abs(actual - expected) / Math.abs(expected);
        assertTrue(error <= tolerance, what + ": expected " + expected + ", got " + actual + " (relative error " + error + ")");
    }

    /** Runs a script in-process; returns its exit code and what it printed to stderr. */
    /**
     * Compares history.csv and gradnorms.csv of one run with a PyTorch trajectory CSV
     * ({@code epoch,loss,train_acc,test_acc,norm_hidden1..}).
     */
    static void assertMatchesTorch(Path out, Path torchCsv, String activation) throws IOException {
        List<String[]> torch = rows(torchCsv);
        List<String[]> history = rows(out.resolve("history.csv"));
        List<String[]> norms = rows(out.resolve("gradnorms.csv"));
        int layers = torch.get(0).length - 4;
        assertEquals(torch.size(), history.size());
        assertEquals(torch.size() * layers, norms.size());
        for (int e = 0; e < torch.size(); e++) {
            String[] t = torch.get(e), h = history.get(e);
            assertEquals(activation, h[0]);
            assertEquals("1", h[1]);
            assertEquals(e, Integer.parseInt(h[2]));
            assertRelative(Double.parseDouble(t[1]), Double.parseDouble(h[3]), 1e-4, "loss at epoch " + e);
            // float32 accuracies from torch differ from the exact fractions in the 8th digit
            assertEquals(Double.parseDouble(t[2]), Double.parseDouble(h[4]), 1e-6, "train accuracy at epoch " + e);
            assertEquals(Double.parseDouble(t[3]), Double.parseDouble(h[5]), 1e-6, "test accuracy at epoch " + e);
            for (int k = 0; k < layers; k++) {
                String[] n = norms.get(e * layers + k);
                assertEquals(activation + ",1," + e + ",hidden" + (k + 1), String.join(",", n[0], n[1], n[2], n[3]));
                assertRelative(Double.parseDouble(t[4 + k]), Double.parseDouble(n[4]), 1e-3, "hidden" + (k + 1) + " norm at epoch " + e);
            }
        }
    }

    @Test
    void sigmoidMatchesPyTorchFromTheSameInitAndData() throws IOException {
        Path out = tmp.resolve("out");
        int code = Cli.run(new gradnorms(), "--init", INIT.toString(), "--train", TRAIN.toString(), "--test", TEST.toString(),
                "--width", "16", "--activation", "sigmoid", "--runs", "1", "--epochs", "100", "--out", out.toString());
        assertEquals(0, code);
        assertMatchesTorch(out, FIXTURES.resolve("deep3x16_seed7_sigmoid_run.csv"), "sigmoid");
        for (String file : List.of("runs.csv", "gradnorms.png", "gradnorms.svg", "first_layer.png", "first_layer.svg", "updates.png", "updates.svg",
                "updates.csv", "units.csv", "answer.md")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        assertEquals("", rows(out.resolve("runs.csv")).get(0)[2], "a run from --init has no seed");
    }

    @Test
    void reluMatchesPyTorchFromTheSameInitAndData() throws IOException {
        Path out = tmp.resolve("out");
        int code = Cli.run(new gradnorms(), "--init", INIT.toString(), "--train", TRAIN.toString(), "--test", TEST.toString(),
                "--width", "16", "--activation", "relu", "--epochs", "100", "--out", out.toString());
        assertEquals(0, code);
        assertMatchesTorch(out, FIXTURES.resolve("deep3x16_seed7_relu_run.csv"), "relu");
    }

    /** The lecture data and torch.manual_seed(0)'s weights for 3 x 264 (the engine owner's fixture). */
    @Test
    void lectureDeepSigmoidSeed0MatchesPyTorch() throws IOException {
        Path out = tmp.resolve("out");
        int code = Cli.run(new gradnorms(), "--seed", "0", "--activation", "sigmoid", "--runs", "1", "--epochs", "100", "--out", out.toString());
        assertEquals(0, code);
        assertMatchesTorch(out, FIXTURES.resolve("torch_run_deep3x264_sigmoid_seed0.csv"), "sigmoid");
    }

    @Test
    void bothActivationsAndRunsGiveTheRatioAndVerdict() throws IOException {
        Path out = tmp.resolve("out");
        int code = Cli.run(new gradnorms(), "--train", TRAIN.toString(), "--test", TEST.toString(), "--width", "8", "--depth", "2",
                "--runs", "2", "--seed", "3", "--epochs", "5", "--out", out.toString());
        assertEquals(0, code);
        List<String[]> runs = rows(out.resolve("runs.csv"));
        assertEquals(List.of("relu,1,3", "sigmoid,1,3", "relu,2,4", "sigmoid,2,4"),
                runs.stream().map(r -> String.join(",", r[0], r[1], r[2])).toList());
        assertEquals(4 * 5 * 2, rows(out.resolve("gradnorms.csv")).size());
        assertEquals(4 * 5, rows(out.resolve("history.csv")).size());
        String answer = Files.readString(out.resolve("answer.md"));
        assertTrue(answer.contains("ratio first/last") && answer.contains("norm(hidden1)/norm(hidden2)"), answer);
    }

    static void assertBadInput(Path out, String expectedInMessage, String... args) {
        ScriptRun result = ScriptRun.of(gradnorms::new, args);
        String err = result.err().strip();
        assertEquals(2, result.code(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("error: ") && err.contains(expectedInMessage), err);
        assertFalse(Files.exists(out), "nothing may be written on bad input");
    }

    @Test
    void badInputNamesTheOptionOrKeyAndWritesNothing() {
        Path out = tmp.resolve("never");
        String o = out.toString();
        assertBadInput(out, "--epochs", "--epochs", "-1", "--out", o);
        assertBadInput(out, "--epochs", "--epochs", "ten", "--out", o);
        assertBadInput(out, "--width", "--width", "0", "--out", o);
        assertBadInput(out, "--lr", "--lr", "NaN", "--out", o);
        assertBadInput(out, "--momentum", "--momentum", "1", "--out", o);
        assertBadInput(out, "--depth", "--depth", "0", "--out", o);
        assertBadInput(out, "--activation must be " + Activation.allowed() + ", got 'swish'", "--activation", "swish", "--out", o);
        assertBadInput(out, "--activations must be " + Activation.allowed() + ", got 'elu'", "--activations", "relu,elu", "--out", o);
        assertBadInput(out, "at most once", "--activations", "relu,relu", "--out", o);
        assertBadInput(out, "--activation and --activations", "--activation", "relu", "--activations", "relu,tanh", "--out", o);
        assertBadInput(out, "--runs", "--runs", "0", "--out", o);
        assertBadInput(out, "--train needs --test", "--train", TRAIN.toString(), "--out", o);
        assertBadInput(out, "--runs must be 1 with --init", "--init", INIT.toString(), "--width", "16", "--runs", "2", "--out", o);
        assertBadInput(out, "--init: key 'hidden1.weight' has shape [16, 2], expected [264, 2]", "--init", INIT.toString(), "--out", o);
        assertBadInput(out, "--init: missing key 'hidden4.weight'", "--init", INIT.toString(), "--width", "16", "--depth", "4", "--out", o);
        assertBadInput(out, "--save-weights", "--save-weights", tmp.resolve("w.txt").toString(), "--out", o);
    }

    @Test
    void anInitWithAMissingOrMisshapenKeyIsRejected() {
        Map<String, INDArray> state = Npz.read(INIT, "test");
        state.remove("latent.bias");
        Path missing = tmp.resolve("missing.npz");
        Npz.write(missing, state);
        Path out = tmp.resolve("never");
        assertBadInput(out, "--init: missing key 'latent.bias'", "--init", missing.toString(), "--width", "16", "--out", out.toString());

        state = Npz.read(INIT, "test");
        state.put("output.weight", state.get("output.weight").reshape(1, 4));
        Path misshapen = tmp.resolve("misshapen.npz");
        Npz.write(misshapen, state);
        assertBadInput(out, "--init: key 'output.weight' has shape [1, 4], expected [2, 2]", "--init", misshapen.toString(),
                "--width", "16", "--out", out.toString());
    }

    /** deep's output read back gives gradnorms exactly what training the same nets gives: the same files, byte for byte. */
    @Test
    void fromDeepGivesTheSameFilesAsTrainingTheSameNets() throws IOException {
        String[] settings = {"--train", TRAIN.toString(), "--test", TEST.toString(), "--width", "8", "--runs", "2", "--seed", "3",
                "--epochs", "6"};
        Path deepOut = tmp.resolve("deep"), read = tmp.resolve("read"), trained = tmp.resolve("trained");
        assertEquals(0, Cli.run(new deep(), concat(settings, "--out", deepOut.toString())));
        assertEquals(0, Cli.run(new gradnorms(), "--from", deepOut.toString(), "--out", read.toString()));
        assertEquals(0, Cli.run(new gradnorms(), concat(settings, "--out", trained.toString())));
        assertEquals(4 * 6 * 3, rows(read.resolve("gradnorms.csv")).size());
        for (String file : List.of("gradnorms.csv", "updates.csv", "units.csv", "history.csv", "runs.csv", "answer.md")) {
            assertEquals(Files.readString(trained.resolve(file)), Files.readString(read.resolve(file)), file);
        }
        for (String file : List.of("gradnorms.csv", "updates.csv", "units.csv")) {
            assertEquals(Files.readString(deepOut.resolve(file)), Files.readString(read.resolve(file)), file);
        }
        for (String file : List.of("gradnorms.png", "gradnorms.svg", "first_layer.png", "first_layer.svg", "updates.png", "updates.svg")) {
            assertTrue(Files.size(read.resolve(file)) > 0, file);
        }
    }

    /** gradnorms --from gets deep's very runs, not trained again, and says so; trained here they are the same runs. */
    @Test
    void fromGivesTheRunsDeepTrainedAndSaysSo() {
        String[] settings = {"--train", TRAIN.toString(), "--test", TEST.toString(), "--width", "6", "--runs", "2", "--epochs", "5"};
        Path deepOut = tmp.resolve("deep");
        DeepResult trained = Cli.parse(new deep(), concat(settings, "--out", deepOut.toString())).run();
        GradnormsResult read = Cli.parse(new gradnorms(), "--from", deepOut.toString(), "--out", tmp.resolve("read").toString()).run();
        assertTrue(read.readFromDeep());
        assertEquals(deepOut, read.from());
        assertEquals(trained.study(), read.study());
        RunFilesTest.assertSameRuns(trained.runs(), read.runs());
        GradnormsResult again = Cli.parse(new gradnorms(), concat(settings, "--out", tmp.resolve("again").toString())).run();
        assertFalse(again.readFromDeep());
        assertEquals(trained.study(), again.study());
        RunFilesTest.assertSameRuns(trained.runs(), again.runs());
        assertEquals(read.verdict(), again.verdict());
    }

    @Test
    void badFromNamesTheProblemAndWritesNothing() throws IOException {
        Path deepOut = tmp.resolve("deep");
        assertEquals(0, Cli.run(new deep(), "--train", TRAIN.toString(), "--test", TEST.toString(), "--width", "4", "--runs", "1", "--epochs", "3",
                "--out", deepOut.toString()));
        Path out = tmp.resolve("never");
        String d = deepOut.toString(), o = out.toString();
        assertBadInput(out, "--from: no folder", "--from", tmp.resolve("nope").toString(), "--out", o);
        assertBadInput(out, "--from reads runs deep trained with its own settings, so it takes no training option; got --epochs, --seed",
                "--from", d, "--epochs", "5", "--seed", "1", "--out", o);
        assertBadInput(out, "is the --out folder; the run would replace what it reads", "--from", d, "--out", d);

        Path broken = tmp.resolve("broken");
        for (String file : RunFiles.FILES) {
            copy(deepOut, broken);
            Files.delete(broken.resolve(file));
            assertBadInput(out, "has no " + file, "--from", broken.toString(), "--out", o);
        }
        copy(deepOut, broken);
        Files.delete(broken.resolve("updates.csv"));
        Files.delete(broken.resolve("units.csv"));
        assertBadInput(out, "has no updates.csv (expected an output folder of a finished deep run: summary.json, runs.csv, history.csv, "
                + "gradnorms.csv, updates.csv, units.csv); written by an older deep? run deep again", "--from", broken.toString(), "--out", o);
        copy(deepOut, broken);
        replaceIn(broken.resolve("history.csv"), "train_acc", "train_accuracy");
        assertBadInput(out, "history.csv has columns 'activation,run,epoch,loss,train_accuracy,test_acc', expected "
                + "'activation,run,epoch,loss,train_acc,test_acc'", "--from", broken.toString(), "--out", o);
        copy(deepOut, broken);
        replaceIn(broken.resolve("gradnorms.csv"), "relu,1,2,hidden3,", "relu,1,2,hidden3,x");
        assertBadInput(out, "gradnorms.csv line 10: norm 'x", "--from", broken.toString(), "--out", o);
        copy(deepOut, broken);
        replaceIn(broken.resolve("summary.json"), "\"depth\": 3", "\"depth\": 4");
        assertBadInput(out, "expected epoch 0 layer hidden4", "--from", broken.toString(), "--out", o);
        copy(deepOut, broken);
        replaceIn(broken.resolve("runs.csv"), "sigmoid,1,0,", "sigmoid,2,1,");
        assertBadInput(out, "sigmoid run 2 is not one of", "--from", broken.toString(), "--out", o);
        copy(deepOut, broken);
        Files.writeString(broken.resolve("history.csv"), String.join("\n", Files.readAllLines(broken.resolve("history.csv")).subList(0, 3)) + "\n");
        assertBadInput(out, "gradnorms.csv has 3 epochs of relu run 1, history.csv 2", "--from", broken.toString(), "--out", o);
    }

    /** Runs that diverged in deep come back as diverged runs: their rows so far, no result, exit 3 as when trained. */
    @Test
    void fromDeepKeepsDivergedRunsAsDiverged() throws IOException {
        Path deepOut = tmp.resolve("deep"), read = tmp.resolve("read");
        ScriptRun trained = ScriptRun.of(deep::new, "--train", TRAIN.toString(), "--test", TEST.toString(), "--width", "8",
                "--runs", "1", "--lr", "1e30", "--epochs", "20", "--out", deepOut.toString());
        assertEquals(3, trained.code(), trained.err());
        String deepError = trained.lastErrLine();
        assertTrue(deepError.startsWith("error: 2 of 2 runs diverged (relu run 1 (seed 0) at epoch 1, sigmoid run 1 (seed 0) at epoch "), deepError);
        ScriptRun result = ScriptRun.of(gradnorms::new, "--from", deepOut.toString(), "--out", read.toString());
        String last = result.lastErrLine();
        assertEquals(3, result.code(), last);
        assertEquals(deepError, last);
        for (String file : List.of("runs.csv", "history.csv", "gradnorms.csv", "updates.csv", "units.csv")) {
            assertEquals(Files.readString(deepOut.resolve(file)), Files.readString(read.resolve(file)), file);
        }
        assertTrue(Files.exists(read.resolve("answer.md")));
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A fresh copy of the files of folder {@code from} in {@code to}. */
    static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var old = Files.list(to)) {
            for (Path f : old.toList()) Files.delete(f);
        }
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
        }
    }

    static void replaceIn(Path file, String what, String with) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(what), file + " contains " + what);
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(what), java.util.regex.Matcher.quoteReplacement(with)));
    }

    @Test
    void aDivergingRunIsReportedAndTheOtherRunsAreKept() throws IOException {
        Path out = tmp.resolve("out");
        ScriptRun result = ScriptRun.of(gradnorms::new, "--train", TRAIN.toString(), "--test", TEST.toString(), "--width", "8",
                "--activation", "relu", "--runs", "2", "--lr", "1e30", "--epochs", "20", "--out", out.toString());
        String err = result.err();
        assertEquals(3, result.code(), err);
        String last = err.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("error: 2 of 2 runs diverged (relu run 1 (seed 0) at epoch 1, relu run 2 (seed 1) at epoch 1)"), last);
        List<String[]> runs = rows(out.resolve("runs.csv"));
        assertEquals(2, runs.size());
        assertEquals("NaN", runs.get(1)[3]);
        List<String[]> history = rows(out.resolve("history.csv"));
        assertTrue(history.stream().anyMatch(r -> r[1].equals("2")), "rows of the second run are kept");
        assertTrue(Files.exists(out.resolve("answer.md")));
    }
}
