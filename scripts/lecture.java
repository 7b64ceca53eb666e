///usr/bin/env jbang "$0" "$@" ; exit $?
// Vanishing gradient, step 1: run the lecture's network and verify its results. The net is hidden = Linear(2, 264),
// latent = Linear(264, 2), output = Linear(2, 2) with ReLU, trained on the two moons full-batch with SGD (lr 0.01,
// momentum 0.99) for 1000 epochs on the cross-entropy. Its 2-unit latent layer lets us look at what the net does to
// the data: the confidence figure shows the input space and the latent space side by side.
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
// (JVM options: a class-data archive (//CDS) halves the start; serial GC with a small young generation keeps memory flat.)

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import cli.Cli;
import cli.OutputFolder;
import cli.SgdOptions;
import data.Points;
import data.Split;
import data.TwoMoons;
import io.DivergedException;
import io.Output;
import nn.Activation;
import nn.Mlp;
import nn.PyTorchReference;
import nn.Sgd;
import nn.Training;
import plot.Charts;
import plot.ConfidencePlot;
import report.LectureResult;
import report.StepCommand;
import speed.Background;
import speed.Nd4jSetup;
import study.LatentUnits;

@Command(name = "lecture", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains the lecture's net (2 -> W -> 2 (latent) -> 2) full-batch with SGD + momentum and writes "
                + "history.csv, confidence.png/.svg (input and latent space), loss.png/.svg and accuracy.png/.svg.")
public class lecture implements StepCommand {
    static final int LECTURE_EPOCHS = 1000;
    /** Units at most, as deep's and depth's: the confidence figure evaluates the net at 22,500 points ([points, W] matrices). */
    static final int MAX_WIDTH = 4096;
    /** Cells per side of a confidence field. */
    static final int GRID = 150;
    /** What it writes into --out. */
    static final List<String> OUTPUTS = List.of("history.csv", "{confidence,loss,accuracy}.{png,svg}");

    @Mixin
    SgdOptions sgd;

    @Option(names = "--width", paramLabel = "W", defaultValue = "264", description = "Units of the hidden layer, 1 to " + MAX_WIDTH + " (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu", completionCandidates = Activation.Names.class,
            description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String activationName;

    @Option(names = "--seed", paramLabel = "S", description = "Initial weights as PyTorch's after torch.manual_seed(S), any 64-bit integer (default: "
            + PyTorchReference.DEFAULT_SEED + ").")
    Long seed;

    @Option(names = "--train", paramLabel = "FILE", description = "Training CSV (x1,x2,label); default: the lecture's 800 train points.")
    Path trainFile;

    @Option(names = "--test", paramLabel = "FILE", description = "Test CSV (x1,x2,label); default: the lecture's 200 test points.")
    Path testFile;

    @Option(names = "--init", paramLabel = "FILE.npz", description = "Initial weights: a PyTorch state_dict saved with np.savez "
            + "(hidden.weight, hidden.bias, latent.*, output.*); excludes --seed.")
    Path init;

    @Option(names = "--save-weights", paramLabel = "FILE.npz", description = "Also save the trained weights there (PyTorch names).")
    Path saveWeights;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: scripts/out/lecture).")
    Path out;

    public static void main(String... args) {
        System.exit(Cli.run(new lecture(), args));
    }

    @Override
    public Integer call() {
        LectureResult result = run();
        System.out.println(result.finalLine());
        System.out.println("check: " + result.check());
        System.out.println(result.written());
        return Cli.OK;
    }

