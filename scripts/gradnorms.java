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
import java.util.stream.IntStream;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import cli.Cli;
import cli.DivergedException;
import cli.Output;
import nn.Activation;
import plot.Charts;
import speed.Nd4jSetup;
import study.ActivationComparison;
import study.RecordedRuns;

/**
 * Vanishing gradients, step 3: the L2 norm of every hidden layer's weight gradient, every epoch, right after the
 * backward pass, for ReLU and Sigmoid nets that start from the same weights. Does Sigmoid show the vanishing gradient
 * more clearly? The verdict is derived from the ratio of the first to the last hidden layer's norm.
 */
@Command(name = "gradnorms", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Records the weight-gradient norm of every hidden layer in every epoch for ReLU and Sigmoid nets "
                + "(default 3 hidden layers x 264, --runs seeds each): gradnorms.csv, history.csv, runs.csv, per-layer and "
                + "first-layer plots (log axis), the first/last layer ratio and a verdict (answer.md). With --from it reads "
                + "the nets deep trained (deep trains the same nets and records the same norms) instead of training them again.")
public class gradnorms implements Callable<Integer> {
    @Mixin
    ActivationComparison.Options options = new ActivationComparison.Options();

    @Option(names = "--from", paramLabel = "DIR", description = "Read the runs from deep's output folder (summary.json, runs.csv, "
            + "history.csv, gradnorms.csv) instead of training; its settings are deep's, so no training option goes with it.")
    Path from;

    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new gradnorms(), args);
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        Path dir;
        String setup;
        List<ActivationComparison.Run> runs;
        if (from != null) {
            // Read the runs deep recorded: the same nets (same seeds, same settings) and the same norms.
            rejectTrainingOptions();
            Path out = ActivationComparison.outDir(options.out, "gradnorms");
            Cli.require(!out.toAbsolutePath().normalize().equals(from.toAbsolutePath().normalize()),
                    "--out must not be the --from folder (gradnorms would overwrite deep's files there)");
            var recorded = RecordedRuns.read(from, "--from");
            dir = Output.prepareDir(out, "--out");
            setup = recorded.setup();
            runs = recorded.runs();
            System.out.println("gradnorms: " + setup);
            System.out.println("read the " + runs.size() + " nets deep trained from " + from + " (no training here)");
            writeCsvs(dir, runs);
        } else {
            ActivationComparison.Plan plan = ActivationComparison.plan(options, "gradnorms", 2);
            dir = Output.prepareDir(plan.out(), "--out");
            Nd4jSetup.threads(1);   // why: see there (small matrices; idle OpenMP workers spin, on a shared machine ~10x slower)
            setup = plan.describe();
            System.out.println("gradnorms: " + setup);

            // Train every (run, activation), recording the norms; each run's rows are written as soon as it ends.
            runs = ActivationComparison.trainAll(plan, "gradnorms", (run, net) -> {}, soFar -> writeCsvs(dir, soFar));
        }

        // From here on trained and read runs take the same path.
        // Figures: per-layer norms, one panel per activation on a shared log axis; the first layer of both.
        plot(runs, dir);

        // The ratio table and the verdict.
        Map<Activation, LayerStats> stats = new LinkedHashMap<>();
        for (Activation a : activations(runs)) stats.put(a, LayerStats.of(runs.stream().filter(r -> r.activation() == a).toList()));
        String table = table(stats);
        String verdict = verdict(stats);
        System.out.println();
        System.out.print(table);
        System.out.println();
        System.out.println(verdict);
        Output.writeString(dir.resolve("answer.md"), "# Does Sigmoid show the vanishing gradient more clearly?\n\n"
                + "Setup: " + setup + ".\n\n```\n" + table + "```\n\n" + verdict + "\n");
        System.out.printf(Locale.ROOT, "%nwrote gradnorms.csv, history.csv, runs.csv, gradnorms.png/.svg, first_layer.png/.svg, answer.md "
                + "to %s (wall time %.1f s)%n", dir, (System.nanoTime() - start) / 1e9);

        List<String> diverged = runs.stream().filter(r -> !r.finished()).map(ActivationComparison.Run::label).toList();
        if (!diverged.isEmpty()) {
            throw new DivergedException(diverged.size() + " of " + runs.size() + " runs diverged (" + String.join(", ", diverged)
                    + "); the other runs and all files were written");
        }
        return Cli.OK;
    }

    /** Training options say how to train; with --from the nets are trained already, by deep's settings. */
    void rejectTrainingOptions() {
        List<String> training = spec.commandLine().getParseResult().matchedOptions().stream().map(OptionSpec::longestName)
                .filter(name -> !name.equals("--from") && !name.equals("--out")).distinct().toList();
        Cli.require(training.isEmpty(), "--from reads runs deep trained with its own settings, so it takes no training option; got "
                + String.join(", ", training) + " (only --out goes with --from)");
    }

    static void writeCsvs(Path dir, List<ActivationComparison.Run> runs) {
        Output.writeString(dir.resolve("gradnorms.csv"), ActivationComparison.gradNormsCsv(runs));
        Output.writeString(dir.resolve("history.csv"), ActivationComparison.historyCsv(runs));
        Output.writeString(dir.resolve("runs.csv"), ActivationComparison.runsCsv(runs));
    }

    /** The activations of the runs, in their order (relu before sigmoid, as the steps train them). */
    static List<Activation> activations(List<ActivationComparison.Run> runs) {
        return runs.stream().map(ActivationComparison.Run::activation).distinct().toList();
    }

    // ---- figures ----

    static void plot(List<ActivationComparison.Run> runs, Path dir) {
        var started = runs.stream().filter(r -> r.gradNorms().length > 0).toList();
        if (started.isEmpty()) return;
        String yLabel = "weight-gradient L2 norm (log)";
        int perActivation = runs.stream().mapToInt(ActivationComparison.Run::run).max().orElse(0);
        var panels = new ArrayList<XYChart>();
        for (Activation a : activations(runs)) {
            var lines = new ArrayList<Charts.Line>();
            for (var run : started) {
                if (run.activation() != a) continue;
                for (int k = 0; k < run.hiddenLayers().size(); k++) lines.add(new Charts.Line(run.hiddenLayers().get(k), epochs(run), run.column(k)));
            }
            if (lines.isEmpty()) continue;
            panels.add(Charts.lines(ActivationComparison.display(a) + ": every hidden layer, " + ActivationComparison.runs(perActivation), "epoch", yLabel,
                    lines, Charts.Scale.LOG));
        }
        Charts.shareYRange(panels);
        Charts.save(panels, panels.size(), dir.resolve("gradnorms"));

        var first = started.stream().map(r -> new Charts.Line(ActivationComparison.display(r.activation()), epochs(r), r.column(0))).toList();
        Charts.save(Charts.lines("First hidden layer (hidden1): ReLU vs Sigmoid", "epoch", yLabel, first, Charts.Scale.LOG),
                dir.resolve("first_layer"));
    }

    static double[] epochs(ActivationComparison.Run run) {
        return IntStream.range(0, run.gradNorms().length).asDoubleStream().toArray();
    }

    // ---- the numbers ----

    /**
     * One activation's norms: the median of every layer's norm over all epochs and runs, and the median over all
     * (run, epoch) of the ratio norm(hidden1) / norm(hiddenN). Epochs whose last-layer norm is 0 (dead ReLUs: no
     * gradient at all) have no ratio and are counted in {@code undefined}.
     */
    record LayerStats(List<String> layers, double[] medianNorm, double medianRatio, int ratios, int undefined) {
        static LayerStats of(List<ActivationComparison.Run> runs) {
            List<String> layers = runs.get(0).hiddenLayers();
            double[] medians = new double[layers.size()];
            for (int k = 0; k < medians.length; k++) {
                final int layer = k;
                medians[k] = ActivationComparison.median(runs.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.column(layer))).toArray());
            }
            var ratios = new ArrayList<Double>();
            int undefined = 0;
            for (var run : runs) {
                for (double[] epoch : run.gradNorms()) {
                    double ratio = epoch[0] / epoch[epoch.length - 1];
                    if (Double.isFinite(ratio)) ratios.add(ratio);
                    else undefined++;
                }
            }
            return new LayerStats(layers, medians, ActivationComparison.median(ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                    ratios.size(), undefined);
        }

        /** The average factor per layer going back: the ratio's (layers - 1)-th root. */
        double perLayerFactor() {
            return Math.pow(medianRatio, 1.0 / (layers.size() - 1));
        }
    }

    static String table(Map<Activation, LayerStats> stats) {
        List<String> layers = stats.values().iterator().next().layers();
        var out = new StringBuilder(String.format(Locale.ROOT, "%-10s", "activation"));
        for (String layer : layers) out.append(String.format(Locale.ROOT, " %10s", layer));
        out.append(String.format(Locale.ROOT, "  %14s  %10s%n", "ratio first/last", "per layer"));
        for (var e : stats.entrySet()) {
            LayerStats s = e.getValue();
            out.append(String.format(Locale.ROOT, "%-10s", e.getKey()));
            for (double m : s.medianNorm()) out.append(String.format(Locale.ROOT, " %10.3e", m));
            out.append(String.format(Locale.ROOT, "  %16.3f  %10.3f%n", s.medianRatio(), s.perLayerFactor()));
        }
        String last = layers.get(layers.size() - 1);
        out.append("(layer columns: median weight-gradient L2 norm over all epochs and runs; ratio: median over all (run, epoch) of\n"
                + " norm(hidden1) / norm(" + last + "), epochs without a last-layer gradient left out");
        for (var e : stats.entrySet()) if (e.getValue().undefined() > 0) out.append(": ").append(e.getKey()).append(' ').append(e.getValue().undefined());
        out.append("; per layer: the ratio's (layers-1)-th root, the average shrink factor from one layer to the one below)\n");
        return out.toString();
    }

    /** "Does Sigmoid show the vanishing gradient more clearly?", answered from the medians. */
    static String verdict(Map<Activation, LayerStats> stats) {
        LayerStats relu = stats.get(Activation.RELU), sigmoid = stats.get(Activation.SIGMOID);
        List<String> layers = stats.values().iterator().next().layers();
        String last = layers.get(layers.size() - 1);
        if (relu == null || sigmoid == null) {
            var e = stats.entrySet().iterator().next();
            return String.format(Locale.ROOT, "Only %s was trained (--activation): its first hidden layer got a median %.3g of %s's "
                    + "gradient norm. Run without --activation to compare ReLU and Sigmoid.", ActivationComparison.display(e.getKey()),
                    e.getValue().medianRatio(), last);
        }
        boolean smallerRatio = sigmoid.medianRatio() < relu.medianRatio();
        boolean smallerFirst = sigmoid.medianNorm()[0] < relu.medianNorm()[0];
        var s = new StringBuilder();
        if (smallerRatio && smallerFirst) s.append("Yes, Sigmoid shows the vanishing gradient more clearly. ");
        else if (smallerRatio || smallerFirst) s.append("Only partly: the two measures disagree. ");
        else s.append("No, not in these runs: Sigmoid's gradients do not vanish faster than ReLU's. ");
        s.append(String.format(Locale.ROOT, "Sigmoid's first hidden layer got a median %.3g of %s's gradient norm, ReLU's %.3g "
                + "(median over %d and %d (run, epoch) pairs of norm(hidden1)/norm(%s)): going back one layer shrinks Sigmoid's "
                + "gradient by a factor of about %.2f on average, ReLU's by %.2f. ", sigmoid.medianRatio(), last, relu.medianRatio(),
                sigmoid.ratios(), relu.ratios(), last, sigmoid.perLayerFactor(), relu.perLayerFactor()));
        double times = relu.medianNorm()[0] / sigmoid.medianNorm()[0];
        s.append(String.format(Locale.ROOT, "In absolute terms the median first-layer norm was %.2e for Sigmoid vs %.2e for ReLU",
                sigmoid.medianNorm()[0], relu.medianNorm()[0]));
        if (Double.isFinite(times) && times > 1) s.append(String.format(Locale.ROOT, " (%.0f times smaller)", times));
        else if (Double.isFinite(times) && times > 0) s.append(String.format(Locale.ROOT, " (%.0f times larger)", 1 / times));
        s.append(". ");
        if (smallerRatio && smallerFirst) {
            s.append("That is the vanishing gradient: every sigmoid multiplies the backward signal by its derivative, at most 0.25, ")
                    .append("so the layers far from the loss learn slowest; ReLU passes it on with derivative 1 wherever a unit is active.");
        }
        if (relu.undefined() > 0) {
            s.append(String.format(Locale.ROOT, " %d ReLU epochs had no gradient at all in %s (the ReLUs above it were off for every "
                    + "input, so nothing came back) and are left out of the ratio.", relu.undefined(), last));
        }
        return s.toString();
    }
}
