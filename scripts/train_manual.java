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

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import cli.BadInputException;
import cli.Cli;
import cli.DivergedException;
import cli.Output;
import cli.TwoLayerNetOptions;
import data.Npz;
import data.Points;
import data.Split;
import data.TwoMoons;
import plot.AnimatedGif;
import plot.Charts;
import plot.ConfidenceGrid;
import plot.ConfidencePlot;
import speed.Nd4jSetup;

/**
 * Exercise 2, step 4: train x -> Linear -> ReLU -> Linear -> softmax -> CE with the hand-written backward pass and
 * plain full-batch gradient descent (pytorch_reference.py's manual loop). Writes history.csv, the loss curve,
 * decision-boundary snapshots and an animated GIF of the boundary as it trains.
 */
@Command(name = "train-manual", mixinStandardHelpOptions = true,
        description = "Train the 2-layer net by hand-written backprop and gradient descent; history.csv, loss.png, "
                + "snapshots.png, boundary.gif in --out.")
public class train_manual implements Callable<Integer> {
    static final int SNAPSHOT_RESOLUTION = 200;
    static final int FRAME_RESOLUTION = 120;
    static final int FRAMES = 60;

    @Mixin
    TwoLayerNetOptions start;

    @Option(names = "--lr", description = "Learning rate (default ${DEFAULT-VALUE}).")
    double lr = 0.5;

    @Option(names = "--epochs", description = "Gradient-descent steps on the full batch (default ${DEFAULT-VALUE}).")
    int epochs = 2000;

    @Option(names = "--train", paramLabel = "FILE", description = "Training CSV (x1,x2,label); default the lecture's train split.")
    Path train;

    @Option(names = "--test", paramLabel = "FILE", description = "Test CSV (x1,x2,label); default the lecture's test split.")
    Path test;

