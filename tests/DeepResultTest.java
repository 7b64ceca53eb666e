import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import nn.Activation;
import nn.Training;
import report.DeepResult;
import report.Markdown;
import study.DeepNumbers;
import study.Run;
import study.Stats;
import study.Study;

/** Step 2's answer, written by {@link DeepResult#answer()}, on hand-made studies: every case of its first sentence. */
class DeepResultTest {
    static final Path DIR = Path.of("out", "deep");

    /** A study of {@code runs} runs per activation of 3 x 8 nets, seeds from 0, 10 epochs. */
    static Study study(int runs, Activation... activations) {
        return new Study(3, 8, List.of(activations), runs, 0L, 10, 0.01, 0.99, "hand-made data");
    }

    /** A finished run with that final test accuracy; every epoch's norms are {@code norms} (hidden1..hidden3). */
    static Run finished(Activation a, int run, double testAccuracy, double... norms) {
        return run(a, run, 10, new Run.Result(0.7 - testAccuracy / 2, testAccuracy, testAccuracy), null, norms);
    }

    static Run diverged(Activation a, int run, int epochs) {
        return run(a, run, epochs, null, a + " run " + run + " diverged at epoch " + epochs + ": loss is NaN", 1e-2, 1e-2, 1e-2);
    }

    static Run run(Activation a, int run, int epochs, Run.Result result, String diverged, double... norms) {
        var rows = new ArrayList<Training.Epoch>();
        double[][] perLayer = new double[epochs][];
        for (int e = 0; e < epochs; e++) {
            rows.add(new Training.Epoch(e, 0.7 - 0.01 * e, 0.5, 0.5));
            perLayer[e] = norms.clone();
        }
        List<String> layers = List.of("hidden1", "hidden2", "hidden3").subList(0, norms.length);
        return new Run(a, run, (long) run - 1, rows, layers, Map.of(Run.GRAD_NORM, perLayer), result, diverged, Double.NaN);
    }

    static DeepResult result(Study study, Run... runs) {
        return DeepResult.of(study, List.of(runs), DIR, List.of(DIR.resolve("boundaries.png"), DIR.resolve("runs.csv")));
    }

    @Test
    void reluWinningEveryPairIsYesButNotAProof() {
        var r = result(study(3, Activation.RELU, Activation.SIGMOID),
                finished(Activation.RELU, 1, 0.98, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 1, 0.90, 1e-5, 1e-4, 1e-3),
                finished(Activation.RELU, 2, 0.97, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 2, 0.96, 1e-5, 1e-4, 1e-3),
                finished(Activation.RELU, 3, 0.99, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 3, 0.50, 1e-5, 1e-4, 1e-3));
        assertEquals(new DeepNumbers.Pair(Activation.RELU, Activation.SIGMOID, 3, 0, 0), r.numbers().pairs().get(0));
        String answer = r.answer();
        assertTrue(answer.startsWith("In these runs, yes: ReLU beat Sigmoid in all 3 paired runs (same initial weights). "
                + "But 3 runs per activation cannot prove \"always\""), answer);
        assertTrue(answer.contains("Mean test accuracy 98.0% (ReLU) vs 78.7% (Sigmoid); best 99.0% vs 96.0%, worst 97.0% vs 50.0%."), answer);
        assertTrue(answer.contains("Runs that never left chance (test accuracy <= 55%): ReLU 0 of 3, Sigmoid 1 of 3."), answer);
        assertTrue(answer.contains("was 1.00e-05 for Sigmoid vs 1.00e-02 for ReLU, 1000 times smaller"), answer);
        assertTrue(answer.contains("each of the 4 activated layers between the loss and hidden1 multiplies the gradient by its activation's "
                + "derivative") && answer.contains("Sigmoid's derivative is at most 0.25 (at 0, less where it saturates), so each sigmoid layer shrinks "
                + "the gradient again.") && answer.contains("(none of the 3 ReLU runs here, but other seeds can)"), answer);
        assertTrue(answer.endsWith(" So ReLU is the better default for deep nets in these runs, but not a guarantee: an unlucky seed can leave "
                + "either one at chance."), answer);
        assertFalse(answer.contains("Diverged"), answer);
    }

