import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import cli.Cli;
import nn.Activation;
import plot.Charts;
import report.DeepResult;
import study.DeepNumbers;

/**
 * updates.csv and units.csv of deep and gradnorms against PyTorch 1.13: from the same initial weights and data, 100
 * epochs of every hidden layer's update norm ||W_after - W_before||, weight norm ||W_before|| and their ratio within 1e-3
 * relative, and the shares of dead ReLU units and saturated sigmoid outputs as PyTorch counts them (the measure that
 * does not apply to the activation an empty cell). Fixtures: make_diagnostics_fixtures.py (3 x 264, PyTorch's default
 * weights of seed 3) and make_units_fixtures.py (3 x 64, seed 11's weights times 8: sigmoids that saturate).
 */
class UpdatesAndUnitsTest {
    static final Path FIXTURES = GradnormsScriptTest.FIXTURES;
    static final String TRAIN = GradnormsScriptTest.TRAIN.toString(), TEST = GradnormsScriptTest.TEST.toString();
    static final String DIAG_INIT = FIXTURES.resolve("diag3x264_seed3_init.npz").toString();
    static final String SATURATING_INIT = FIXTURES.resolve("units3x64_seed11_x8_init.npz").toString();
    /** A share counts (points x) units, each of which PyTorch's float32 mean rounds by less than this. */
    static final double SHARE_TOLERANCE = 1e-6;

    @TempDir
    Path tmp;

    /**
     * Compares updates.csv and units.csv of run 1 of {@code activation} in {@code out} with a PyTorch CSV
     * {@code epoch,layer,update_norm,weight_norm,update_ratio,dead_fraction,saturated_fraction}.
     */
    static void assertFollowsPyTorch(Path out, Path torchCsv, String activation) throws IOException {
        List<String[]> torch = GradnormsScriptTest.rows(torchCsv);
        List<String[]> updates = GradnormsScriptTest.rows(out.resolve("updates.csv"));
        List<String[]> units = GradnormsScriptTest.rows(out.resolve("units.csv"));
        assertEquals(torch.size(), updates.size());
        assertEquals(torch.size(), units.size());
        int dead = activation.equals("relu") ? 4 : 5, other = 9 - dead;   // the units.csv column that applies, and the empty one
        double worst = 0;
        for (int i = 0; i < torch.size(); i++) {
            String[] t = torch.get(i), u = updates.get(i), n = units.get(i);
            String where = activation + " epoch " + t[0] + " " + t[1];
            assertEquals(activation + ",1," + t[0] + "," + t[1], String.join(",", u[0], u[1], u[2], u[3]), where);
            assertEquals(activation + ",1," + t[0] + "," + t[1], String.join(",", n[0], n[1], n[2], n[3]), where);
            for (int c = 2; c <= 4; c++) {
                double expected = Double.parseDouble(t[c]), actual = Double.parseDouble(u[c + 2]);
                GradnormsScriptTest.assertRelative(expected, actual, 1e-3, where + " " + List.of("update_norm", "weight_norm", "update_ratio").get(c - 2));
                worst = Math.max(worst, Math.abs(actual - expected) / expected);
            }
            assertEquals(Double.parseDouble(t[dead + 1]), Double.parseDouble(n[dead]), SHARE_TOLERANCE, where + " " + (dead == 4 ? "dead" : "saturated") + " share");
            assertEquals("", n[other], where + ": the measure that does not apply is empty");
        }
        System.out.printf("%s: worst relative difference of updates.csv to PyTorch %.2e%n", torchCsv.getFileName(), worst);
    }

    static Path run(Path out, Supplier<? extends Callable<Integer>> script, String... args) {
        String[] all = GradnormsScriptTest.concat(args, "--train", TRAIN, "--test", TEST, "--epochs", "100", "--out", out.toString());
        ScriptRun result = ScriptRun.of(script, all);
        assertEquals(0, result.code(), result.err());
        return out;
    }

    @Test
    void sigmoidFollowsPyTorch() throws IOException {
        Path fromGradnorms = run(tmp.resolve("g"), gradnorms::new, "--activation", "sigmoid", "--init", DIAG_INIT);
        assertFollowsPyTorch(fromGradnorms, FIXTURES.resolve("diag3x264_seed3_sigmoid_run.csv"), "sigmoid");
        Path fromDeep = run(tmp.resolve("d"), deep::new, "--activation", "sigmoid", "--init", DIAG_INIT);
        for (String file : List.of("updates.csv", "units.csv")) {
            assertEquals(Files.readString(fromGradnorms.resolve(file)), Files.readString(fromDeep.resolve(file)), file);
        }
    }

