import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import cli.Cli;
import data.Npz;
import nn.Activation;
import report.DeepResult;
import study.RunFiles;

/**
 * deep end to end: the loss trajectory against PyTorch 1.13 (tests/fixtures/make_deep_fixtures.py), every output of a
 * comparison of both activations, saved weights, and bad input (nothing written).
 */
class DeepScriptTest {
    static final Path FIXTURES = GradnormsScriptTest.FIXTURES;
    static final String INIT = GradnormsScriptTest.INIT.toString();
    static final String TRAIN = GradnormsScriptTest.TRAIN.toString();
    static final String TEST = GradnormsScriptTest.TEST.toString();

    @TempDir
    Path tmp;

    @Test
    void sigmoidLossMatchesPyTorchFromTheSameInitAndData() throws IOException {
        Path out = tmp.resolve("out");
        int code = Cli.run(new deep(), "--init", INIT, "--train", TRAIN, "--test", TEST, "--width", "16", "--activation", "sigmoid",
                "--runs", "1", "--epochs", "100", "--out", out.toString());
        assertEquals(0, code);
        List<String[]> torch = GradnormsScriptTest.rows(FIXTURES.resolve("deep3x16_seed7_sigmoid_run.csv"));
        List<String[]> history = GradnormsScriptTest.rows(out.resolve("history.csv"));
        assertEquals(torch.size(), history.size());
        for (int e = 0; e < torch.size(); e++) {
            assertEquals("sigmoid,1," + e, String.join(",", history.get(e)[0], history.get(e)[1], history.get(e)[2]));
            GradnormsScriptTest.assertRelative(Double.parseDouble(torch.get(e)[1]), Double.parseDouble(history.get(e)[3]), 1e-4,
                    "loss at epoch " + e);
        }
    }

    @Test
    void comparesBothActivationsOverPairedRuns() throws IOException {
        Path out = tmp.resolve("out");
        int code = Cli.run(new deep(), "--train", TRAIN, "--test", TEST, "--width", "8", "--runs", "2", "--seed", "5", "--epochs", "4",
                "--out", out.toString());
        assertEquals(0, code);
        List<String[]> runs = GradnormsScriptTest.rows(out.resolve("runs.csv"));
        assertEquals(List.of("relu,1,5", "sigmoid,1,5", "relu,2,6", "sigmoid,2,6"),
                runs.stream().map(r -> String.join(",", r[0], r[1], r[2])).toList());
        assertEquals("activation,run,epoch,loss,train_acc,test_acc", Files.readAllLines(out.resolve("history.csv")).get(0));
        assertEquals(4 * 4, GradnormsScriptTest.rows(out.resolve("history.csv")).size());
        List<String[]> norms = GradnormsScriptTest.rows(out.resolve("gradnorms.csv"));
        assertEquals("activation,run,epoch,layer,norm", Files.readAllLines(out.resolve("gradnorms.csv")).get(0));
        assertEquals(4 * 4 * 3, norms.size());
        assertEquals("sigmoid,2,3,hidden3", String.join(",", java.util.Arrays.copyOf(norms.get(norms.size() - 1), 4)));
        assertEquals("activation,run,epoch,layer,update_norm,weight_norm,update_ratio", Files.readAllLines(out.resolve("updates.csv")).get(0));
        assertEquals("activation,run,epoch,layer,dead_fraction,saturated_fraction", Files.readAllLines(out.resolve("units.csv")).get(0));
        List<String[]> updates = GradnormsScriptTest.rows(out.resolve("updates.csv")), units = GradnormsScriptTest.rows(out.resolve("units.csv"));
        assertEquals(4 * 4 * 3, updates.size());
        assertEquals(4 * 4 * 3, units.size());
        for (int i = 0; i < norms.size(); i++) {   // the rows of gradnorms.csv: same runs, epochs and layers in the same order
            String where = String.join(",", java.util.Arrays.copyOf(norms.get(i), 4));
            assertEquals(where, String.join(",", java.util.Arrays.copyOf(updates.get(i), 4)));
            assertEquals(where, String.join(",", java.util.Arrays.copyOf(units.get(i), 4)));
            String[] u = updates.get(i);
            assertEquals(Double.parseDouble(u[4]) / Double.parseDouble(u[5]), Double.parseDouble(u[6]), 1e-15 * Double.parseDouble(u[6]), where);
            // the measure that does not apply to the activation is an empty cell
            boolean relu = units.get(i)[0].equals("relu");
            assertTrue(relu ? !units.get(i)[4].isEmpty() && units.get(i)[5].isEmpty() : units.get(i)[4].isEmpty() && !units.get(i)[5].isEmpty(), where);
        }
        for (String file : List.of("loss", "accuracy", "boundaries", "units", "latent_relu_run1", "latent_sigmoid_run2")) {
            assertTrue(Files.size(out.resolve(file + ".png")) > 0 && Files.size(out.resolve(file + ".svg")) > 0, file);
        }
        String answer = Files.readString(out.resolve("answer.md"));
        assertTrue(answer.contains("paired runs") && answer.contains("Why:") && answer.contains("0.25"), answer);
        String json = Files.readString(out.resolve("summary.json"));
        assertTrue(json.contains("\"relu\"") && json.contains("\"sigmoid\"") && json.contains("\"test_acc\""), json);
        assertTrue(json.contains("\"data\": \"150 train points from " + TRAIN.replace("\\", "\\\\")), json);
    }

