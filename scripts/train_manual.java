///usr/bin/env jbang "$0" "$@" ; exit $?
// Exercise 2 (backpropagation by hand), step 4: train x -> Linear -> ReLU -> Linear -> softmax -> CE with the
// hand-written forward and backward passes and plain full-batch gradient descent (pytorch_reference.py's manual loop);
// plot the loss, the decision boundary at a few epochs, and an animation of the boundary as it trains.
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
import java.util.TreeSet;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import cli.Cli;
import cli.OutputFolder;
import cli.TwoLayerNetOptions;
import data.Points;
import data.Split;
import data.TwoMoons;
import io.DivergedException;
import io.Output;
import nn.Training.Epoch;
import nn.Training;
import plot.AnimatedGif;
import plot.Charts;
import plot.ConfidenceGrid;
import plot.ConfidencePlot;
import report.StepCommand;
import report.TrainManualResult;
import speed.Background;
import speed.Nd4jSetup;

/** Exercise 2, step 4: gradient descent with the hand-written backprop; history.csv, loss, snapshots and a GIF. */
@Command(name = "train-manual", mixinStandardHelpOptions = true,
        description = "Train the 2-layer net by hand-written backprop and gradient descent; history.csv, loss.png, "
                + "snapshots.png, boundary.gif in --out.")
public class train_manual implements StepCommand {
    /** Grid points per side of a snapshot's and of a GIF frame's decision boundary; frames of the GIF. */
    static final int SNAPSHOT_RESOLUTION = 200, FRAME_RESOLUTION = 120, FRAMES = 60;
    /**
     * At most: the snapshots and frames evaluate the net at 40,000 and 14,400 points ([points, H] matrices); a step takes
     * about 1 ms (one ND4J call per formula), so 5,000 epochs, 2.5 times the default, take seconds (a test runs them).
     */
    static final int MAX_HIDDEN = 1024, MAX_EPOCHS = 5_000;
    /** What it writes into --out. */
    static final List<String> OUTPUTS = List.of("history.csv", "weights.npz", "boundary.gif", "{snapshots,loss}.{png,svg}");

