import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import cli.BadInputException;
import cli.Cli;
import nn.Activation;
import nn.Training;
import study.Run;
import study.RunFiles;
import study.Study;

/**
 * The study's file format: what {@link RunFiles} writes it reads back bit for bit (hand-made runs with awkward numbers,
 * a diverged run, --init runs without a seed, and trained nets), and summary.json holds the numbers the report uses.
 */
class RunFilesTest {
    @TempDir
    Path tmp;

    /** Every component of every run, doubles compared by their bits (so NaN, -0.0 and the last digit count). */
    static void assertSameRuns(List<Run> expected, List<Run> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Run e = expected.get(i), a = actual.get(i);
            String what = e.label();
            assertEquals(List.of(e.activation(), e.run(), String.valueOf(e.seed()), e.layers(), e.perLayer().keySet(), e.finished()),
                    List.of(a.activation(), a.run(), String.valueOf(a.seed()), a.layers(), a.perLayer().keySet(), a.finished()), what);
            assertEquals(e.epochs(), a.epochs(), what);   // records compare their doubles with Double.compare: bit for bit
            assertEquals(e.result(), a.result(), what);
            for (String key : e.perLayer().keySet()) {
                double[][] x = e.perLayer().get(key), y = a.perLayer().get(key);
                assertEquals(x.length, y.length, what + " " + key);
                for (int k = 0; k < x.length; k++) {
                    assertArrayEquals(bits(x[k]), bits(y[k]), what + " " + key + " epoch " + k);
                }
            }
        }
    }

    static long[] bits(double[] values) {
        return java.util.Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    static Run run(Activation a, int run, Long seed, int epochs, Run.Result result, String diverged) {
        var rows = new ArrayList<Training.Epoch>();
        double[][] norms = new double[epochs][];
        for (int e = 0; e < epochs; e++) {
            rows.add(new Training.Epoch(e, 0.1 + 1.0 / 3 + e * Math.ulp(1.0), e / 7.0, e == 0 ? Double.NaN : 1 - e / 9.0));
            norms[e] = new double[] {Double.MIN_VALUE * (e + 1), 0.0, Math.PI * Math.pow(10, -e - 300), e == 1 ? Double.POSITIVE_INFINITY : 1e300};
        }
        return new Run(a, run, seed, rows, List.of("hidden1", "hidden2", "hidden3", "hidden4"), Map.of(Run.GRAD_NORM, norms), result,
                diverged, Double.NaN);
    }

    @Test
    void handMadeRunsComeBackBitForBit() {
        var study = new Study(4, 7, List.of(Activation.RELU, Activation.SIGMOID), 2, 41L, 5, 0.1 + 0.2, 1 - 1e-12,
                "data \"quoted\", with a comma, a backslash \\ and a tab\t");
        List<Run> runs = List.of(
                run(Activation.RELU, 1, 41L, 5, new Run.Result(0.1 + 0.7, 2.0 / 3, 0.995), null),
                run(Activation.SIGMOID, 1, 41L, 5, new Run.Result(Math.nextUp(0.5), 0.5, 0.5), null),
                run(Activation.RELU, 2, 42L, 2, null, "relu run 2/2 (seed 42) diverged at epoch 2: loss is NaN (try a smaller --lr)"),
                run(Activation.SIGMOID, 2, 42L, 0, null, "sigmoid run 2/2 (seed 42) diverged at epoch 0: loss is Infinity"));
        RunFiles.writeRuns(tmp, runs);
        RunFiles.writeSummary(tmp, study, runs);
        RunFiles.Recorded read = RunFiles.read(tmp, "--from");
        assertEquals(study, read.study());
        assertSameRuns(runs, read.runs());
        assertEquals("diverged in deep after 2 epochs (runs.csv has no result)", read.runs().get(2).diverged());
        // and what was read writes the same files again
        assertEquals(RunFiles.runsCsv(runs), RunFiles.runsCsv(read.runs()));
        assertEquals(RunFiles.historyCsv(runs), RunFiles.historyCsv(read.runs()));
        assertEquals(RunFiles.layerCsv(RunFiles.GRAD_NORMS, runs), RunFiles.layerCsv(RunFiles.GRAD_NORMS, read.runs()));
        assertEquals(RunFiles.summaryJson(study, runs), RunFiles.summaryJson(read.study(), read.runs()));
    }

    @Test
    void runsFromInitWeightsHaveNoSeed() throws IOException {
        var study = new Study(4, 3, List.of(Activation.SIGMOID), 1, null, 3, 0.01, 0.9, "x");
        List<Run> runs = List.of(run(Activation.SIGMOID, 1, null, 3, new Run.Result(0.25, 1, 1), null));
        RunFiles.writeRuns(tmp, runs);
        RunFiles.writeSummary(tmp, study, runs);
        assertTrue(Files.readString(tmp.resolve("runs.csv")).startsWith("activation,run,seed,final_loss,train_acc,test_acc\nsigmoid,1,,0.25,"));
        RunFiles.Recorded read = RunFiles.read(tmp, "--from");
        assertEquals(study, read.study());
        assertSameRuns(runs, read.runs());
        assertTrue(read.study().describe().contains("1 run each (from --init weights)"), read.study().describe());
    }

    /** Nets trained as deep trains them (seeds 3, 4) are read back as the very same runs. */
    @Test
    void trainedNetsComeBackBitForBit() {
        var trainer = Cli.parse(new deep(), "--train", GradnormsScriptTest.TRAIN.toString(), "--test", GradnormsScriptTest.TEST.toString(),
                "--width", "6", "--runs", "2", "--seed", "3", "--epochs", "7", "--jobs", "2").options.trainer(3);
        List<Run> runs = trainer.train("test", (run, net) -> {}, soFar -> {});
        RunFiles.writeRuns(tmp, runs);
        RunFiles.writeSummary(tmp, trainer.study(), runs);
        RunFiles.Recorded read = RunFiles.read(tmp, "--from");
        assertEquals(trainer.study(), read.study());
        assertSameRuns(runs, read.runs());
    }

    /** summary.json: the settings and, per activation, the numbers report.md shows (JSON has no NaN: null instead). */
    @Test
    void summaryHoldsTheSettingsAndEachActivationsNumbers() throws IOException {
        var study = DeepResultTest.study(2, Activation.RELU, Activation.SIGMOID);
        List<Run> runs = List.of(DeepResultTest.finished(Activation.RELU, 1, 0.98, 1e-2, 1e-2, 1e-2),
                DeepResultTest.finished(Activation.SIGMOID, 1, 0.5, 1e-5, 1e-4, 1e-3),
                DeepResultTest.diverged(Activation.RELU, 2, 3), DeepResultTest.diverged(Activation.SIGMOID, 2, 0));
        RunFiles.writeSummary(tmp, study, runs);
        String text = Files.readString(tmp.resolve("summary.json"));
        assertTrue(text.contains("\n  \"depth\": 3,\n"), text);
        JsonNode json = new ObjectMapper().readTree(text);
        assertEquals(0.55, json.get("chance_threshold").asDouble());
        assertEquals("hand-made data", json.get("data").asText());
        JsonNode sigmoid = json.get("activations").get("sigmoid");
        assertEquals(List.of(2, 1, 1), List.of(sigmoid.get("runs").asInt(), sigmoid.get("diverged").asInt(), sigmoid.get("at_chance").asInt()));
        assertEquals(0.5, sigmoid.get("test_acc").get("mean").asDouble());
        assertEquals(0.0, sigmoid.get("test_acc").get("std").asDouble());
        assertEquals(0.45, sigmoid.get("final_loss").get("mean").asDouble(), 1e-15);
        assertEquals(1e-5, sigmoid.get("median_first_layer_grad_norm").asDouble(), 1e-20);
        assertEquals(List.of("relu", "sigmoid"), iterable(json.get("activations").fieldNames()));
        JsonNode last = json.get("per_run").get(3);
        assertTrue(last.get("diverged").asBoolean() && last.get("test_acc").isNull() && last.get("seed").asLong() == 1, last.toString());

        var noneFinished = List.of(DeepResultTest.diverged(Activation.RELU, 1, 0), DeepResultTest.diverged(Activation.SIGMOID, 1, 0));
        RunFiles.writeSummary(tmp, DeepResultTest.study(1, Activation.RELU, Activation.SIGMOID), noneFinished);
        JsonNode empty = new ObjectMapper().readTree(tmp.resolve("summary.json").toFile()).get("activations").get("relu").get("test_acc");
        assertTrue(empty.get("mean").isNull() && empty.get("n").asInt() == 0, empty.toString());
    }

    static List<String> iterable(java.util.Iterator<String> names) {
        var list = new ArrayList<String>();
        names.forEachRemaining(list::add);
        return list;
    }

    /** A folder whose files disagree with each other is one line naming the file and line. */
    @Test
    void inconsistentFilesAreOneLineNamingTheFileAndLine() throws IOException {
        var study = DeepResultTest.study(1, Activation.RELU);
        List<Run> runs = List.of(DeepResultTest.finished(Activation.RELU, 1, 0.98, 1e-2, 1e-2, 1e-2));
        RunFiles.writeRuns(tmp, runs);
        RunFiles.writeSummary(tmp, study, runs);
        Files.writeString(tmp.resolve("runs.csv"), Files.readString(tmp.resolve("runs.csv")).replace("relu,1,0,", "relu,1,5,"));
        var e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"));
        assertEquals("--from: " + tmp.resolve("runs.csv") + " line 2: seed 5, but summary.json's seed 0 gives 0 for run 1", e.getMessage());

        RunFiles.writeRuns(tmp, runs);
        Files.writeString(tmp.resolve("history.csv"), Files.readString(tmp.resolve("history.csv")).replace("relu,1,3,", "relu,1,4,"));
        e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"));
        assertEquals("--from: " + tmp.resolve("history.csv") + " line 5: epoch 4, expected 3 (each run's epochs in order from 0)", e.getMessage());

        RunFiles.writeRuns(tmp, runs);
        Files.writeString(tmp.resolve("summary.json"), "[1, 2]");
        e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"));
        assertEquals("--from: " + tmp.resolve("summary.json") + " must hold a JSON object", e.getMessage());
    }
}
