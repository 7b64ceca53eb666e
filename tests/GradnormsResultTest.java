import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import nn.Activation;
import report.GradnormsResult;
import report.Markdown;
import study.Run;
import study.Study;

/** Step 3's verdict, written by {@link GradnormsResult#verdict()}, on hand-made norms. */
class GradnormsResultTest {
    static final Path DIR = Path.of("out", "gradnorms");

    static GradnormsResult result(Path from, Run... runs) {
        Study study = DeepResultTest.study(1, Activation.RELU, Activation.SIGMOID);
        return GradnormsResult.of(study, List.of(runs), from, DIR, List.of(DIR.resolve("gradnorms.png"), DIR.resolve("gradnorms.csv")));
    }

    static Run relu(double... norms) {
        return DeepResultTest.finished(Activation.RELU, 1, 0.98, norms);
    }

    static Run sigmoid(double... norms) {
        return DeepResultTest.finished(Activation.SIGMOID, 1, 0.90, norms);
    }

    @Test
    void sigmoidVanishingFasterAndSmallerIsYes() {
        var r = result(null, relu(0.01, 0.01, 0.01), sigmoid(1e-5, 1e-4, 1e-3));
        var s = r.layerStats().get(Activation.SIGMOID);
        assertEquals(0.01, s.medianRatio(), 1e-15);
        assertEquals(0.1, s.perLayerFactor(), 1e-12);
        assertEquals(10, s.ratios());
        String verdict = r.verdict();
        assertTrue(verdict.startsWith("Yes, Sigmoid shows the vanishing gradient more clearly. Sigmoid's first hidden layer got a median "
                + "0.0100 of hidden3's gradient norm, ReLU's 1.00 (median over 10 and 10 (run, epoch) pairs of norm(hidden1)/norm(hidden3)): "
                + "going back one layer shrinks Sigmoid's gradient by a factor of about 0.10 on average, ReLU's by 1.00. "), verdict);
        assertTrue(verdict.contains("was 1.00e-05 for Sigmoid vs 1.00e-02 for ReLU (1000 times smaller). That is the vanishing gradient"), verdict);
    }

    @Test
    void theSameNormsAreNo() {
        var r = result(null, relu(1e-3, 1e-2, 1e-1), sigmoid(1e-3, 1e-2, 1e-1));
        assertTrue(r.verdict().startsWith("No, not in these runs: Sigmoid's gradients do not vanish faster than ReLU's. "), r.verdict());
        assertFalse(r.verdict().contains("That is the vanishing gradient"), r.verdict());
    }

    @Test
    void measuresThatDisagreeArePartly() {
        // Sigmoid's first layer gets less, but its ratio to the last layer is no smaller
        var r = result(null, relu(1e-2, 1e-2, 1e-2), sigmoid(1e-4, 1e-4, 1e-4));
        assertTrue(r.verdict().startsWith("Only partly: the two measures disagree. "), r.verdict());
        assertTrue(r.verdict().contains("(100 times smaller)"), r.verdict());
    }

    /** Dead ReLUs give the last layer no gradient: those epochs have no ratio, and the verdict says how many. */
    @Test
    void epochsWithoutALastLayerGradientAreLeftOut() {
        var r = result(null, relu(0, 0, 0), sigmoid(1e-5, 1e-4, 1e-3));
        var s = r.layerStats().get(Activation.RELU);
        assertEquals(0, s.ratios());
        assertEquals(10, s.undefined());
        assertTrue(r.verdict().endsWith(" 10 ReLU epochs had no gradient at all in hidden3 (the units above it were off for every input, "
                + "so nothing came back) and are left out of the ratio."), r.verdict());
        assertTrue(r.table().contains("epochs without a last-layer gradient left out: relu 10;"), r.table());
    }

    /** A run of {@code base}'s epochs whose every hidden layer moved by {@code update} per epoch, {@code ratio} of its weights. */
    static Run moving(Run base, double update, double ratio) {
        var perLayer = new java.util.LinkedHashMap<String, double[][]>(base.perLayer());
        int epochs = base.epochs().size(), layers = base.layers().size();
        double[][] updates = new double[epochs][layers], ratios = new double[epochs][layers], weights = new double[epochs][layers];
        for (int e = 0; e < epochs; e++) {
            java.util.Arrays.fill(updates[e], update);
            java.util.Arrays.fill(ratios[e], ratio);
            java.util.Arrays.fill(weights[e], update / ratio);
        }
        perLayer.putAll(java.util.Map.of(Run.UPDATE_NORM, updates, Run.UPDATE_RATIO, ratios, Run.WEIGHT_NORM, weights));
        return new Run(base.activation(), base.run(), base.seed(), base.epochs(), base.layers(), perLayer, base.result(), null, Double.NaN);
    }