    @Mixin
    TwoLayerNetOptions start;
    @Option(names = "--lr", description = "Learning rate, a finite number > 0 (default ${DEFAULT-VALUE}).")
    double lr = 0.5;
    @Option(names = "--epochs", description = "Gradient-descent steps on the full batch, 0 to " + MAX_EPOCHS + " (default ${DEFAULT-VALUE}).")
    int epochs = 2000;
    @Option(names = "--train", paramLabel = "FILE", description = "Training CSV (x1,x2,label); default the lecture's train split.")
    Path train;
    @Option(names = "--test", paramLabel = "FILE", description = "Test CSV (x1,x2,label); default the lecture's test split.")
    Path test;
    @Option(names = "--snapshots", paramLabel = "E,E,...", split = ",",
            description = "Epochs (0..epochs) to draw the decision boundary at (default 0,10,100,500,epochs).")
    List<Integer> snapshots;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default scripts/out/train-manual).")
    Path out;
    @Option(names = "--double", description = "Train in float64 (default float32, as PyTorch).")
    boolean useDouble;

    public static void main(String... args) {
        System.exit(Cli.run(new train_manual(), args));
    }

    @Override
    public Integer call() {
        System.out.print(run().text());
        return Cli.OK;
    }

    public TrainManualResult run() {
        // options, all checked before anything is written
        start.validate(MAX_HIDDEN);
        Cli.require(lr > 0 && Double.isFinite(lr), "--lr must be a finite number > 0, got " + lr);
        Cli.require(epochs >= 0 && epochs <= MAX_EPOCHS, "--epochs must be an integer from 0 to " + MAX_EPOCHS + ", got " + epochs);
        TreeSet<Integer> snapshotEpochs = new TreeSet<>(snapshots != null ? snapshots : List.of(0, 10, 100, 500, epochs));
        if (snapshots == null) snapshotEpochs.removeIf(e -> e > epochs);
        Cli.require(!snapshotEpochs.isEmpty() && snapshotEpochs.first() >= 0 && snapshotEpochs.last() <= epochs,
                "--snapshots must be a comma-separated list of epochs in 0.." + epochs + ", found " + snapshots);
        DataType type = useDouble ? DataType.DOUBLE : DataType.FLOAT;

        // data: the training points as rows of X with one-hot labels E, and the test points
        Split lecture = train == null || test == null ? TwoMoons.lecture() : null;
        Points trainPoints = train == null ? lecture.train() : Points.readCsv(train, "--train", type);
        Points testPoints = test == null ? lecture.test() : Points.readCsv(test, "--test", type);
        INDArray X = trainPoints.features(type), E = trainPoints.oneHot(TwoLayerNet.CLASSES, type), XTest = testPoints.features(type);

        // model
        TwoLayerNet net = start.create(type, MAX_HIDDEN);
        OutputFolder folder = OutputFolder.open(out != null ? out : Output.defaultDir("train-manual"), "--out", OUTPUTS,   // files appear together
                new OutputFolder.Input("--train", train), new OutputFolder.Input("--test", test), new OutputFolder.Input("--init", start.init()));

        // train: per epoch forward, loss, backward, step; the figures of the epochs they show are drawn on the other core
        Nd4jSetup.threads(1);   // why: see there (ND4J's default of a thread per core is 10x slower on a shared machine)
        TreeSet<Integer> frameEpochs = frameEpochs(epochs);
        var bounds = ConfidenceGrid.Bounds.around(0.1, trainPoints);
        var snapshotPanels = new ArrayList<Future<ConfidencePlot.Panel>>();
        var frames = new ArrayList<Future<AnimatedGif.Writer>>();
        var animation = new ConfidencePlot.Animation();   // the GIF's frames, encoded as they come
        var gif = AnimatedGif.Writer.open(folder.resolve("boundary.gif"), 120);
        var history = new ArrayList<Epoch>();
        long stepNanos = 0, memoryHalfway = 0;
        try (var drawing = new Background()) {
            for (int epoch = 0; epoch <= epochs; epoch++) {
                if (epoch == epochs / 2) memoryHalfway = Pointer.physicalBytes();   // warmed up: the JIT and the step's memory
                TwoLayerNet weights = snapshotEpochs.contains(epoch) || frameEpochs.contains(epoch) ? net.copy(type) : null;
                try (MemoryWorkspace step = ManualBackprop.stepMemory()) {
                    long startNanos = System.nanoTime();
                    ManualBackprop.Forward f = ManualBackprop.forward(X, net);
                    double loss = ManualBackprop.loss(f.a2(), E);
                    stepNanos += System.nanoTime() - startNanos;
                    if (!(loss <= Training.DIVERGED_LOSS)) {   // NaN, infinite or beyond the bound every training loop uses
                        drawing.close();   // (its figures are not needed: the animation's temp file goes with the staging folder)
                        gif.abandon();
                        folder.commit(List.of(writeHistory(folder, history)));
                        throw new DivergedException("train-manual diverged at epoch " + epoch + ": loss is " + loss + " (lr " + lr + "); history.csv keeps epochs 0.." + (epoch - 1));
                    }
                    Epoch row = new Epoch(epoch, loss, f.accuracy(trainPoints.y()), ManualBackprop.forward(XTest, net).accuracy(testPoints.y()));
                    history.add(row);
                    if (snapshotEpochs.contains(epoch)) snapshotPanels.add(drawing.submit(() -> panel(row, weights, bounds, SNAPSHOT_RESOLUTION, trainPoints)));
                    if (frameEpochs.contains(epoch)) frames.add(drawing.submit(() -> gif.add(animation.frame(panel(row, weights, bounds,
                            FRAME_RESOLUTION, trainPoints)))));
                    if (epoch == epochs) break;   // the last row is the trained net
                    startNanos = System.nanoTime();
                    ManualBackprop.step(net, ManualBackprop.backward(X, E, f, net.W2()), lr);
                    stepNanos += System.nanoTime() - startNanos;
                }
            }
            long memoryGrowth = Pointer.physicalBytes() - memoryHalfway;

            // record and plot: the boundary at the snapshot epochs and the animation on the other core, the curves on this one
            Path historyFile = writeHistory(folder, history), weightsFile = net.save(folder.resolve("weights.npz"));
            Future<List<Path>> snapshots = drawing.submit(() -> ConfidencePlot.save(Background.results(snapshotPanels),
                    Math.min(3, snapshotPanels.size()), folder.resolve("snapshots")));
            Future<Path> animationFile = drawing.submit(gif::finish);
            var files = new ArrayList<>(plotLoss(history, folder.resolve("loss")));
            Background.results(frames);   // (a frame that failed fails the run)
            files.addAll(0, Background.result(snapshots));
            files.addAll(List.of(Background.result(animationFile), historyFile, weightsFile));

            // answer
            var settings = new TrainManualResult.Settings(net.hidden(), start.describe(), trainPoints.size(), testPoints.size(), lr, epochs,
                    type.toString());
            return new TrainManualResult(settings, history, epochs == 0 ? 0 : stepNanos / 1e6 / epochs, memoryGrowth, folder.target(),
                    folder.commit(files));
        }
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    /** The decision boundary of {@code net} on a grid of resolution^2 points, titled with its epoch's loss and test accuracy. */
    private static ConfidencePlot.Panel panel(Epoch row, TwoLayerNet net, ConfidenceGrid.Bounds bounds, int resolution, Points points) {
        var grid = ConfidenceGrid.evaluate(bounds, resolution, net.dataType(), x -> ManualBackprop.forward(x, net).p());
        String title = String.format(Locale.ROOT, "epoch %d: loss %.3f, test acc %.1f%%", row.epoch(), row.loss(), 100 * row.testAccuracy());
        return ConfidencePlot.panel(title, grid, points, "x1", "x2");
    }

    /** 0, then FRAMES - 1 epochs spaced evenly on a log scale up to the last (early epochs change the boundary most). */
    static TreeSet<Integer> frameEpochs(int epochs) {
        var frames = new TreeSet<Integer>();
        frames.add(0);
        for (int i = 1; i < FRAMES; i++) frames.add((int) Math.round(Math.pow(epochs + 1, (double) i / (FRAMES - 1))) - 1);
        frames.add(epochs);
        return frames;
    }

    /** history.csv: epoch,loss,train_acc,test_acc (the loss of epoch e is computed before update e), as Training writes it. */
    static Path writeHistory(OutputFolder folder, List<Epoch> history) {
        return Output.writeString(folder.resolve("history.csv"), new Training.History(history, List.of(), new double[0][]).csv());
    }

    private static List<Path> plotLoss(List<Epoch> rows, Path base) {
        var history = new Training.History(rows, List.of(), new double[0][]);
        var loss = Charts.lines("training loss", "epoch", "cross-entropy (log scale)",
                List.of(new Charts.Line("train loss", history.epochNumbers(), history.losses())), Charts.Scale.LOG);
        var accuracy = Charts.lines("accuracy", "epoch", "accuracy", List.of(new Charts.Line("train", history.epochNumbers(),
                history.trainAccuracies(1)), new Charts.Line("test", history.epochNumbers(), history.testAccuracies(1))));
        return Charts.save(List.of(loss, accuracy), 2, base);
    }
}

