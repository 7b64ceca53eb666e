import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import nn.Activation;
import nn.WeightInit;
import report.DepthResult;
import report.Markdown;
import study.DepthNumbers;
import study.DepthSweep;

/** The depth sweep's answer and fits on hand-made norms, whose factors per layer are known exactly. */
class DepthResultTest {
    static final Path DIR = Path.of("out", "depth").toAbsolutePath();

    /** hidden1's norm at depth d: {@code first * factor^(d - 1)}, the same in every layer and run. */
    record Law(double first, double factor) {
        double at(int depth) {
            return first * Math.pow(factor, depth - 1);
        }
    }

    static DepthSweep sweep(List<Integer> depths, List<Activation> activations, WeightInit init) {
        return new DepthSweep(depths, 264, activations, 2, init, 5, 0.01, 0.99, "hand-made norms");
    }

    static DepthSweep.Net net(Activation a, int depth, int run, Law torch, Law xavier, Law kaiming, boolean deadWithTorch) {
        var epoch0 = new EnumMap<WeightInit, double[]>(WeightInit.class);
        epoch0.put(WeightInit.TORCH, layers(depth, deadWithTorch ? 0 : torch.at(depth)));
        epoch0.put(WeightInit.XAVIER, layers(depth, xavier.at(depth)));
        epoch0.put(WeightInit.KAIMING, layers(depth, kaiming.at(depth)));
        List<String> names = IntStream.rangeClosed(1, depth).mapToObj(k -> "hidden" + k).toList();
        return new DepthSweep.Net(a, depth, run, run - 1, names, epoch0, layers(depth, 1e-3), 5, 0.5, null);
    }

    static double[] layers(int depth, double norm) {
        return IntStream.range(0, depth).mapToDouble(k -> norm).toArray();
    }

    /** ReLU x0.5 per layer with PyTorch's default and one dead net (depth 4, run 2); Sigmoid x0.25; xavier and kaiming kinder. */
    static DepthResult handMade(WeightInit init, List<Integer> depths, List<Activation> activations) {
        var nets = new ArrayList<DepthSweep.Net>();
        for (Activation a : activations) {
            for (int d : depths) {
                for (int r = 1; r <= 2; r++) {
                    nets.add(a == Activation.RELU
                            ? net(a, d, r, new Law(0.1, 0.5), new Law(0.1, 0.9), new Law(0.2, 1.0), d == 4 && r == 2)
                            : net(a, d, r, new Law(0.1, 0.25), new Law(0.1, 0.5), new Law(0.1, 0.6), false));
                }
            }
        }
        java.util.Collections.reverse(nets);   // any order: the result sorts them
        return DepthResult.of(sweep(depths, activations, init), nets, DIR, List.of(DIR.resolve("depth.png"), DIR.resolve("depth.csv")));
    }

    @Test
    void fitsGiveTheFactorPerLayerAndLeaveTheDeadOut() {
        DepthResult result = handMade(WeightInit.TORCH, List.of(1, 2, 3, 4), List.of(Activation.RELU, Activation.SIGMOID));
        assertEquals(List.of(Activation.RELU, Activation.RELU), result.nets().subList(0, 2).stream().map(DepthSweep.Net::activation).toList());
        assertEquals(List.of(1, 1, 2), result.nets().subList(0, 3).stream().map(DepthSweep.Net::depth).toList(), "sorted by activation, depth, run");
        DepthNumbers.Fit relu = result.numbers().fit(Activation.RELU), sigmoid = result.numbers().fit(Activation.SIGMOID);
        assertEquals(0.5, relu.factor(), 1e-12);
        assertEquals(7, relu.points());
        assertEquals(1, relu.dead());
        assertEquals(8, relu.nets());
        assertEquals(0.25, sigmoid.factor(), 1e-12);
        assertEquals(0, sigmoid.dead());
        assertEquals(1.0, result.numbers().fits().get(WeightInit.KAIMING).get(Activation.RELU).factor(), 1e-12);
        assertEquals(0.9, result.numbers().fits().get(WeightInit.XAVIER).get(Activation.RELU).factor(), 1e-12);
        assertEquals(0.0, result.numbers().firstLayer(Activation.RELU, 4).min());
        assertEquals(0.1 * 0.125 / 2, result.numbers().firstLayer(Activation.RELU, 4).median(), 1e-15);
        assertEquals(List.of(4.0), java.util.Arrays.stream(result.numbers().deadDepths(Activation.RELU)).boxed().toList());
        assertEquals(": \u00d70.50 per layer", DepthResult.perLayer(relu));
        assertNull(result.failure());
    }