    /** How far the first layer moves, in absolute terms and as a share of its weights, against the 1e-3 rule of thumb. */
    @Test
    void theVerdictSaysHowFarEachFirstLayerMoves() {
        var r = result(null, moving(relu(0.01, 0.01, 0.01), 2e-3, 2e-4), moving(sigmoid(1e-5, 1e-4, 1e-3), 5e-7, 5e-8));
        var s = r.layerStats().get(Activation.SIGMOID);
        assertTrue(s.hasUpdates());
        assertEquals(List.of(5e-7, 5e-7, 5e-7), java.util.Arrays.stream(s.medianUpdateNorm()).boxed().toList());
        assertEquals(List.of(5e-8, 5e-8, 5e-8), java.util.Arrays.stream(s.medianUpdateRatio()).boxed().toList());
        String verdict = r.verdict();
        assertTrue(verdict.endsWith(". How far the first hidden layer moves (updates.csv: ||W_after - W_before|| of each step, and that over "
                + "||W_before||): ReLU's by a median 2.00e-03 per epoch, 2.00e-04 of its weights' norm; Sigmoid's by a median 5.00e-07 per epoch, "
                + "5.00e-08 of its weights' norm. The rule of thumb (DL4J's training UI, cs231n) is an update of about 1e-3 of the weights per "
                + "step: ReLU's first layer moves 5.0 times less than that, Sigmoid's 20000 times less than that."), verdict);
        assertTrue(r.table().contains("relu        2.000e-03  2.000e-03  2.000e-03  2.000e-04  2.000e-04  2.000e-04\n"), r.table());
        var md = new Markdown(Path.of("out"));
        r.markdown(md);
        assertTrue(md.toString().contains("| activation | update hidden1 | update hidden2 | update hidden3 | update:weight hidden1 | "
                + "update:weight hidden2 | update:weight hidden3 |"), md.toString());
        assertTrue(md.toString().contains("| Sigmoid | 5.000e-07 | 5.000e-07 | 5.000e-07 | 5.000e-08 | 5.000e-08 | 5.000e-08 |"), md.toString());
        assertTrue(md.toString().contains("[updates.csv](gradnorms/updates.csv)"), md.toString());
        // without updates (hand-made gradient norms only) there is nothing to say
        assertFalse(result(null, relu(0.01, 0.01, 0.01), sigmoid(1e-5, 1e-4, 1e-3)).verdict().contains("How far"));

        var only = GradnormsResult.of(DeepResultTest.study(1, Activation.RELU), List.of(moving(relu(0.01, 0.01, 0.01), 0, 0)), null, DIR, List.of());
        assertTrue(only.verdict().endsWith("The rule of thumb (DL4J's training UI, cs231n) is an update of about 1e-3 of the weights per step: "
                + "ReLU's first layer moves not at all. Run without --activation to compare ReLU and Sigmoid."), only.verdict());
    }

    @Test
    void oneActivationSaysThereIsNothingToCompare() {
        Study study = DeepResultTest.study(1, Activation.SIGMOID);
        var r = GradnormsResult.of(study, List.of(sigmoid(1e-5, 1e-4, 1e-3)), null, DIR, List.of());
        assertEquals("Only Sigmoid was trained (--activation): its first hidden layer got a median 0.0100 of hidden3's gradient norm. "
                + "Run without --activation to compare ReLU and Sigmoid.", r.verdict());
    }

    /** The report says when the nets are step 2's, and shows run 1's norms at a few epochs and the medians. */
    @Test
    void theReportSectionSaysWhereTheNetsComeFrom() {
        var read = result(Path.of("out", "deep"), relu(0.01, 0.01, 0.01), sigmoid(1e-5, 1e-4, 1e-3));
        assertTrue(read.readFromDeep());
        var md = new Markdown(Path.of("out"));
        read.markdown(md);
        String text = md.toString();
        assertTrue(text.contains("These are **the same 2 nets as step 2** ([deep](deep)): gradnorms read what deep recorded"), text);
        assertTrue(text.contains("| activation | epoch | hidden1 | hidden2 | hidden3 |"), text);
        assertTrue(text.contains("| Sigmoid | 0 | 1.000e-05 | 1.000e-04 | 1.000e-03 |") && text.contains("| Sigmoid | 9 |"), text);
        assertTrue(text.contains("| median norm hidden1 | median norm hidden2 | median norm hidden3 | median ratio hidden1/hidden3 | shrink per layer |"), text);
        assertTrue(text.contains("| Sigmoid | 1.000e-05 | 1.000e-04 | 1.000e-03 | 0.010 | 0.100 |"), text);
        assertTrue(text.contains("**" + GradnormsResult.QUESTION + "**\n\n" + read.verdict()), text);
        assertTrue(text.contains("![gradnorms: gradnorms.png](gradnorms/gradnorms.png)"), text);

        var trained = result(null, relu(0.01, 0.01, 0.01), sigmoid(1e-5, 1e-4, 1e-3));
        assertFalse(trained.readFromDeep());
        md = new Markdown(Path.of("out"));
        trained.markdown(md);
        assertFalse(md.toString().contains("same 2 nets"), md.toString());
        assertTrue(trained.answerMd().startsWith("# " + GradnormsResult.QUESTION + "\n\nSetup: ") && trained.answerMd().endsWith(trained.verdict() + "\n"));
    }
}
