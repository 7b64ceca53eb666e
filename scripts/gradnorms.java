///usr/bin/env jbang "$0" "$@" ; exit $?
// Vanishing gradient, step 3: record the gradients of the ReLU and the Sigmoid nets of step 2 (or of any activations of
// --activations), the L2 norm of every hidden layer's weight gradient in every epoch, right after the backward pass, and
// plot them per layer, with the magnitude of the first layer's updates (what each step moved in its weights, against
// the 1e-3 rule of thumb). Does Sigmoid show the vanishing gradient more clearly? With --from, the nets step 2 (deep)
// trained are read back instead of trained again: deep records these numbers for every net.
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
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
//SOURCES ../shared/sources.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (//CDS: JBang keeps a class-data archive of the script, which halves the JVM's start; -Xlog:cds=off silences the
// run that writes it. Serial GC with a small young generation keeps memory flat and low: deep peaks at 350 MB, not 770.)

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import cli.Cli;
import cli.OutputFolder;
import cli.StudyOptions;
import io.Format;
import io.Output;
import nn.Activation;
import plot.Charts;
import report.GradnormsResult;
import report.StepCommand;
import study.Run;
import study.RunFiles;
import study.Study;
import study.Trainer;

/** Step 3: the per-layer gradient norms of each activation's nets; {@link GradnormsResult#verdict()} answers the question. */
@Command(name = "gradnorms", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Records the weight-gradient norm of every hidden layer in every epoch for the nets of each activation of "
                + "--activations (default ReLU and Sigmoid; 3 hidden layers x 264, --runs seeds each), and what each step moved in its weights: gradnorms.csv, "
                + "updates.csv, units.csv, history.csv, runs.csv, per-layer, first-layer and update plots (log axis, the 1e-3 "
                + "update:weight rule of thumb), the first/last layer ratio and a verdict (answer.md). With --from it reads "
                + "the nets deep trained (deep trains the same nets and records the same norms) instead of training them again.")
public class gradnorms implements StepCommand {
    /** Panels side by side in a figure with a panel per activation, at most. */
    static final int COLUMNS = 3;
    /** What it writes into --out. */
    static final List<String> OUTPUTS = List.of("{runs,history,gradnorms,updates,units}.csv", "answer.md", "{gradnorms,first_layer,updates}.{png,svg}");

    @Mixin
    StudyOptions options = new StudyOptions();

    @Option(names = "--from", paramLabel = "DIR", description = "Read the runs from deep's output folder (summary.json, runs.csv, "
            + "history.csv, gradnorms.csv, updates.csv, units.csv) instead of training; its settings are deep's, so no training option goes with it.")
    Path from;

    @Spec
    CommandSpec spec;

    public static void main(String... args) {
        System.exit(Cli.run(new gradnorms(), args));
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        GradnormsResult result = run();
        System.out.printf(Locale.ROOT, "%n%s%n%n%s (wall time %.1f s)%n", result, result.written(), (System.nanoTime() - start) / 1e9);
        Run.throwIfDiverged(result.runs());   // exit 3, naming them, after everything is written
        return Cli.OK;
    }

    public GradnormsResult run() {
        // Data, model, training and record: the nets of step 2, read back from deep's folder, or trained here as deep trains them.
        Nets nets = from != null ? readFromDeep() : train();
        Path dir = nets.folder().dir();

        // Plot: every hidden layer's norms, a panel per activation on a shared log axis; the first layer of both.
        List<Path> figures = plot(nets.study(), nets.runs(), dir);

        // Answer, from the medians: the console, answer.md and report.md all print GradnormsResult.verdict().
        var files = new ArrayList<Path>();
        for (String type : List.of(".png", ".svg")) figures.forEach(f -> files.add(f.resolveSibling(f.getFileName() + type)));
        files.addAll(RunFiles.csvFiles(dir));
        files.add(dir.resolve("answer.md"));
        files.addAll(nets.weights());
        GradnormsResult result = GradnormsResult.of(nets.study(), nets.runs(), from, nets.folder().target(), nets.folder().targets(files));
        Output.writeString(dir.resolve("answer.md"), result.answerMd());
        nets.folder().commit(files);   // the files appear together, at the end
        return result;
    }

    /** The study, its runs, the output folder they are written to, and the --save-weights files. */
    record Nets(Study study, List<Run> runs, OutputFolder folder, List<Path> weights) {}

    /** deep's runs read back from its folder: the same nets (seeds, settings, data) and the same norms, not trained again. */
    Nets readFromDeep() {
        rejectTrainingOptions();
        RunFiles.Recorded recorded = RunFiles.read(from, "--from");
        OutputFolder folder = OutputFolder.open(options.outDir("gradnorms"), "--out", OUTPUTS, new OutputFolder.Input("--from", from));
        System.out.println("gradnorms: " + recorded.study().describe());
        System.out.println("read the " + recorded.runs().size() + " nets deep trained from " + from + " (no training here)");
        RunFiles.writeRuns(folder.dir(), recorded.runs());
        return new Nets(recorded.study(), recorded.runs(), folder, List.of());
    }