    @Test
    void answerSaysHowFastWhetherReluEscapesAndWhatTheInitChanges() {
        DepthResult result = handMade(WeightInit.TORCH, List.of(1, 2, 3, 4), List.of(Activation.RELU, Activation.SIGMOID));
        String answer = result.answer();
        assertTrue(answer.startsWith("With PyTorch's default initialisation (--weight-init torch"), answer);
        assertTrue(answer.contains("0.50 for ReLU (median 1.000e-01 at depth 1, 6.250e-03 at depth 4), 0.25 for Sigmoid (median 1.000e-01 "
                + "at depth 1, 1.563e-03 at depth 4)"), answer);
        assertTrue(answer.contains("sqrt(fan_in Var(w)) = 0.58"), answer);
        assertTrue(answer.contains("Does ReLU escape it with PyTorch's default initialisation? No: its first-layer gradient is multiplied by "
                + "0.50 per added layer (Sigmoid's by 0.25), and 1 of its 8 nets is dead: its first-layer gradient is exactly 0 (depth 4 run 2)."),
                answer);
        assertTrue(answer.contains("this run used PyTorch's default. With xavier instead of torch: ReLU 0.90 per layer instead of 0.50, "
                + "Sigmoid 0.50 per layer instead of 0.25; dead ReLU nets: 0 instead of 1. With kaiming instead of torch: ReLU 1.00 per layer "
                + "instead of 0.50"), answer);
        assertTrue(answer.contains("keeps the gradient's size through the depths: xavier for ReLU, kaiming for ReLU; none does it for Sigmoid"),
                answer);
        assertTrue(result.toString().contains(answer) && result.toString().contains("ReLU               Sigmoid"), result.toString());
        assertTrue(result.answerMd().startsWith("# " + DepthResult.QUESTION) && result.answerMd().contains(answer));
    }

    @Test
    void anotherSchemeIsComparedWithPyTorchsDefault() {
        String answer = handMade(WeightInit.KAIMING, List.of(1, 2, 3, 4), List.of(Activation.RELU, Activation.SIGMOID)).answer();
        assertTrue(answer.startsWith("With --weight-init kaiming (kaiming_uniform_ for ReLU"), answer);
        assertTrue(answer.contains("1.00 for ReLU") && answer.contains("0.60 for Sigmoid") && answer.contains("sqrt(fan_in Var(w)) = 1.41"), answer);
        assertTrue(answer.contains("this run used kaiming instead of PyTorch's default: ReLU 1.00 per layer instead of 0.50, Sigmoid 0.60 per "
                + "layer instead of 0.25; dead ReLU nets: 0 instead of 1. With xavier instead of kaiming: ReLU 0.90 per layer instead of 1.00"),
                answer);
        assertTrue(answer.contains("Does ReLU escape it with PyTorch's default initialisation? No:"), answer);
    }

    @Test
    void reluThatKeepsItsGradientEscapesAndOneDepthHasNoTrend() {
        var nets = new ArrayList<DepthSweep.Net>();
        for (int d = 1; d <= 3; d++) {
            for (int r = 1; r <= 2; r++) nets.add(net(Activation.RELU, d, r, new Law(0.1, 0.95), new Law(0.1, 1), new Law(0.1, 1), false));
        }
        String answer = DepthResult.of(sweep(List.of(1, 2, 3), List.of(Activation.RELU), WeightInit.TORCH), nets, DIR, List.of()).answer();
        assertTrue(answer.contains("In these nets, yes: its first-layer gradient is multiplied by 0.95 per added layer, and none of its 6 nets "
                + "is dead"), answer);

        String tanhOnly = handMade(WeightInit.TORCH, List.of(1, 2), List.of(Activation.SIGMOID)).answer();
        assertTrue(tanhOnly.contains("ReLU was not in --activations"), tanhOnly);

        DepthResult one = handMade(WeightInit.TORCH, List.of(3), List.of(Activation.RELU, Activation.SIGMOID));
        assertTrue(Double.isNaN(one.numbers().fit(Activation.RELU).slope()));
        assertEquals("", DepthResult.perLayer(one.numbers().fit(Activation.RELU)));
        assertTrue(one.answer().startsWith("Only depth 3 was run, so there is no trend to fit"), one.answer());
    }