    @Test
    void equalAccuraciesInEveryPairAreNeither() {
        var r = result(study(2, Activation.RELU, Activation.SIGMOID),
                finished(Activation.RELU, 1, 0.98, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 1, 0.98, 1e-5, 1e-4, 1e-3),
                finished(Activation.RELU, 2, 0.97, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 2, 0.97, 1e-5, 1e-4, 1e-3));
        assertEquals(new DeepNumbers.Pair(Activation.RELU, Activation.SIGMOID, 0, 0, 2), r.numbers().pairs().get(0));
        assertTrue(r.answer().startsWith("Neither: all 2 paired runs (same initial weights) ended at the same test accuracy. "), r.answer());
    }

    /** A ReLU run whose latent units died (at chance): not always, and the why counts it. */
    @Test
    void aReluRunAtChanceIsNotAlways() {
        var r = result(study(3, Activation.RELU, Activation.SIGMOID),
                finished(Activation.RELU, 1, 0.50, 0, 0, 0), finished(Activation.SIGMOID, 1, 0.90, 1e-5, 1e-4, 1e-3),
                finished(Activation.RELU, 2, 0.98, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 2, 0.91, 1e-5, 1e-4, 1e-3),
                finished(Activation.RELU, 3, 0.98, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 3, 0.98, 1e-5, 1e-4, 1e-3));
        assertEquals(new DeepNumbers.Pair(Activation.RELU, Activation.SIGMOID, 1, 1, 1), r.numbers().pairs().get(0));
        assertEquals(1, r.numbers().summaries().get(Activation.RELU).atChance());
        String answer = r.answer();
        assertTrue(answer.startsWith("No, not always: Sigmoid beat ReLU in 1 of 3 paired runs (same initial weights), ReLU won 1, 1 tied. "), answer);
        assertTrue(answer.contains("ReLU 1 of 3, Sigmoid 0 of 3.") && answer.contains("(1 of the 3 ReLU runs here)"), answer);
    }

    /** A diverged run has no result: it is left out of the pairs and the statistics, and counted as diverged. */
    @Test
    void aDivergedRunIsLeftOutOfThePairsAndCounted() {
        var r = result(study(2, Activation.RELU, Activation.SIGMOID),
                diverged(Activation.RELU, 1, 4), finished(Activation.SIGMOID, 1, 0.90, 1e-5, 1e-4, 1e-3),
                finished(Activation.RELU, 2, 0.98, 1e-2, 1e-2, 1e-2), finished(Activation.SIGMOID, 2, 0.91, 1e-5, 1e-4, 1e-3));
        assertEquals(new DeepNumbers.Pair(Activation.RELU, Activation.SIGMOID, 1, 0, 0), r.numbers().pairs().get(0));
        assertEquals(List.of(r.runs().get(0)), r.diverged());
        assertEquals(Stats.of(0.98), r.numbers().summaries().get(Activation.RELU).testAccuracy());
        assertTrue(r.answer().contains(" Diverged (loss NaN, infinite or above 10^6): ReLU 1, Sigmoid 0."), r.answer());
        assertTrue(r.table().contains("relu          2  98.0% ± 0.0%"), r.table());
        var md = new Markdown(Path.of("out"));
        r.markdown(md);
        assertTrue(md.toString().contains("> **1 of 4 runs diverged (relu run 1 (seed 0) at epoch 4); the other runs and all files were written.**"), md.toString());
    }