    /** The study's nets trained here, as deep trains them (Study.newNet), each run's rows written as soon as it ends. */
    Nets train() {
        Trainer trainer = options.trainer(1);
        OutputFolder folder = OutputFolder.open(options.outDir("gradnorms"), "--out", OUTPUTS, options.inputs());
        System.out.println("gradnorms: " + trainer.study().describe());
        List<Run> runs = trainer.train("gradnorms", (run, net) -> {}, soFar -> RunFiles.writeRuns(folder.dir(), soFar));
        return new Nets(trainer.study(), runs, folder, trainer.savedWeights(runs));
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    /** Training options say how to train; with --from the nets are trained already, by deep's settings. */
    void rejectTrainingOptions() {
        List<String> training = spec.commandLine().getParseResult().matchedOptions().stream().map(OptionSpec::longestName)
                .filter(name -> !name.equals("--from") && !name.equals("--out")).distinct().toList();
        Cli.require(training.isEmpty(), "--from reads runs deep trained with its own settings, so it takes no training option; got "
                + String.join(", ", training) + " (only --out goes with --from)");
    }

    // ---- figures ----

    /** gradnorms, first_layer and updates (.png/.svg); none when no run has an epoch. */
    static List<Path> plot(Study study, List<Run> runs, Path dir) {
        var started = runs.stream().filter(r -> !r.epochs().isEmpty()).toList();
        if (started.isEmpty()) return List.of();
        String yLabel = "weight-gradient L2 norm (log)";
        var panels = new ArrayList<XYChart>();
        for (Activation a : study.activations()) {
            var lines = layerLines(started, a, Run.GRAD_NORM);
            // (a dead net, e.g. width 1 under ReLU, has every gradient 0: nothing a log axis shows, and the title says so)
            boolean allZero = lines.stream().allMatch(l -> java.util.Arrays.stream(l.y()).noneMatch(v -> v > 0));
            if (!lines.isEmpty()) panels.add(Charts.lines(a.displayName() + ": every hidden layer, " + Format.count(study.runs(), "run")
                    + (allZero ? ", every gradient 0" : ""), "epoch", yLabel, lines, Charts.Scale.LOG));
        }
        Charts.shareYRange(panels);
        Charts.save(panels, Math.min(panels.size(), COLUMNS), dir.resolve("gradnorms"));

        var first = started.stream().map(r -> new Charts.Line(r.activation().displayName(), r.epochNumbers(), r.gradNorms(0))).toList();
        List<Activation> activations = study.activations();
        String which = activations.size() <= 2 ? ": " + String.join(" vs ", activations.stream().map(Activation::displayName).toList())
                : ", " + activations.size() + " activations";   // the legend names them
        Charts.save(Charts.lines("First hidden layer (hidden1)" + which, "epoch", yLabel, first, Charts.Scale.LOG), dir.resolve("first_layer"));
        return List.of(dir.resolve("gradnorms"), dir.resolve("first_layer"), plotUpdates(study, started, dir));
    }

    /**
     * updates.png/.svg, a column per activation (a row per activation for more than {@value #COLUMNS}): every hidden layer's
     * update:weight ratio per epoch with the rule of thumb's line, and its update norm ||W_after - W_before||, both on a log axis.
     */
    static Path plotUpdates(Study study, List<Run> started, Path dir) {
        var ratios = new ArrayList<XYChart>();
        var norms = new ArrayList<XYChart>();
        for (Activation a : study.activations()) {
            if (started.stream().noneMatch(r -> r.activation() == a)) continue;
            XYChart ratio = Charts.lines(a.displayName() + ": update:weight ratio per epoch", "epoch", "||W_after - W_before|| / ||W_before|| (log)",
                    layerLines(started, a, Run.UPDATE_RATIO), Charts.Scale.LOG);
            Charts.referenceLine(ratio, GradnormsResult.UPDATE_RATIO_RULE, "rule of thumb " + GradnormsResult.ruleText());
            ratios.add(ratio);
            norms.add(Charts.lines(a.displayName() + ": update norm per epoch", "epoch", "||W_after - W_before|| (log)",
                    layerLines(started, a, Run.UPDATE_NORM), Charts.Scale.LOG));
        }
        Charts.shareYRange(ratios);
        Charts.shareYRange(norms);
        var panels = new ArrayList<XYChart>();
        if (ratios.size() <= COLUMNS) {   // ratios on top, norms below
            panels.addAll(ratios);
            panels.addAll(norms);
            Charts.save(panels, ratios.size(), dir.resolve("updates"));
        } else {                          // an activation per row: its ratio, its norm
            for (int i = 0; i < ratios.size(); i++) panels.addAll(List.of(ratios.get(i), norms.get(i)));
            Charts.save(panels, 2, dir.resolve("updates"));
        }
        return dir.resolve("updates");
    }

    /** A line per run of {@code activation} and hidden layer, coloured by layer: that layer's {@code quantity} per epoch. */
    static List<Charts.Line> layerLines(List<Run> runs, Activation activation, String quantity) {
        var lines = new ArrayList<Charts.Line>();
        for (Run run : runs) {
            if (run.activation() != activation) continue;
            for (int k = 0; k < run.layers().size(); k++) lines.add(new Charts.Line(run.layers().get(k), run.epochNumbers(), run.series(quantity, k)));
        }
        return lines;
    }
}