    /** The step: data, model, train, record, plot, answer. Everything the user can get wrong is checked first. */
    public LectureResult run() {
        Activation activation = validate();
        Split data = new Split(trainFile != null ? Points.readCsv(trainFile, "--train", DataType.FLOAT) : TwoMoons.lecture().train(),
                testFile != null ? Points.readCsv(testFile, "--test", DataType.FLOAT) : TwoMoons.lecture().test());
        // model: hidden = Linear(2, W), latent = Linear(W, 2), output = Linear(2, 2), the activation after the first two
        Mlp net = Mlp.lecture(width, activation, DataType.FLOAT);
        if (init != null) net.load(init, "--init");
        else net.initLikeTorch(seed());
        OutputFolder folder = OutputFolder.open(out != null ? out : Output.defaultDir("lecture"), "--out", OUTPUTS,   // files appear together
                new OutputFolder.Input("--train", trainFile), new OutputFolder.Input("--test", testFile), new OutputFolder.Input("--init", init));
        String settings = net + "; SGD lr " + sgd.lr + " momentum " + sgd.momentum + ", " + sgd.epochs + " full-batch epochs on "
                + data.train().size() + " train / " + data.test().size() + " test points; initial weights: "
                + (init != null ? init.toString() : "torch.manual_seed(" + seed() + ")");
        System.out.println("lecture: " + settings);

        // train, printing the lecture's progress line every 100 epochs
        String run = "lecture " + (init != null ? "--init " + init.getFileName() : "seed " + seed());
        Nd4jSetup.threads(1);   // small matrices: see Nd4jSetup
        Training.History history;
        try {
            history = Training.run(run, net, new Sgd(net, sgd.lr, sgd.momentum), data.train(), data.test(), sgd.epochs,
                    e -> { if (e.epoch() % 100 == 0) System.out.println(Training.progressLine(e)); });
        } catch (Training.Diverged e) {
            folder.commit(List.of(Output.writeString(folder.resolve("history.csv"), e.history().csv())));   // the epochs before it
            throw new DivergedException(e.getMessage() + "; history.csv keeps the " + e.history().epochs().size() + " epochs before it");
        }

        // record: the history, and the net after its last update (which a huge --lr can still blow up)
        var files = new ArrayList<>(List.of(Output.writeString(folder.resolve("history.csv"), history.csv())));
        Mlp.Evaluation train = net.evaluate(data.train().features(DataType.FLOAT), data.train().y());
        Mlp.Evaluation test = net.evaluate(data.test().features(DataType.FLOAT), data.test().y());
        if (!Double.isFinite(train.loss()) || !Double.isFinite(net.latent(data.test().features(DataType.FLOAT)).sumNumber().doubleValue())) {
            folder.commit(files);
            throw new DivergedException(run + ": after the last update (epoch " + (sgd.epochs - 1) + ") the net's outputs are no "
                    + "longer finite (train loss " + train.loss() + "); history.csv keeps the " + sgd.epochs + " epochs before it");
        }

        // plot: the confidence figure on the other core while this one draws the curves
        try (var drawing = new Background()) {
            var confidence = drawing.submit(() -> ConfidencePlot.save(ConfidencePlot.inputAndLatent(net, data.test(),
                    data.test().size() + " test points", GRID), 2, folder.resolve("confidence")));
            List<Path> curves = plotCurves(history, folder);
            files.addAll(Background.result(confidence));
            files.addAll(curves);
        }
        if (saveWeights != null) net.save(saveWeights);
        var written = new ArrayList<>(folder.commit(files));
        if (saveWeights != null) written.add(saveWeights);

        // answer
        return new LectureResult(settings, init != null ? null : seed(), lectureSetup(), LECTURE_EPOCHS, history, train.loss(),
                train.accuracy(), test.accuracy(), deadLatentUnits(net, data.train()), List.copyOf(written));
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    Activation validate() {
        Activation activation = Activation.parse(activationName, "--activation");
        sgd.validate();
        Cli.require(width >= 1 && width <= MAX_WIDTH, "--width must be an integer from 1 to " + MAX_WIDTH + ", got " + width);
        Cli.require(init == null || seed == null, "--seed and --init exclude each other: the initial weights come from one of them");
        if (saveWeights != null) Output.requireNpzFile(saveWeights, "--save-weights");
        return activation;
    }

    long seed() {
        return seed != null ? seed : PyTorchReference.DEFAULT_SEED;
    }

    /** Everything but the number of epochs is the lecture's, so PyTorch's seeds are the yardstick. */
    boolean lectureSetup() {
        return trainFile == null && testFile == null && init == null && sgd.lr == 0.01 && sgd.momentum == 0.99 && width == 264
                && activationName.equalsIgnoreCase("relu");
    }

    /** Latent units that are dead as the activation counts them (e.g. a ReLU off for every train point); 0 where it counts saturation. */
    static int deadLatentUnits(Mlp net, Points train) {
        if (net.activation().units().kind() != Activation.Units.DEAD) return 0;
        return (int) Math.round(LatentUnits.share(net, train) * net.layer("latent").out());
    }

    // ---- figures ----

    static List<Path> plotCurves(Training.History h, OutputFolder dir) {
        var files = new ArrayList<>(Charts.save(Charts.lines("Training loss", "epoch", "mean cross-entropy",
                List.of(new Charts.Line("train", h.epochNumbers(), h.losses()))), dir.resolve("loss")));
        files.addAll(Charts.save(Charts.lines("Accuracy", "epoch", "accuracy (%)", List.of(new Charts.Line("train", h.epochNumbers(),
                h.trainAccuracies(100)), new Charts.Line("test", h.epochNumbers(), h.testAccuracies(100)))), dir.resolve("accuracy")));
        return files;
    }
}