    @Test
    void noFinishedPairAndASingleActivationSaySo() {
        var none = result(study(1, Activation.RELU, Activation.SIGMOID), diverged(Activation.RELU, 1, 0), finished(Activation.SIGMOID, 1, 0.9, 1, 1, 1));
        assertTrue(none.answer().startsWith("No pair of runs finished for both activations, so no paired comparison is possible. "), none.answer());
        var only = result(study(2, Activation.SIGMOID), finished(Activation.SIGMOID, 1, 0.9, 1, 1, 1), finished(Activation.SIGMOID, 2, 0.5, 1, 1, 1));
        assertEquals("Only Sigmoid was trained (--activation), so there is nothing to compare: its mean test accuracy was 70.0% over 2 runs, "
                + "1 at chance. Run without --activation to compare ReLU and Sigmoid (or name more with --activations).", only.answer());
    }

    /** The console, answer.md and report.md carry the one answer. */
    @Test
    void consoleAnswerFileAndReportShareTheAnswer() {
        var r = result(study(1, Activation.RELU, Activation.SIGMOID), finished(Activation.RELU, 1, 0.98, 1e-2, 1e-2, 1e-2),
                finished(Activation.SIGMOID, 1, 0.5, 1e-5, 1e-4, 1e-3));
        assertTrue(r.toString().endsWith(r.answer()));
        assertTrue(r.answerMd().startsWith("# " + DeepResult.QUESTION + "\n\nSetup: " + r.study().describe() + ".\n\n```\n" + r.table()));
        assertTrue(r.answerMd().endsWith(r.answer() + "\n"));
        var md = new Markdown(Path.of("out"));
        r.markdown(md);
        String text = md.toString();
        assertTrue(text.startsWith("Settings: `3 hidden layers x 8, relu and sigmoid, 1 run each (seed 0), 10 epochs"), text);
        assertTrue(text.contains("**" + DeepResult.QUESTION + "**\n\n" + r.answer().strip()), text);
        assertTrue(text.contains("[summary.json](deep/summary.json)") && text.contains("[runs.csv](deep/runs.csv)"), text);
        assertTrue(text.contains("| ReLU | 1 | 98.0% ± 0.0% | 98.0% | 98.0% | 0 of 1 | 0 |"), text);
        assertTrue(text.contains("| Sigmoid | 1 | 0 | 0.4500 | 50.0% | 50.0% |"), text);
        assertTrue(text.contains("![deep: boundaries.png](deep/boundaries.png)"), text);
        assertEquals("deep", r.step());
    }

    /**
     * A finished run of 10 epochs with those gradient norms per epoch and layer and, as units.csv has it, that share of
     * dead units (ReLU) or saturated outputs (Sigmoid) per epoch and layer.
     */
    static Run withUnits(Activation a, int run, double testAccuracy, double[][] norms, double[][] shares) {
        Run base = run(a, run, norms.length, new Run.Result(0.7 - testAccuracy / 2, testAccuracy, testAccuracy), null, norms[0]);
        String measure = a == Activation.RELU ? Run.DEAD_FRACTION : Run.SATURATED_FRACTION;
        return new Run(a, run, base.seed(), base.epochs(), base.layers(), Map.of(Run.GRAD_NORM, norms, measure, shares), base.result(), null, Double.NaN);
    }

    /** {@code epochs} rows of {@code first} up to epoch {@code change}, of {@code then} from there on. */
    static double[][] rows(int epochs, int change, double[] first, double[] then) {
        double[][] table = new double[epochs][];
        for (int e = 0; e < epochs; e++) table[e] = (e < change ? first : then).clone();
        return table;
    }

