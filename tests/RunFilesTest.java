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
import cli.Cli;
import io.BadInputException;
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
            norms[e] = new double[] {Double.MIN_VALUE * (e + 1), 0.0, Math.PI * Math.pow(10, -e - 300), e == 1 ? Double.MAX_VALUE : 1e300};
        }
        return new Run(a, run, seed, rows, List.of("hidden1", "hidden2", "hidden3", "hidden4"), measured(a, norms), result,
                diverged, Double.NaN);
    }

    /** Every per-layer quantity as deep records it (finite; dead units ReLU's, saturated outputs Sigmoid's), the norms given. */
    static Map<String, double[][]> measured(Activation a, double[][] norms) {
        var perLayer = new java.util.LinkedHashMap<String, double[][]>();
        perLayer.put(Run.GRAD_NORM, norms);
        for (String q : List.of(Run.UPDATE_NORM, Run.WEIGHT_NORM, Run.UPDATE_RATIO, Run.DEAD_FRACTION, Run.SATURATED_FRACTION)) {
            boolean applies = !q.equals(Run.DEAD_FRACTION) && !q.equals(Run.SATURATED_FRACTION)
                    || q.equals(Run.DEAD_FRACTION) == (a == Activation.RELU) && a != Activation.TANH;
            double[][] table = new double[norms.length][4];
            for (double[] row : table) java.util.Arrays.fill(row, applies ? 0.25 : Double.NaN);
            perLayer.put(q, table);
        }
        return perLayer;
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

    /**
     * A run with every per-layer quantity (updates and units with awkward numbers); the measure that does not apply to
     * the activation is NaN, as nn.Training records it, and tanh has neither.
     */
    static Run withUpdatesAndUnits(Activation a, int run, Long seed, int epochs) {
        Run base = run(a, run, seed, epochs, new Run.Result(0.25, 0.5, 0.75), null);
        var perLayer = new java.util.LinkedHashMap<String, double[][]>(base.perLayer());
        int layers = base.layers().size();
        for (String quantity : List.of(Run.UPDATE_NORM, Run.WEIGHT_NORM, Run.UPDATE_RATIO, Run.DEAD_FRACTION, Run.SATURATED_FRACTION)) {
            double[][] table = new double[epochs][layers];
            for (int e = 0; e < epochs; e++) {
                for (int k = 0; k < layers; k++) table[e][k] = (e + 1) * (k + 2) / 7.0 * Math.pow(10, -3 * k) + Math.ulp(1.0) * e;
            }
            perLayer.put(quantity, table);
        }
        for (double[] row : perLayer.get(Run.UPDATE_NORM)) row[layers - 1] = 0.0;   // a layer that did not move
        for (double[] row : perLayer.get(Run.DEAD_FRACTION)) if (a != Activation.RELU) java.util.Arrays.fill(row, Double.NaN);
        for (double[] row : perLayer.get(Run.SATURATED_FRACTION)) if (a != Activation.SIGMOID) java.util.Arrays.fill(row, Double.NaN);
        return new Run(a, run, seed, base.epochs(), base.layers(), perLayer, base.result(), null, Double.NaN);
    }

    /** updates.csv and units.csv come back bit for bit, for ReLU, Sigmoid and Tanh runs; a measure that does not apply is empty. */
    @Test
    void updatesAndUnitsComeBackBitForBitWithEmptyCellsWhereAMeasureDoesNotApply() throws IOException {
        var study = new Study(4, 7, List.of(Activation.RELU, Activation.SIGMOID, Activation.TANH), 1, 8L, 3, 0.01, 0.9, "x");
        List<Run> runs = List.of(withUpdatesAndUnits(Activation.RELU, 1, 8L, 3), withUpdatesAndUnits(Activation.SIGMOID, 1, 8L, 3),
                withUpdatesAndUnits(Activation.TANH, 1, 8L, 3));
        RunFiles.writeRuns(tmp, runs);
        RunFiles.writeSummary(tmp, study, runs);
        assertEquals(List.of("runs.csv", "history.csv", "gradnorms.csv", "updates.csv", "units.csv"),
                RunFiles.csvFiles(tmp).stream().map(f -> f.getFileName().toString()).toList());
        List<String> units = Files.readAllLines(tmp.resolve("units.csv"));
        assertEquals("activation,run,epoch,layer,dead_fraction,saturated_fraction", units.get(0));
        assertEquals("relu,1,0,hidden1,0.2857142857142857,", units.get(1));
        assertEquals("sigmoid,1,0,hidden1,,0.2857142857142857", units.get(1 + 3 * 4));
        assertEquals("tanh,1,0,hidden1,,", units.get(1 + 6 * 4));
        List<String> updates = Files.readAllLines(tmp.resolve("updates.csv"));
        assertEquals("activation,run,epoch,layer,update_norm,weight_norm,update_ratio", updates.get(0));
        assertTrue(updates.get(4).startsWith("relu,1,0,hidden4,0.0,"), updates.get(4));
        assertTrue(updates.stream().allMatch(line -> line.split(",", -1).length == 7 && !line.contains(",,") && !line.endsWith(",")), "no empty cell");
        RunFiles.Recorded read = RunFiles.read(tmp, "--from");
        assertEquals(study, read.study());
        assertSameRuns(runs, read.runs());
        for (RunFiles.LayerFile file : RunFiles.LAYER_FILES) assertEquals(RunFiles.layerCsv(file, runs), RunFiles.layerCsv(file, read.runs()), file.name());

        Files.writeString(tmp.resolve("updates.csv"), Files.readString(tmp.resolve("updates.csv")).replace("sigmoid,1,2,hidden3,", "sigmoid,1,2,hidden3,x"));
        var e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"));
        assertTrue(e.getMessage().startsWith("--from: " + tmp.resolve("updates.csv") + " line 24: update_norm 'x"), e.getMessage());
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

    /**
     * Strict numbers: what deep writes and nothing else. NaN or infinite where a finite number is required, Java's own
     * syntaxes (0x1p-1, 1.5d, 2f), non-ASCII digits, shares beyond [0, 1] and integers beyond int: one line naming the
     * file, the line, the column and the value.
     */
    @Test
    void numbersAreReadStrictly() throws IOException {
        var study = new Study(4, 3, List.of(Activation.RELU), 1, 0L, 5, 0.01, 0.9, "x");
        List<Run> runs = List.of(run(Activation.RELU, 1, 0L, 5, new Run.Result(0.25, 1, 1), null));
        var cases = Map.of(
                "gradnorms.csv", List.of("NaN", "Infinity", "-1.0", "0x1p-1", "1.5d", "2f", "1e999", " "),
                "history.csv", List.of("NaN", "1.5", "-0.5", "0x1p-1"),
                "runs.csv", List.of("NaN", "2f", "1.01"));
        for (var c : cases.entrySet()) {
            for (String bad : c.getValue()) {
                RunFiles.writeRuns(tmp, runs);
                RunFiles.writeSummary(tmp, study, runs);
                Path file = tmp.resolve(c.getKey());
                List<String> lines = new ArrayList<>(Files.readAllLines(file));
                String[] cells = lines.get(1).split(",", -1);
                int column = c.getKey().equals("gradnorms.csv") ? 4 : 4;   // norm; train_acc
                cells[column] = bad;
                lines.set(1, String.join(",", cells));
                Files.write(file, lines);
                var e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"), c.getKey() + " " + bad);
                assertTrue(e.getMessage().startsWith("--from: " + file + " line 2: ") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
            }
        }
        RunFiles.writeRuns(tmp, runs);
        Files.writeString(tmp.resolve("history.csv"), Files.readString(tmp.resolve("history.csv")).replace("relu,1,0,", "relu,4294967297,0,"));
        var e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"));
        assertTrue(e.getMessage().contains("run '4294967297' is not a whole number from 1 to 2147483647"), e.getMessage());
        RunFiles.writeRuns(tmp, runs);
        Files.writeString(tmp.resolve("history.csv"), Files.readString(tmp.resolve("history.csv")).replace("relu,1,0,", "relu,\u0661,0,"));
        e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"));
        assertTrue(e.getMessage().contains("is not a whole number"), e.getMessage());
        RunFiles.writeRuns(tmp, runs);
        Files.writeString(tmp.resolve("summary.json"), Files.readString(tmp.resolve("summary.json")).replaceFirst("\"lr\": [^,]*,", "\"lr\": 1e999,"));
        e = assertThrows(BadInputException.class, () -> RunFiles.read(tmp, "--from"));
        assertTrue(e.getMessage().contains("key 'lr' must be a finite number"), e.getMessage());
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