    @Test
    void aDivergedNetFailsTheStepAndIsNamed() {
        var nets = new ArrayList<>(handMade(WeightInit.TORCH, List.of(1, 2), List.of(Activation.SIGMOID)).nets());
        DepthSweep.Net n = nets.get(0);
        nets.set(0, new DepthSweep.Net(n.activation(), n.depth(), n.run(), n.seed(), n.layers(), n.epoch0(), n.median(), 2, Double.NaN,
                "sigmoid depth 1 run 1 (seed 0) diverged at epoch 2: loss is NaN"));
        DepthResult result = DepthResult.of(sweep(List.of(1, 2), List.of(Activation.SIGMOID), WeightInit.TORCH), nets, DIR, List.of());
        assertEquals("1 of 4 nets diverged: sigmoid depth 1 run 1 (seed 0) diverged at epoch 2: loss is NaN", result.failure());
        assertTrue(result.answer().endsWith("(their medians cover the epochs before the divergence)."), result.answer());
    }

    @Test
    void markdownHasTheSettingsTheFigureTheTablesAndTheAnswer() {
        DepthResult result = handMade(WeightInit.TORCH, List.of(1, 2, 3, 4), List.of(Activation.RELU, Activation.SIGMOID));
        var md = new Markdown(DIR.getParent());
        result.markdown(md);
        String text = md.toString();
        assertTrue(text.contains("Settings: `depths 1-4 x 264 units, relu and sigmoid, 2 runs each (seeds 0..1), torch init, 5 epochs"), text);
        assertTrue(text.contains("![depth: depth.png](depth/depth.png)") && text.contains("[depth.csv](depth/depth.csv)"), text);
        assertTrue(text.contains("| ReLU | 4 | 6.250e-03 | 0.000e+00 | 1.250e-02 | 1 of 2 |"), text);
        assertTrue(text.contains("| torch (this run) | 0.500 (1 dead) | 0.250 |"), text);
        assertTrue(text.contains("**" + DepthResult.QUESTION + "**") && text.contains(result.answer()), text);
    }

    @Test
    void depthsAndActivationsAreParsedAsTheHelpSays() {
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), DepthSweep.parseDepths("1-8", "--depths"));
        assertEquals(List.of(1, 2, 4, 8), DepthSweep.parseDepths("1,2,4,8", "--depths"));
        assertEquals(List.of(1, 2, 3, 6, 64), DepthSweep.parseDepths(" 1-3, 6 ,64", "--depths"));
        assertEquals(List.of(5), DepthSweep.parseDepths("5-5", "--depths"));
        assertEquals("1-8", DepthSweep.depthsText(List.of(1, 2, 3, 4, 5, 6, 7, 8)));
        assertEquals("1, 2, 4", DepthSweep.depthsText(List.of(1, 2, 4)));
        assertEquals(List.of(Activation.TANH, Activation.RELU), Activation.parseList("tanh,ReLU", "--activations"));
        var sweep = sweep(List.of(1, 3), List.of(Activation.RELU, Activation.TANH), WeightInit.XAVIER);
        assertEquals(2 * 2 * 2, sweep.nets());
        assertEquals(List.of(3, 3, 3, 3, 1, 1, 1, 1), sweep.jobs().stream().map(DepthSweep.Job::depth).toList(), "the deepest first");
        assertEquals("relu depth 3 run 2 (seed 1)", sweep.label(new DepthSweep.Job(Activation.RELU, 3, 2)));
    }
}