    @Option(names = "--snapshots", paramLabel = "E,E,...", split = ",",
            description = "Epochs (0..epochs) to draw the decision boundary at (default 0,10,100,500,epochs).")
    List<String> snapshots;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default scripts/out/train-manual).")
    Path out;

    @Option(names = "--double", description = "Train in float64 (default float32, as PyTorch).")
    boolean useDouble;

    public static void main(String... args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new train_manual(), args);
    }

    /** What a run leaves behind, for tests and the summary. */
    record Result(double[][] history, double msPerStep, long offHeapGrowth) {}

    Result result;

    @Override
    public Integer call() {
        // options, all checked before anything is written
        start.validate();
        Cli.require(lr > 0 && Double.isFinite(lr), "--lr must be a finite number > 0, got " + lr);
        Cli.require(epochs >= 0, "--epochs must be >= 0, got " + epochs);
        TreeSet<Integer> snapshotEpochs = parseSnapshots(snapshots, epochs);
        DataType type = useDouble ? DataType.DOUBLE : DataType.FLOAT;

        // data
        Split lecture = train == null || test == null ? TwoMoons.lecture() : null;
        Points trainPoints = train == null ? lecture.train() : Points.readCsv(train, "--train");
        Points testPoints = test == null ? lecture.test() : Points.readCsv(test, "--test");

        // model
        TwoLayerNet net = start.create(type);
        Path dir = Output.prepareDir(out != null ? out : Output.defaultDir("train-manual"), "--out");

        // train
        Nd4jSetup.threads(1);   // why: see there (ND4J's default of a thread per core is 10x slower on a shared machine)
        System.out.printf(Locale.ROOT, "x -> Linear(2, %d) -> ReLU -> Linear(%d, 2) -> softmax -> CE; %d train / %d test points; "
                + "lr %s, %d epochs, %s%n", net.hidden, net.hidden, trainPoints.size(), testPoints.size(), lr, epochs, type);
        var boundsAround = ConfidenceGrid.Bounds.around(0.1, trainPoints);
        TreeSet<Integer> frameEpochs = frameEpochs(epochs);
        var snapshotGrids = new TreeMap<Integer, ConfidenceGrid>();
        var frameGrids = new TreeMap<Integer, ConfidenceGrid>();
        double[][] history = new double[epochs + 1][];
        try {
            result = train(net, trainPoints, testPoints, type, history, (epoch, model) -> {
                if (snapshotEpochs.contains(epoch)) snapshotGrids.put(epoch, grid(model, boundsAround, SNAPSHOT_RESOLUTION));
                if (frameEpochs.contains(epoch)) frameGrids.put(epoch, grid(model, boundsAround, FRAME_RESOLUTION));
            });
        } catch (DivergedException e) {
            writeHistory(dir.resolve("history.csv"), history);
            throw e;
        }

        // record
        writeHistory(dir.resolve("history.csv"), history);
        Npz.write(dir.resolve("weights.npz"), net.toMap());

        // plot
        plotLoss(history, dir.resolve("loss"));
        var panels = new ArrayList<ConfidencePlot.Panel>();
        for (var e : snapshotGrids.entrySet()) panels.add(panel(e.getKey(), history[e.getKey()], e.getValue(), trainPoints));
        ConfidencePlot.save(panels, Math.min(3, panels.size()), dir.resolve("snapshots"));
        var frames = new ArrayList<BufferedImage>();
        for (var e : frameGrids.entrySet()) {
            frames.add(ConfidencePlot.image(List.of(panel(e.getKey(), history[e.getKey()], e.getValue(), trainPoints)), 1));
        }
        AnimatedGif.write(dir.resolve("boundary.gif"), frames, 120);

        // summary
        double[] last = history[epochs];
        System.out.printf(Locale.ROOT, "final (epoch %d): loss %.6f, train acc %.4f, test acc %.4f%n", epochs, last[1], last[2], last[3]);
        System.out.printf(Locale.ROOT, "%.4f ms/step (forward + loss + backward + update; %d steps in %.3f s); off-heap growth %d bytes%n",
                result.msPerStep(), epochs, result.msPerStep() * epochs / 1000, result.offHeapGrowth());
        System.out.println("wrote history.csv, weights.npz, loss.png/.svg, snapshots.png/.svg, boundary.gif to " + dir);
        return 0;
    }

    /** Called at every epoch with the weights before that epoch's update (and after the last one at epoch = epochs). */
    interface Observer {
        void observe(int epoch, TwoLayerNet net);
    }

    /**
     * Full-batch gradient descent for {@link #epochs} steps. Row e of {@code history} is {epoch, loss, train acc,
     * test acc} at the weights before update e; row {@code epochs} is the trained net. Throws
     * {@link DivergedException} at the first non-finite loss, with the rows before it filled in.
     */
    Result train(TwoLayerNet net, Points trainPoints, Points testPoints, DataType type, double[][] history, Observer observer) {
        var trainWork = new ManualBackprop(trainPoints.features(type), trainPoints.y(), net.hidden);
        var testWork = new ManualBackprop(testPoints.features(type), (int[]) null, net.hidden);
        TwoLayerNet grads = TwoLayerNet.zeros(net.hidden, type);
        long stepNanos = 0;
        long offHeapBefore = 0;
        for (int epoch = 0; epoch <= epochs; epoch++) {
            if (epoch == 1) offHeapBefore = Pointer.totalBytes(); // after the first step has warmed every op up
            long start = System.nanoTime();
            trainWork.forward(net);
            double loss = trainWork.loss();
            stepNanos += System.nanoTime() - start;
            if (!Double.isFinite(loss)) {
                throw new DivergedException("train-manual diverged at epoch " + epoch + ": loss is " + loss + " (lr " + lr
                        + "); history.csv keeps epochs 0.." + (epoch - 1));
            }
            double trainAcc = (double) trainWork.correct(trainPoints.y()) / trainPoints.size();
            testWork.forward(net);
            double testAcc = (double) testWork.correct(testPoints.y()) / testPoints.size();
            history[epoch] = new double[] {epoch, loss, trainAcc, testAcc};
            observer.observe(epoch, net);
            if (epoch == epochs) break;
            start = System.nanoTime();
            trainWork.backward(net, grads);
            ManualBackprop.step(net, grads, lr);
            stepNanos += System.nanoTime() - start;
        }
        long growth = epochs >= 1 ? Pointer.totalBytes() - offHeapBefore : 0;
        return new Result(history, epochs == 0 ? 0 : stepNanos / 1e6 / epochs, growth);
    }

    private static ConfidenceGrid grid(TwoLayerNet net, ConfidenceGrid.Bounds bounds, int resolution) {
        return ConfidenceGrid.evaluate(bounds, resolution, net.dataType(),
                points -> ManualBackprop.forward(points, net.W1, net.b1, net.W2, net.b2).p());
    }

    private static ConfidencePlot.Panel panel(int epoch, double[] row, ConfidenceGrid grid, Points points) {
        String title = String.format(Locale.ROOT, "epoch %d: loss %.3f, test acc %.1f%%", epoch, row[1], 100 * row[3]);
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

    /** The --snapshots list: integers in 0..epochs; default 0, 10, 100, 500 (those <= epochs) and epochs. */
    static TreeSet<Integer> parseSnapshots(List<String> given, int epochs) {
        var out = new TreeSet<Integer>();
        if (given == null) {
            for (int e : new int[] {0, 10, 100, 500}) if (e <= epochs) out.add(e);
            out.add(epochs);
            return out;
        }
        for (String s : given) {
            int e;
            try {
                e = Integer.parseInt(s.strip());
            } catch (NumberFormatException ex) {
                throw new BadInputException("--snapshots must be a comma-separated list of epochs in 0.." + epochs + ", found '" + s + "'");
            }
            Cli.require(e >= 0 && e <= epochs, "--snapshots must be a comma-separated list of epochs in 0.." + epochs + ", found " + e);
            out.add(e);
        }
        Cli.require(!out.isEmpty(), "--snapshots must list at least one epoch in 0.." + epochs);
        return out;
    }

    /** epoch,loss,train_acc,test_acc; the loss of epoch e is computed before update e; rows after a divergence are absent. */
    static void writeHistory(Path file, double[][] history) {
        var csv = new StringBuilder("epoch,loss,train_acc,test_acc\n");
        for (double[] row : history) {
            if (row == null) break;
            csv.append((int) row[0]).append(',').append(row[1]).append(',').append(row[2]).append(',').append(row[3]).append('\n');
        }
        Output.writeString(file, csv.toString());
    }

    private static void plotLoss(double[][] history, Path base) {
        int rows = 0;
        while (rows < history.length && history[rows] != null) rows++;
        double[] epoch = new double[rows], loss = new double[rows], trainAcc = new double[rows], testAcc = new double[rows];
        for (int i = 0; i < rows; i++) {
            epoch[i] = history[i][0];
            loss[i] = history[i][1];
            trainAcc[i] = history[i][2];
            testAcc[i] = history[i][3];
        }
        var lossChart = Charts.lines("training loss", "epoch", "cross-entropy (log scale)",
                List.of(new Charts.Line("train loss", epoch, loss)), Charts.Scale.LOG);
        var accChart = Charts.lines("accuracy", "epoch", "accuracy",
                List.of(new Charts.Line("train", epoch, trainAcc), new Charts.Line("test", epoch, testAcc)));
        Charts.save(List.of(lossChart, accChart), 2, base);
    }
}
