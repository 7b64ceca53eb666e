///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1:${os.detected.classifier}
//DEPS org.bytedeco:openblas:0.3.31-1.5.13
//DEPS org.bytedeco:openblas:0.3.31-1.5.13:${os.detected.classifier}
//DEPS org.bytedeco:javacpp:1.5.13
//DEPS org.bytedeco:javacpp:1.5.13:${os.detected.classifier}
//DEPS org.knowm.xchart:xchart:3.8.8
//DEPS de.erichseifert.vectorgraphics2d:VectorGraphics2D:0.13
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES ../shared/**/*.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (//CDS: JBang keeps a class-data archive of the script, which halves the JVM's start; -Xlog:cds=off silences the
// run that writes it. Serial GC with a small young generation keeps memory flat and low: deep peaks at 350 MB, not 770.)

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.ops.transforms.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import cli.Cli;
import cli.DivergedException;
import cli.Output;
import data.Points;
import nn.Activation;
import nn.Mlp;
import nn.Training;
import plot.Charts;
import plot.ConfidenceGrid;
import plot.ConfidencePlot;
import speed.Nd4jSetup;
import study.ActivationComparison;

/**
 * Vanishing gradients, step 2: the same deep net (hidden1..hiddenN of equal width, a 2-unit latent layer, a 2-class
 * output) trained with ReLU and with Sigmoid from the same initial weights, several seeds each. Is one activation
 * always better? The answer is generated from the runs' numbers.
 */
@Command(name = "deep", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a deep net (default 3 hidden layers x 264) with ReLU and with Sigmoid, --runs seeds each, and "
                + "compares them: runs.csv, history.csv, gradnorms.csv (per-layer gradient norms, which gradnorms --from reads), "
                + "loss/accuracy curves, decision boundaries, a summary table, answer.md and summary.json. Run r of both activations starts from the same weights (torch seed S+r-1).")
public class deep implements Callable<Integer> {
    /** Cells per side of a decision-boundary panel's confidence field. */
    static final int GRID = 120;

    @Mixin
    ActivationComparison.Options options = new ActivationComparison.Options();

    public static void main(String... args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new deep(), args);
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        ActivationComparison.Plan plan = ActivationComparison.plan(options, "deep", 3);
        Path dir = Output.prepareDir(plan.out(), "--out");
        Nd4jSetup.threads(1);   // why: see there (small matrices; idle OpenMP workers spin, on a shared machine ~10x slower)
        System.out.println("deep: " + plan.describe());

        // Train every (run, activation); pairs of the same run share their initial weights. Each run's rows are
        // written as soon as it (and the runs before it) ended, and its decision field is taken before the net is dropped.
        var fields = new ConcurrentHashMap<String, ConfidenceGrid>();   // run label -> field of the trained net
        ConfidenceGrid.Bounds bounds = bounds(plan.train(), plan.test());
        List<ActivationComparison.Run> runs = ActivationComparison.trainAll(plan, "deep", (run, net) -> {
            if (run.finished()) fields.put(run.label(), confidence(net, bounds));
        }, soFar -> {
            Output.writeString(dir.resolve("runs.csv"), ActivationComparison.runsCsv(soFar));
            Output.writeString(dir.resolve("history.csv"), ActivationComparison.historyCsv(soFar));
            // The norms every run records anyway: gradnorms --from reads them instead of training these nets again.
            Output.writeString(dir.resolve("gradnorms.csv"), ActivationComparison.gradNormsCsv(soFar));
        });

        // Figures: curves of every run coloured by activation, and one decision-boundary panel per run.
        plotCurves(plan, runs, dir);
        plotBoundaries(plan, runs, fields, bounds, dir);

        // The table and the answer, both from the numbers above.
        Map<Activation, Summary> summaries = new LinkedHashMap<>();
        for (Activation a : plan.activations()) summaries.put(a, Summary.of(a, runs));
        System.out.println();
        System.out.print(table(summaries));
        String answer = answer(plan, runs, summaries);
        System.out.println();
        System.out.println(answer);
        Output.writeString(dir.resolve("answer.md"), "# Is one architecture always better, and why?\n\n"
                + "Setup: " + plan.describe() + ".\n\n```\n" + table(summaries) + "```\n\n" + answer + "\n");
        Output.writeString(dir.resolve("summary.json"), json(plan, summaries, runs));
        System.out.printf(Locale.ROOT, "%nwrote runs.csv, history.csv, gradnorms.csv, loss.png/.svg, accuracy.png/.svg, boundaries.png/.svg, "
                + "answer.md, summary.json to %s (wall time %.1f s)%n", dir, (System.nanoTime() - start) / 1e9);

        List<String> diverged = runs.stream().filter(r -> !r.finished()).map(ActivationComparison.Run::label).toList();
        if (!diverged.isEmpty()) {
            throw new DivergedException(diverged.size() + " of " + runs.size() + " runs diverged (" + String.join(", ", diverged)
                    + "); the other runs and all files were written");
        }
        return Cli.OK;
    }

    // ---- figures ----

    static void plotCurves(ActivationComparison.Plan plan, List<ActivationComparison.Run> runs, Path dir) {
        var started = runs.stream().filter(r -> !r.epochs().isEmpty()).toList();
        if (started.isEmpty()) return;
        String shape = plan.depth() + " x " + plan.width();
        XYChart loss = Charts.lines("Training loss, " + shape + ", " + ActivationComparison.runs(plan.runs()) + " each", "epoch", "mean cross-entropy",
                curves(started, Training.Epoch::loss));
        Charts.save(loss, dir.resolve("loss"));
        XYChart train = Charts.lines("Train accuracy, " + shape, "epoch", "accuracy (%)", curves(started, e -> 100 * e.trainAccuracy()));
        XYChart test = Charts.lines("Test accuracy, " + shape, "epoch", "accuracy (%)", curves(started, e -> 100 * e.testAccuracy()));
        Charts.shareYRange(List.of(train, test));
        Charts.save(List.of(train, test), 2, dir.resolve("accuracy"));
    }

    static List<Charts.Line> curves(List<ActivationComparison.Run> runs, ToDoubleFunction<Training.Epoch> value) {
        var lines = new ArrayList<Charts.Line>();
        for (var run : runs) {
            double[] x = run.epochs().stream().mapToDouble(Training.Epoch::epoch).toArray();
            double[] y = run.epochs().stream().mapToDouble(value).toArray();
            lines.add(new Charts.Line(ActivationComparison.display(run.activation()), x, y));
        }
        return lines;
    }

    /** One row of panels per activation, one column per run; a diverged run's panel has no field. */
    static void plotBoundaries(ActivationComparison.Plan plan, List<ActivationComparison.Run> runs, Map<String, ConfidenceGrid> fields,
            ConfidenceGrid.Bounds bounds, Path dir) {
        var panels = new ArrayList<ConfidencePlot.Panel>();
        for (Activation a : plan.activations()) {
            for (var run : runs) {
                if (run.activation() != a) continue;
                ConfidenceGrid grid = fields.getOrDefault(run.label(), blank(bounds));
                String result = run.finished() ? "test " + ActivationComparison.percent(run.result().testAccuracy()) : "diverged";
                panels.add(ConfidencePlot.panel(ActivationComparison.display(a) + " run " + run.run()
                        + (run.seed() == null ? "" : " (seed " + run.seed() + ")") + ": " + result, grid, plan.test(), "x1", "x2"));
            }
        }
        ConfidencePlot.save(panels, plan.runs(), dir.resolve("boundaries"));
    }

    /** The net's confidence (largest softmax probability) over the plot's rectangle. */
    static ConfidenceGrid confidence(Mlp net, ConfidenceGrid.Bounds bounds) {
        return ConfidenceGrid.evaluate(bounds, GRID, ActivationComparison.TYPE, x -> Transforms.softmax(net.logits(x), true));
    }

    static ConfidenceGrid blank(ConfidenceGrid.Bounds bounds) {
        return new ConfidenceGrid(bounds, 2, 2, new double[][] {{0.5, 0.5}, {0.5, 0.5}});
    }

    /** The rectangle around all points, padded by 8% of its size on every side. */
    static ConfidenceGrid.Bounds bounds(Points... sets) {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (Points points : sets) {
            for (double[] p : points.x()) {
                x0 = Math.min(x0, p[0]);
                x1 = Math.max(x1, p[0]);
                y0 = Math.min(y0, p[1]);
                y1 = Math.max(y1, p[1]);
            }
        }
        double px = Math.max(0.08 * (x1 - x0), 0.1), py = Math.max(0.08 * (y1 - y0), 0.1);
        return new ConfidenceGrid.Bounds(x0 - px, x1 + px, y0 - py, y1 + py);
    }

    // ---- the numbers ----

    /** One activation's runs: test accuracy and final loss of the finished ones, and who stayed at chance or diverged. */
    record Summary(Activation activation, int runs, int diverged, ActivationComparison.Stats testAccuracy,
            ActivationComparison.Stats finalLoss, int atChance, double medianFirstLayerNorm) {
        static Summary of(Activation a, List<ActivationComparison.Run> all) {
            var mine = all.stream().filter(r -> r.activation() == a).toList();
            var finished = mine.stream().filter(ActivationComparison.Run::finished).toList();
            double[] test = finished.stream().mapToDouble(r -> r.result().testAccuracy()).toArray();
            double[] loss = finished.stream().mapToDouble(r -> r.result().loss()).toArray();
            int atChance = (int) java.util.Arrays.stream(test).filter(t -> t <= ActivationComparison.CHANCE).count();
            double[] firstLayer = mine.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.column(0))).toArray();
            return new Summary(a, mine.size(), mine.size() - finished.size(), ActivationComparison.Stats.of(test),
                    ActivationComparison.Stats.of(loss), atChance, ActivationComparison.median(firstLayer));
        }

        int finished() {
            return runs - diverged;
        }
    }

    static String table(Map<Activation, Summary> summaries) {
        var out = new StringBuilder(String.format(Locale.ROOT, "%-10s %4s  %-17s %7s %7s  %-19s %7s %7s  %9s %8s%n", "activation",
                "runs", "test acc mean±std", "min", "max", "final loss mean±std", "min", "max", "at chance", "diverged"));
        for (Summary s : summaries.values()) {
            var t = s.testAccuracy();
            var l = s.finalLoss();
            out.append(String.format(Locale.ROOT, "%-10s %4d  %-17s %7s %7s  %-19s %7.4f %7.4f  %9s %8d%n", s.activation(), s.runs(),
                    ActivationComparison.percent(t.mean()) + " ± " + ActivationComparison.percent(t.std()),
                    ActivationComparison.percent(t.min()), ActivationComparison.percent(t.max()),
                    String.format(Locale.ROOT, "%.4f ± %.4f", l.mean(), l.std()), l.min(), l.max(),
                    s.atChance() + "/" + s.finished(), s.diverged()));
        }
        out.append(String.format(Locale.ROOT, "(std: sample standard deviation; at chance: final test accuracy <= %.0f%%; "
                + "statistics over the runs that did not diverge)%n", 100 * ActivationComparison.CHANCE));
        return out.toString();
    }

    /** "Is one architecture always better, and why?", answered from the runs. */
    static String answer(ActivationComparison.Plan plan, List<ActivationComparison.Run> runs, Map<Activation, Summary> summaries) {
        Summary relu = summaries.get(Activation.RELU), sigmoid = summaries.get(Activation.SIGMOID);
        if (relu == null || sigmoid == null) {
            Summary only = summaries.values().iterator().next();
            return "Only " + ActivationComparison.display(only.activation()) + " was trained (--activation), so there is nothing to "
                    + "compare: its mean test accuracy was " + ActivationComparison.percent(only.testAccuracy().mean()) + " over "
                    + ActivationComparison.runs(only.finished()) + ", " + only.atChance() + " at chance. Run without --activation to compare ReLU and Sigmoid.";
        }
        // Paired runs: run r of both activations started from the same weights.
        int reluWins = 0, sigmoidWins = 0, ties = 0;
        for (int r = 1; r <= plan.runs(); r++) {
            final int run = r;
            var pair = runs.stream().filter(x -> x.run() == run && x.finished()).toList();
            if (pair.size() != 2) continue;
            double a = pair.get(0).activation() == Activation.RELU ? pair.get(0).result().testAccuracy() : pair.get(1).result().testAccuracy();
            double b = pair.get(0).activation() == Activation.SIGMOID ? pair.get(0).result().testAccuracy() : pair.get(1).result().testAccuracy();
            if (a > b) reluWins++;
            else if (b > a) sigmoidWins++;
            else ties++;
        }
        int pairs = reluWins + sigmoidWins + ties;
        Summary better = relu.testAccuracy().mean() >= sigmoid.testAccuracy().mean() ? relu : sigmoid;
        Summary worse = better == relu ? sigmoid : relu;
        String betterName = ActivationComparison.display(better.activation()), worseName = ActivationComparison.display(worse.activation());
        int betterWins = better == relu ? reluWins : sigmoidWins, worseWins = better == relu ? sigmoidWins : reluWins;
        boolean always = pairs > 0 && betterWins == pairs && better.atChance() == 0 && better.diverged() == 0;

        var s = new StringBuilder();
        if (pairs == 0) {
            s.append("No pair of runs finished for both activations, so no paired comparison is possible. ");
        } else if (ties == pairs) {
            s.append(String.format(Locale.ROOT, "Neither: all %d paired runs (same initial weights) ended at the same test accuracy. ", pairs));
        } else if (always) {
            s.append(String.format(Locale.ROOT, "In these runs, yes: %s beat %s in all %d paired runs (same initial weights). "
                    + "But %d run%s per activation cannot prove \"always\" (see why below). ", betterName, worseName, pairs, plan.runs(),
                    plan.runs() == 1 ? "" : "s"));
        } else {
            s.append(String.format(Locale.ROOT, "No, not always: %s beat %s in %d of %d paired runs (same initial weights), %s won %d%s. ",
                    betterName, worseName, betterWins, pairs, worseName, worseWins, ties > 0 ? ", " + ties + " tied" : ""));
        }
        s.append(String.format(Locale.ROOT, "Mean test accuracy %s (%s) vs %s (%s); best %s vs %s, worst %s vs %s. ",
                ActivationComparison.percent(relu.testAccuracy().mean()), "ReLU", ActivationComparison.percent(sigmoid.testAccuracy().mean()),
                "Sigmoid", ActivationComparison.percent(relu.testAccuracy().max()), ActivationComparison.percent(sigmoid.testAccuracy().max()),
                ActivationComparison.percent(relu.testAccuracy().min()), ActivationComparison.percent(sigmoid.testAccuracy().min())));
        s.append(String.format(Locale.ROOT, "Runs that never left chance (test accuracy <= %.0f%%): ReLU %d of %d, Sigmoid %d of %d.",
                100 * ActivationComparison.CHANCE, relu.atChance(), relu.finished(), sigmoid.atChance(), sigmoid.finished()));
        if (relu.diverged() + sigmoid.diverged() > 0) {
            s.append(String.format(Locale.ROOT, " Diverged (loss NaN or infinite): ReLU %d, Sigmoid %d.", relu.diverged(), sigmoid.diverged()));
        }
        s.append("\n\nWhy: the sigmoid's derivative is at most 0.25 (at 0, less where it saturates), so on the way back each of the ")
                .append(plan.depth() + 1).append(" sigmoid layers between the loss and hidden1 shrinks the gradient again, on top of ")
                .append("PyTorch's small initial weights (|w| <= 1/sqrt(fan_in)). The first layers get tiny gradients and barely move at lr ")
                .append(plan.lr()).append(String.format(Locale.ROOT, ": the median first-layer weight-gradient norm (over epochs and runs) was %.2e for Sigmoid vs %.2e for ReLU",
                        sigmoid.medianFirstLayerNorm(), relu.medianFirstLayerNorm()));
        double ratio = relu.medianFirstLayerNorm() / sigmoid.medianFirstLayerNorm();
        if (Double.isFinite(ratio) && ratio > 1) s.append(String.format(Locale.ROOT, ", %.0f times smaller", ratio));
        s.append(". ReLU's derivative is 1 wherever a unit is active, so the gradient reaches the first layer undiminished. ")
                .append("But a ReLU unit that is negative for every input gets no gradient at all and stays dead; the latent layer has only ")
                .append("2 units, so if they die the output sees a constant and the net is stuck at chance");
        if (relu.atChance() > 0) {
            s.append(String.format(Locale.ROOT, " (%d of the %d ReLU runs here)", relu.atChance(), relu.finished()));
        } else {
            s.append(" (none of the ").append(relu.finished()).append(" ReLU runs here, but other seeds can)");
        }
        s.append(". So ReLU is the better default for deep nets, but not a guarantee: an unlucky seed can leave either one at chance.");
        return s.toString();
    }

    static String json(ActivationComparison.Plan plan, Map<Activation, Summary> summaries, List<ActivationComparison.Run> runs) {
        var j = new StringBuilder("{\n");
        j.append(String.format(Locale.ROOT, "  \"depth\": %d,%n  \"width\": %d,%n  \"epochs\": %d,%n  \"lr\": %s,%n  \"momentum\": %s,%n  \"runs\": %d,%n",
                plan.depth(), plan.width(), plan.epochs(), plan.lr(), plan.momentum(), plan.runs()));
        j.append("  \"seed\": ").append(plan.init() == null ? Long.toString(plan.seed()) : "null").append(",\n");
        j.append("  \"data\": \"").append(jsonText(plan.data())).append("\",\n");
        j.append("  \"chance_threshold\": ").append(ActivationComparison.CHANCE).append(",\n  \"activations\": {\n");
        int i = 0;
        for (Summary s : summaries.values()) {
            j.append("    \"").append(s.activation()).append("\": {\"runs\": ").append(s.runs()).append(", \"diverged\": ").append(s.diverged())
                    .append(", \"at_chance\": ").append(s.atChance())
                    .append(", \"test_acc\": ").append(stats(s.testAccuracy())).append(", \"final_loss\": ").append(stats(s.finalLoss()))
                    .append(", \"median_first_layer_grad_norm\": ").append(ActivationComparison.json(s.medianFirstLayerNorm())).append('}')
                    .append(++i < summaries.size() ? ",\n" : "\n");
        }
        j.append("  },\n  \"per_run\": [\n");
        for (int k = 0; k < runs.size(); k++) {
            var r = runs.get(k);
            j.append("    {\"activation\": \"").append(r.activation()).append("\", \"run\": ").append(r.run()).append(", \"seed\": ")
                    .append(r.seed() == null ? "null" : r.seed()).append(", \"final_loss\": ")
                    .append(r.finished() ? ActivationComparison.json(r.result().loss()) : "null").append(", \"test_acc\": ")
                    .append(r.finished() ? ActivationComparison.json(r.result().testAccuracy()) : "null").append(", \"diverged\": ")
                    .append(!r.finished()).append('}').append(k + 1 < runs.size() ? ",\n" : "\n");
        }
        return j.append("  ]\n}\n").toString();
    }

    /** A JSON string's content: quotes, backslashes and control characters escaped (the data line names files). */
    static String jsonText(String text) {
        var out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            else out.append(c);
        }
        return out.toString();
    }

    static String stats(ActivationComparison.Stats s) {
        return "{\"mean\": " + ActivationComparison.json(s.mean()) + ", \"std\": " + ActivationComparison.json(s.std()) + ", \"min\": "
                + ActivationComparison.json(s.min()) + ", \"max\": " + ActivationComparison.json(s.max()) + "}";
    }
}