    /** The step run in-process gives its typed result: the study, its runs as written, and every file it wrote. */
    @Test
    void runReturnsWhatItFoundAndWrote() throws IOException {
        Path out = tmp.resolve("out");
        DeepResult result = Cli.parse(new deep(), "--train", TRAIN, "--test", TEST, "--width", "8", "--runs", "2", "--epochs", "4",
                "--out", out.toString()).run();
        assertEquals("deep", result.step());
        assertEquals(out, result.dir());
        List<String> figures = List.of("boundaries", "units", "latent_relu_run1", "latent_sigmoid_run1", "latent_relu_run2", "latent_sigmoid_run2",
                "accuracy", "loss");
        var expected = new java.util.ArrayList<String>();
        for (String type : List.of(".png", ".svg")) figures.forEach(f -> expected.add(f + type));
        expected.addAll(List.of("runs.csv", "history.csv", "gradnorms.csv", "updates.csv", "units.csv", "answer.md", "summary.json"));
        assertEquals(expected, result.files().stream().map(f -> f.getFileName().toString()).toList());
        for (Path file : result.files()) assertTrue(Files.size(file) > 0, file.toString());
        assertEquals(result.answerMd(), Files.readString(out.resolve("answer.md")));
        RunFiles.Recorded written = RunFiles.read(out, "test");
        assertEquals(result.study(), written.study());
        RunFilesTest.assertSameRuns(result.runs(), written.runs());
        assertEquals(List.of(Activation.RELU, Activation.SIGMOID), List.copyOf(result.numbers().summaries().keySet()));
    }

    /** Nets trained side by side on threads give the numbers each gives alone, and the files keep the plan's order. */
    @Test
    void jobsDoNotChangeTheNumbers() throws IOException {
        String[] settings = {"--train", TRAIN, "--test", TEST, "--width", "8", "--runs", "3", "--epochs", "5"};
        Path one = tmp.resolve("one"), three = tmp.resolve("three");
        assertEquals(0, Cli.run(new deep(), GradnormsScriptTest.concat(settings, "--jobs", "1", "--out", one.toString())));
        assertEquals(0, Cli.run(new deep(), GradnormsScriptTest.concat(settings, "--jobs", "3", "--out", three.toString())));
        for (String file : List.of("runs.csv", "history.csv", "gradnorms.csv", "updates.csv", "units.csv", "summary.json", "answer.md")) {
            assertEquals(Files.readString(one.resolve(file)), Files.readString(three.resolve(file)), file);
        }
    }

    /** A bug in one net's work ends the training with that very exception; the nets beside it stop too. */
    @Test
    void aFailingNetEndsTheTrainingWithItsOwnException() {
        var step = new deep();
        new picocli.CommandLine(step).parseArgs("--train", TRAIN, "--test", TEST, "--width", "4", "--runs", "2", "--epochs", "50",
                "--jobs", "2", "--out", tmp.resolve("out").toString());
        var trainer = step.options.trainer(3);
        var seen = new java.util.ArrayList<Integer>();
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> trainer.train("test",
                (run, net) -> {
                    if (run.activation() == Activation.RELU && run.run() == 1) throw new IllegalStateException("boom");
                }, soFar -> seen.add(soFar.size())));
        assertEquals("boom", e.getMessage());
        assertEquals(List.of(), seen, "no run after the failing first one was handed on");
    }

    @Test
    void savesTheTrainedWeightsAsAStateDict() {
        Path one = tmp.resolve("w.npz");
        assertEquals(0, Cli.run(new deep(), "--init", INIT, "--train", TRAIN, "--test", TEST, "--width", "16", "--activation", "relu",
                "--epochs", "2", "--save-weights", one.toString(), "--out", tmp.resolve("a").toString()));
        Map<String, INDArray> state = Npz.read(one, "test");
        assertEquals(List.of(16L, 16L), List.of(state.get("hidden3.weight").shape()[0], state.get("hidden3.weight").shape()[1]));
        assertEquals(10, state.size());

        Path many = tmp.resolve("m.npz");
        assertEquals(0, Cli.run(new deep(), "--train", TRAIN, "--test", TEST, "--width", "4", "--runs", "2", "--epochs", "2",
                "--save-weights", many.toString(), "--out", tmp.resolve("b").toString()));
        for (String name : List.of("m_relu_run1.npz", "m_sigmoid_run1.npz", "m_relu_run2.npz", "m_sigmoid_run2.npz")) {
            assertTrue(Files.exists(tmp.resolve(name)), name);
        }
        assertFalse(Files.exists(many));
    }

    @Test
    void badInputNamesTheOptionAndWritesNothing() {
        Path out = tmp.resolve("never");
        String o = out.toString();
        for (String[] c : new String[][] {
                {"--depth", "--depth", "0"},
                {"--width", "--width", "-5"},
                {"--width", "--width", "x"},
                {"--epochs", "--epochs", "-1"},
                {"--seed", "--seed", "-1"},
                {"--jobs must be an integer from 1 to 256, got 0", "--jobs", "0"},
                {"--test needs --train", "--test", TEST},
                {"nope.npz: no such file", "--init", tmp.resolve("nope.npz").toString()},
                {"--runs must be 1 with --init", "--init", INIT, "--width", "16", "--runs", "3"},
                {"--save-weights", "--save-weights", tmp.resolve("no-such-dir").resolve("w.npz").toString()},
        }) {
            String[] args = new String[c.length + 1];
            System.arraycopy(c, 1, args, 0, c.length - 1);
            args[c.length - 1] = "--out";
            args[c.length] = o;
            ScriptRun result = ScriptRun.of(deep::new, args);
            String err = result.err().strip();
            assertEquals(2, result.code(), String.join(" ", args) + ": " + err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("error: ") && err.contains(c[0]), err);
            assertFalse(Files.exists(out), "nothing may be written on bad input: " + String.join(" ", args));
        }
    }
}