    /**
     * A ReLU run at chance whose hidden2 died: the why names the layer and the first epoch it was all dead, and the
     * latent layer's dead ReLUs; a Sigmoid run at chance whose latent layer saturated: the why says that is where.
     */
    @Test
    void aReluRunWhoseLayerDiedSaysWhichAndFromWhen() {
        var runs = List.of(
                withUnits(Activation.RELU, 1, 0.5, rows(10, 4, new double[] {1e-2, 1e-2, 1e-2}, new double[] {0, 0, 0}),
                        rows(10, 4, new double[] {0.1, 0.5, 0.2}, new double[] {0.1, 1.0, 0.3})),
                withUnits(Activation.SIGMOID, 1, 0.9, rows(10, 0, null, new double[] {1e-5, 1e-4, 1e-3}), rows(10, 0, null, new double[] {0, 0.01, 0})),
                withUnits(Activation.RELU, 2, 0.98, rows(10, 0, null, new double[] {1e-2, 1e-2, 1e-2}), rows(10, 0, null, new double[] {0.02, 0.3, 0.1})),
                withUnits(Activation.SIGMOID, 2, 0.5, rows(10, 0, null, new double[] {1e-6, 1e-5, 1e-4}), rows(10, 0, null, new double[] {0, 0.03, 0.05})));
        var latent = Map.of("relu run 1 (seed 0)", 1.0, "sigmoid run 1 (seed 0)", 0.5, "sigmoid run 2 (seed 1)", 1.0);
        var r = DeepResult.of(study(2, Activation.RELU, Activation.SIGMOID), runs, latent, DIR, List.of());
        DeepNumbers.UnitShares relu = r.numbers().units().get(Activation.RELU);
        assertEquals(Run.DEAD_FRACTION, relu.measure());
        assertEquals(List.of(1, 1), List.of(relu.leftChance(), relu.atChance()));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.1, 1.0, 0.3}, relu.medianShareAtChance());
        assertEquals(List.of(1.0, Double.NaN), List.of(relu.latentAtChance(), relu.latentLeftChance()));
        DeepNumbers.Stuck stuck = relu.stuck().get(0);
        assertEquals(List.of(1, 4, 4), List.of(stuck.deadLayer(), stuck.deadFrom(), stuck.noGradientFrom()));
        String answer = r.answer();
        assertTrue(answer.contains(" Dead ReLU units (units.csv: a unit is dead when its output is 0 for every training point; the hidden layers "
                + "in the last epoch, the 2-unit latent layer after training), median over the 1 run that left chance: hidden1 2.0%, hidden2 30.0%, "
                + "hidden3 10.0%; over the 1 run at chance: hidden1 10.0%, hidden2 100.0%, hidden3 30.0%, latent 100.0%. At chance: ReLU run 1 "
                + "(seed 0): every unit of hidden2 was dead from epoch 4 on (the first epoch its dead share reached 100%), so (almost) no gradient "
                + "passed below it; after training 2 of its 2 latent ReLUs were dead. Saturated sigmoid outputs"), answer);
        assertTrue(answer.contains(" Saturated sigmoid outputs (units.csv: (point, unit) pairs with h(1 - h) < 0.01, a derivative below 1/25 of its "
                + "peak 0.25; the hidden layers in the last epoch, the 2-unit latent layer after training), median over the 1 run that left chance: "
                + "hidden1 0.0%, hidden2 1.0%, hidden3 0.0%, latent 50.0%; over the 1 run at chance: hidden1 0.0%, hidden2 3.0%, hidden3 5.0%, "
                + "latent 100.0%. So the stuck Sigmoid runs saturated where it hurts most, in the latent layer: "), answer);
        var md = new Markdown(Path.of("out"));
        r.markdown(md);
        assertTrue(md.toString().contains("| activation | share, median over | hidden1 | hidden2 | hidden3 | latent (after training) |"), md.toString());
        assertTrue(md.toString().contains("| ReLU | dead units, the 1 run at chance | 10.0% | 100.0% | 30.0% | 100.0% |"), md.toString());
        assertTrue(md.toString().contains("| ReLU | dead units, the 1 run that left chance | 2.0% | 30.0% | 10.0% | – |"), md.toString());
        assertTrue(md.toString().contains("| Sigmoid | saturated outputs, the 1 run that left chance | 0.0% | 1.0% | 0.0% | 50.0% |"), md.toString());

        // without the latent measurements (as from hand-made runs) the latent layer is left out and the hidden layers decide
        String unmeasured = DeepResult.of(study(2, Activation.RELU, Activation.SIGMOID), runs, DIR, List.of()).answer();
        assertTrue(unmeasured.contains("hidden2 3.0%, hidden3 5.0%. So the stuck Sigmoid runs are not saturated in their hidden layers: those "
                + "sigmoids sit near the middle, and the factor of at most 0.25 per layer alone starves hidden1."), unmeasured);
        assertTrue(unmeasured.contains("so (almost) no gradient passed below it. Saturated sigmoid outputs"), unmeasured);
    }

    /** A stuck ReLU run whose hidden layers were cut off from above, or still got a gradient; much saturation is a cause. */
    @Test
    void theOtherWaysOfBeingStuckAndMuchSaturation() {
        double[] alive = {0.1, 0.2, 0.4};
        var cut = DeepNumbers.Stuck.of(withUnits(Activation.RELU, 3, 0.5, rows(10, 7, new double[] {1e-3, 1e-3, 1e-3}, new double[] {0, 0, 0}),
                rows(10, 0, null, alive)), 1.0);
        assertEquals(List.of(-1, -1, 7), List.of(cut.deadLayer(), cut.deadFrom(), cut.noGradientFrom()));
        assertEquals("ReLU run 3 (seed 2): from epoch 7 on, no gradient reached any hidden layer (every norm exactly 0), although no hidden layer "
                + "had died (in the last epoch 40.0% of hidden3's units were dead, the most of any hidden layer), so the gradient was cut above "
                + "them, at the latent layer's 2 ReLUs, off for every point; after training 2 of its 2 latent ReLUs were dead", DeepResult.describe(cut));
        var flowing = DeepNumbers.Stuck.of(withUnits(Activation.RELU, 1, 0.5, rows(10, 9, new double[] {0, 0, 0}, new double[] {1e-9, 1e-9, 1e-9}),
                rows(10, 0, null, alive)), Double.NaN);
        assertEquals(-1, flowing.noGradientFrom());
        assertEquals("ReLU run 1 (seed 0): its hidden layers still got a gradient in the last epoch (in the last epoch 40.0% of hidden3's units were "
                + "dead, the most of any hidden layer)", DeepResult.describe(flowing));

        var saturated = DeepResult.of(study(1, Activation.SIGMOID), List.of(withUnits(Activation.SIGMOID, 1, 0.5,
                rows(10, 0, null, new double[] {1e-6, 1e-5, 1e-4}), rows(10, 0, null, new double[] {0.5, 0.2, 0.1}))), DIR, List.of());
        assertTrue(saturated.answer().endsWith(" Run without --activation to compare ReLU and Sigmoid (or name more with --activations). Saturated "
                + "sigmoid outputs (units.csv: (point, "
                + "unit) pairs with h(1 - h) < 0.01, a derivative below 1/25 of its peak 0.25; the hidden layers in the last epoch, the 2-unit latent "
                + "layer after training), median over the 1 run at chance: hidden1 50.0%, hidden2 20.0%, hidden3 10.0%. A saturated sigmoid passes "
                + "back almost nothing, which shrinks the gradient further."), saturated.answer());
    }

    @Test
    void statisticsAreTheSampleOnes() {
        assertEquals(new Stats(4, 2.5, Math.sqrt(5.0 / 3), 1, 4, 2.5), Stats.of(4, 1, 3, 2));
        assertEquals(new Stats(3, 2, 1, 1, 3, 2), Stats.of(3, 1, 2));
        assertEquals(new Stats(1, 7, 0, 7, 7, 7), Stats.of(7));
        assertTrue(Double.isNaN(Stats.of().median()) && Stats.of().n() == 0);
    }
}
