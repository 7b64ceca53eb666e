///usr/bin/env jbang "$0" "$@" ; exit $?
// Vanishing gradient, step 2: make the lecture's net deeper, 3 or more hidden layers hidden1..hiddenN of equal width
// before its 2-unit latent layer and the 2-class output (the new layers in the forward pass and in the latent
// computation), and train it with ReLU and with Sigmoid (or any activations of --activations), several runs each, run r
// of every activation from the same weights. Is one architecture always better, and why?
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.ops.transforms.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import cli.Cli;
import cli.OutputFolder;
import cli.StudyOptions;
import data.Points;
import io.Format;
import io.Output;
import nn.Activation;
import nn.Mlp;
import nn.Training;
import plot.Charts;
import plot.ConfidenceGrid;
import plot.ConfidencePlot;
import report.DeepResult;
import report.StepCommand;
import study.LatentUnits;
import study.Run;
import study.RunFiles;
import study.Study;
import study.Trainer;

/** Step 2: the deep nets trained with each activation and compared; {@link DeepResult#answer()} answers the question. */
@Command(name = "deep", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains a deep net (default 3 hidden layers x 264) with each activation of --activations (default ReLU and "
                + "Sigmoid, the sheet's), --runs seeds each, and compares them: runs.csv, history.csv, gradnorms.csv, updates.csv, units.csv (per layer: gradient norms, updates, dead and saturated units; "
                + "gradnorms --from reads them), loss/accuracy curves, decision boundaries, units per layer, every net's input and latent "
                + "space, a summary table, answer.md, summary.json. Run r of every activation starts from the same weights (torch seed S+r-1).")
public class deep implements StepCommand {
    /** Cells per side of a decision-boundary panel's confidence field; of a latent figure's (drawn on the training threads: half the cost). */
    static final int GRID = 120, LATENT_GRID = 80;
    /** Panels side by side in a figure with a panel per activation, at most. */
    static final int COLUMNS = 3;
    /** What it writes into --out: the run files gradnorms --from reads, the answer, the figures. */
    static final List<String> OUTPUTS = java.util.stream.Stream.concat(RunFiles.FILES.stream(), java.util.stream.Stream.of("answer.md",
            "{boundaries,units,accuracy,loss}.{png,svg}", "latent_*_run*.{png,svg}")).toList();

    @Mixin
    StudyOptions options = new StudyOptions();

    public static void main(String... args) {
        System.exit(Cli.run(new deep(), args));
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        DeepResult result = run();
        System.out.printf(Locale.ROOT, "%n%s%n%n%s (wall time %.1f s)%n", result, result.written(), (System.nanoTime() - start) / 1e9);
        Run.throwIfDiverged(result.runs());   // exit 3, naming them, after everything is written
        return Cli.OK;
    }

    public DeepResult run() {
        // Data and settings: every option checked and every input read before anything is written.
        Trainer trainer = options.trainer(1);
        Study study = trainer.study();
        OutputFolder folder = OutputFolder.open(options.outDir("deep"), "--out", OUTPUTS, options.inputs());   // the files appear together, at the end
        Path dir = folder.dir();
        System.out.println("deep: " + study.describe());

        // Model, per activation: hidden1 = Linear(2, width), hidden2..hiddenN = Linear(width, width), latent =
        // Linear(width, 2), output = Linear(2, 2), the activation after every layer but the output (Study.newNet).
        for (Activation a : study.activations()) System.out.println("  " + a + " net: " + study.newNet(a));

        // Train every (run, activation), --jobs at a time; each trained net's decision field is taken and its input and
        // latent space drawn on its own thread, before the net is dropped. Record: runs.csv, history.csv, gradnorms.csv,
        // updates.csv, units.csv grow as runs end (gradnorms --from reads them instead of training).
        var fields = new ConcurrentHashMap<String, ConfidenceGrid>();   // run label -> confidence field of the trained net
        var latent = new ConcurrentHashMap<String, Double>();           // run label -> its latent layer's dead or saturated share
        ConfidenceGrid.Bounds bounds = ConfidenceGrid.Bounds.around(0.08, trainer.data().train(), trainer.data().test());
        List<Run> runs = trainer.train("deep", (run, net) -> {
            if (!run.finished()) return;
            fields.put(run.label(), ConfidenceGrid.evaluate(bounds, GRID, Study.TYPE, x -> Transforms.softmax(net.logits(x), true)));
            latent.put(run.label(), LatentUnits.share(net, trainer.data().train()));
            plotLatent(run, net, trainer.data().test(), dir);
        }, soFar -> RunFiles.writeRuns(dir, soFar));

        // Plot: one decision-boundary panel per run; dead and saturated units per layer; every trained net's input and
        // latent space (drawn above); loss and accuracy curves of every run, coloured by activation.
        var figures = new ArrayList<Path>();
        figures.add(plotBoundaries(study, runs, fields, bounds, trainer.data().test(), dir));
        figures.addAll(plotUnits(study, runs, dir));
        runs.stream().filter(Run::finished).forEach(run -> figures.add(DeepResult.latentFigure(dir, run)));
        figures.addAll(plotCurves(study, runs, dir));

        // Answer, from the runs' numbers: the console, answer.md and report.md all print DeepResult.answer().
        var files = new ArrayList<Path>();
        for (String type : List.of(".png", ".svg")) figures.forEach(f -> files.add(f.resolveSibling(f.getFileName() + type)));
        files.addAll(RunFiles.csvFiles(dir));
        files.addAll(List.of(dir.resolve("answer.md"), dir.resolve(RunFiles.SUMMARY)));
        files.addAll(trainer.savedWeights(runs));
        DeepResult result = DeepResult.of(study, runs, latent, folder.target(), folder.targets(files));
        Output.writeString(dir.resolve("answer.md"), result.answerMd());
        RunFiles.writeSummary(dir, study, runs);
        folder.commit(files);
        return result;
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    // ---- figures ----

    /** One row of panels per activation, one column per run; a diverged run's panel has no field. */
    static Path plotBoundaries(Study study, List<Run> runs, Map<String, ConfidenceGrid> fields, ConfidenceGrid.Bounds bounds, Points test,
            Path dir) {
        var panels = new ArrayList<ConfidencePlot.Panel>();
        var blank = new ConfidenceGrid(bounds, 2, 2, new double[][] {{0.5, 0.5}, {0.5, 0.5}});
        for (Activation a : study.activations()) {
            for (Run run : runs) {
                if (run.activation() != a) continue;
                ConfidenceGrid grid = fields.getOrDefault(run.label(), blank);
                String result = run.finished() ? "test " + Format.percent(run.result().testAccuracy()) : "diverged";
                panels.add(ConfidencePlot.panel(run.displayLabel() + ": " + result, grid, test, "x1", "x2"));
            }
        }
        ConfidencePlot.save(panels, study.runs(), dir.resolve("boundaries"));
        return dir.resolve("boundaries");
    }

    /** The lecture's two panels of a trained net: its confidence over the input space and over its 2-unit latent space. */
    static void plotLatent(Run run, Mlp net, Points test, Path dir) {
        List<ConfidencePlot.Panel> panels = ConfidencePlot.inputAndLatent(net, test, "test points", LATENT_GRID);
        panels.get(0).setTitle(run.displayLabel() + ", test " + Format.percent(run.result().testAccuracy()) + ": input");
        ConfidencePlot.save(panels, 2, DeepResult.latentFigure(dir, run));
    }

    /** Per activation, every hidden layer's share of the units its rule counts (dead units or saturated outputs; units.csv), epoch by epoch. */
    static List<Path> plotUnits(Study study, List<Run> runs, Path dir) {
        var panels = new ArrayList<XYChart>();
        for (Activation a : study.activations()) {
            Activation.Units units = a.units().kind();
            var lines = new ArrayList<Charts.Line>();
            for (Run run : runs) {
                if (run.activation() != a || run.epochs().isEmpty()) continue;
                for (int k = 0; k < run.layers().size(); k++) lines.add(new Charts.Line(run.layers().get(k), run.epochNumbers(),
                        Arrays.stream(run.series(units.column(), k)).map(v -> 100 * v).toArray()));
            }
            if (lines.isEmpty()) continue;
            XYChart chart = Charts.lines(a.displayName() + ": " + units + ", " + Format.count(study.runs(), "run"), "epoch", units.axis(), lines);
            double max = lines.stream().flatMapToDouble(l -> Arrays.stream(l.y())).filter(Double::isFinite).max().orElse(0);
            Charts.yRange(chart, 0, Math.max(5, 1.1 * max));   // from 0, and some range where no unit is dead or saturated
            panels.add(chart);
        }
        if (panels.isEmpty()) return List.of();
        Charts.save(panels, Math.min(panels.size(), COLUMNS), dir.resolve("units"));
        return List.of(dir.resolve("units"));
    }

    /** Loss and accuracy curves of every run that has an epoch; none when no run has one. */
    static List<Path> plotCurves(Study study, List<Run> runs, Path dir) {
        var started = runs.stream().filter(r -> !r.epochs().isEmpty()).toList();
        if (started.isEmpty()) return List.of();
        String shape = study.depth() + " x " + study.width();
        XYChart loss = Charts.lines("Training loss, " + shape + ", " + Format.count(study.runs(), "run") + " each", "epoch",
                "mean cross-entropy", curves(started, Training.Epoch::loss));
        Charts.save(loss, dir.resolve("loss"));
        XYChart train = Charts.lines("Train accuracy, " + shape, "epoch", "accuracy (%)", curves(started, e -> 100 * e.trainAccuracy()));
        XYChart test = Charts.lines("Test accuracy, " + shape, "epoch", "accuracy (%)", curves(started, e -> 100 * e.testAccuracy()));
        Charts.shareYRange(List.of(train, test));
        Charts.save(List.of(train, test), 2, dir.resolve("accuracy"));
        return List.of(dir.resolve("accuracy"), dir.resolve("loss"));
    }

    static List<Charts.Line> curves(List<Run> runs, ToDoubleFunction<Training.Epoch> value) {
        var lines = new ArrayList<Charts.Line>();
        for (Run run : runs) {
            lines.add(new Charts.Line(run.activation().displayName(), run.epochNumbers(), run.epochs().stream().mapToDouble(value).toArray()));
        }
        return lines;
    }
}
