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
        assertTrue(r.verdict().endsWith(" 10 ReLU epochs had no gradient at all in hidden3 (the ReLUs above it were off for every input, "
                + "so nothing came back) and are left out of the ratio."), r.verdict());
        assertTrue(r.table().contains("epochs without a last-layer gradient left out: relu 10;"), r.table());
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