    @Test
    void reluFollowsPyTorch() throws IOException {
        assertFollowsPyTorch(run(tmp.resolve("d"), deep::new, "--activation", "relu", "--init", DIAG_INIT),
                FIXTURES.resolve("diag3x264_seed3_relu_run.csv"), "relu");
        assertFollowsPyTorch(run(tmp.resolve("g"), gradnorms::new, "--activation", "relu", "--init", DIAG_INIT),
                FIXTURES.resolve("diag3x264_seed3_relu_run.csv"), "relu");
    }

    /** PyTorch's default weights keep every sigmoid of diag3x264 in the middle; these saturate 32%, 13% and 7% of the outputs. */
    @Test
    void saturatedSigmoidsFollowPyTorch() throws IOException {
        Path out = run(tmp.resolve("g"), gradnorms::new, "--activation", "sigmoid", "--init", SATURATING_INIT, "--width", "64", "--lr", "0.05",
                "--momentum", "0.9");
        Path torch = FIXTURES.resolve("units3x64_seed11_x8_sigmoid_run.csv");
        assertTrue(GradnormsScriptTest.rows(torch).stream().allMatch(r -> Double.parseDouble(r[6]) > 0.05), "the fixture's sigmoids saturate");
        assertFollowsPyTorch(out, torch, "sigmoid");
    }

    /** The 1e-3 line of the updates figure: dashed, across the x range, named in the legend (shown even for one layer). */
    @Test
    void theRuleOfThumbIsALabelledDashedLine() {
        XYChart chart = Charts.lines("update:weight", "epoch", "ratio (log)", List.of(new Charts.Line("hidden1", new double[] {0, 1, 2},
                new double[] {1e-7, 1e-6, 1e-5})), Charts.Scale.LOG);
        assertFalse(chart.getStyler().isLegendVisible());
        Charts.referenceLine(chart, 1e-3, "rule of thumb 1e-3");
        XYSeries line = chart.getSeriesMap().get("rule of thumb 1e-3");
        assertArrayEquals(new double[] {0, 2}, line.getXData());
        assertArrayEquals(new double[] {1e-3, 1e-3}, line.getYData());
        assertTrue(line.isShowInLegend() && chart.getStyler().isLegendVisible());
        assertNotNull(line.getLineStyle().getDashArray());
    }

    /**
     * Seed 5's ReLU net on the lecture data is stuck at chance: from epoch 15 on no gradient reaches a hidden layer,
     * while no hidden layer is all dead. deep's answer says so, from units.csv and gradnorms.csv, and draws that net's
     * latent space, where every point sits at negative latent values.
     */
    @Test
    void aStuckReluRunIsExplainedByItsUnits() throws IOException {
        Path out = tmp.resolve("d");
        DeepResult result = Cli.parse(new deep(), "--seed", "5", "--runs", "1", "--epochs", "30", "--out", out.toString()).run();
        DeepNumbers.UnitShares relu = result.numbers().units().get(Activation.RELU);
        assertEquals(1, relu.atChance());
        DeepNumbers.Stuck stuck = relu.stuck().get(0);
        assertEquals(List.of(-1, -1, 15), List.of(stuck.deadLayer(), stuck.deadFrom(), stuck.noGradientFrom()));
        String answer = result.answer();
        assertTrue(answer.contains("At chance: ReLU run 1 (seed 5): from epoch 15 on, no gradient reached any hidden layer (every norm exactly 0), "
                + "although no hidden layer had died (in the last epoch "), answer);
        assertTrue(answer.contains("so the gradient was cut above them, at the latent layer's 2 ReLUs, off for every point; after training 2 of "
                + "its 2 latent ReLUs were dead."), answer);
        assertEquals(1.0, relu.latentAtChance());
        assertTrue(answer.contains(" Dead ReLU units (units.csv: a unit is dead when its output is 0 for every training point; the hidden layers in "
                + "the last epoch, the 2-unit latent layer after training), median over the 1 run at chance: hidden1 "), answer);
        assertTrue(answer.contains(" Saturated sigmoid outputs (units.csv: (point, unit) pairs with h(1 - h) < 0.01, a derivative below 1/25 of "
                + "its peak 0.25; the hidden layers in the last epoch, the 2-unit latent layer after training), median over the 1 run at chance: "
                + "hidden1 0.0%, hidden2 0.0%, hidden3 0.0%, latent "), answer);
        assertEquals(Files.readString(out.resolve("answer.md")), result.answerMd());
        assertEquals(List.of(out.resolve("latent_relu_run1.png"), out.resolve("latent_sigmoid_run1.png")), result.latentShown());
        var md = new report.Markdown(tmp);
        result.markdown(md);
        assertTrue(md.toString().contains("![deep: latent_relu_run1.png](d/latent_relu_run1.png)"), md.toString());
        assertTrue(md.toString().contains("![deep: units.png](d/units.png)"), md.toString());
        assertTrue(md.toString().contains("| ReLU | dead units, the 1 run at chance | "), md.toString());
    }
}
