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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import cli.Cli;
import cli.DivergedException;
import cli.Output;
import cli.SgdOptions;
import data.Points;
import data.Split;
import data.TwoMoons;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;
import plot.Charts;
import plot.ConfidenceGrid;
import plot.ConfidencePlot;
import speed.Nd4jSetup;

/**
 * Vanishing gradients, step 1: the lecture's net {@code hidden = Linear(2, 264)}, {@code latent = Linear(264, 2)},
 * {@code output = Linear(2, 2)} with ReLU, trained full-batch with SGD (lr 0.01, momentum 0.99) on the two moons.
 * The 2-unit latent layer lets us look at what the net does to the data: the confidence figure shows the input space
 * and the latent space side by side.
 */
@Command(name = "lecture", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains the lecture's net (2 -> W -> 2 (latent) -> 2) full-batch with SGD + momentum and writes "
                + "history.csv, confidence.png/.svg (input and latent space), loss.png/.svg and accuracy.png/.svg.")
public class lecture implements Callable<Integer> {
    static final int MAX_WIDTH = 1 << 16;
    static final int MAX_EPOCHS = 100_000_000;
    /** Cells per side of a confidence field. */
    static final int GRID = 150;
    /** The lecture's seeds that end at chance level: test accuracy at or below this. */
    static final double CHANCE = 0.55;

    @Mixin
    SgdOptions sgd;

    @Option(names = "--width", paramLabel = "W", defaultValue = "264", description = "Units of the hidden layer (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu", description = "relu, sigmoid or tanh (default: ${DEFAULT-VALUE}).")
    String activationName;

    @Option(names = "--seed", paramLabel = "S", description = "Initial weights as PyTorch's after torch.manual_seed(S) (default: "
            + Expectation.DEFAULT_SEED + ").")
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
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new lecture(), args);
    }

    @Override
    public Integer call() {
        // Everything that can be wrong with the input is found before anything is written.
        Activation activation = validate();
        Split data = data();
        Mlp net = Mlp.lecture(width, activation, DataType.FLOAT);
        if (init != null) net.load(init, "--init");
        else net.initLikeTorch(seed());
        Path dir = Output.prepareDir(out != null ? out : Output.defaultDir("lecture"), "--out");
        if (saveWeights != null) Output.prepareDir(saveWeights.toAbsolutePath().getParent(), "--save-weights");

        System.out.println("lecture: " + describe(data));
        String run = "lecture " + (init != null ? "--init " + init.getFileName() : "seed " + seed());
        Nd4jSetup.threads(1);   // why: see there (ND4J's default of a thread per core is 10x slower on a shared machine)
        Training.History history;
        try {
            history = Training.run(run, net, new Sgd(net, sgd.lr, sgd.momentum), data.train(), data.test(), sgd.epochs,
                    e -> { if (e.epoch() % 100 == 0) System.out.println(Training.progressLine(e)); });
        } catch (Training.Diverged e) {
            Output.writeString(dir.resolve("history.csv"), e.history().csv());   // keep the epochs before the divergence
            throw e;
        }

        Output.writeString(dir.resolve("history.csv"), history.csv());
        // The net after the last update (history rows describe the parameters before each update): that update can
        // still blow up (a huge --lr), and a non-finite net has no figure to draw.
        Mlp.Evaluation train = net.evaluate(data.train().features(DataType.FLOAT), data.train().y());
        Mlp.Evaluation test = net.evaluate(data.test().features(DataType.FLOAT), data.test().y());
        if (!Double.isFinite(train.loss()) || !allFinite(net.latent(data.test().features(DataType.FLOAT)))) {
            throw new DivergedException(run + ": after the last update (epoch " + (sgd.epochs - 1) + ") the net's outputs are no "
                    + "longer finite (train loss " + train.loss() + "); history.csv keeps the " + sgd.epochs + " epochs before it");
        }
        if (saveWeights != null) net.save(saveWeights);
        plotConfidence(net, data.test(), dir);
        plotCurves(history, dir);

        System.out.printf(Locale.ROOT, "final: loss %.4f, train acc %.1f%%, test acc %.1f%%%n", train.loss(),
                100 * train.accuracy(), 100 * test.accuracy());
        System.out.println(verdict(net, data, test.accuracy()));
        System.out.println("wrote history.csv, confidence.png/.svg, loss.png/.svg, accuracy.png/.svg"
                + (saveWeights != null ? " and " + saveWeights : "") + " to " + dir);
        return Cli.OK;
    }

    Activation validate() {
        sgd.validate(MAX_EPOCHS);
        Cli.require(width >= 1 && width <= MAX_WIDTH, "--width must be an integer from 1 to " + MAX_WIDTH + ", got " + width);
        Cli.require(init == null || seed == null, "--seed and --init exclude each other: the initial weights come from one of them");
        if (saveWeights != null) {
            Cli.require(saveWeights.getFileName() != null && saveWeights.getFileName().toString().endsWith(".npz"),
                    "--save-weights must name a .npz file, got " + saveWeights);
        }
        return Activation.parse(activationName, "--activation");
    }

    long seed() {
        return seed != null ? seed : Expectation.DEFAULT_SEED;
    }

    boolean lectureSetup() {
        return trainFile == null && testFile == null && init == null && sgd.epochs == 1000 && sgd.lr == 0.01 && sgd.momentum == 0.99
                && width == 264 && activationName.equalsIgnoreCase("relu");
    }

    Split data() {
        Split lecture = trainFile == null || testFile == null ? TwoMoons.lecture() : null;
        Points train = trainFile != null ? Points.readCsv(trainFile, "--train") : lecture.train();
        Points test = testFile != null ? Points.readCsv(testFile, "--test") : lecture.test();
        return new Split(train, test);
    }

    String describe(Split data) {
        return String.format(Locale.ROOT, "hidden = Linear(2, %d), latent = Linear(%d, 2), output = Linear(2, 2), %s; "
                + "SGD lr %s momentum %s, %d full-batch epochs on %d train / %d test points; initial weights: %s", width, width,
                activationName.toLowerCase(Locale.ROOT), sgd.lr, sgd.momentum, sgd.epochs, data.train().size(), data.test().size(),
                init != null ? init.toString() : "torch.manual_seed(" + seed() + ")");
    }

    // ---- figures ----

    /** Input space and latent space (the latent layer's output before its activation), each with the net's confidence. */
    void plotConfidence(Mlp net, Points points, Path dir) {
        var inputBounds = ConfidenceGrid.Bounds.around(0.1, points);
        ConfidenceGrid input = ConfidenceGrid.evaluate(inputBounds, GRID, DataType.FLOAT,
                x -> Transforms.softmax(net.logits(x), true));
        Points latent = asPoints(net.latent(points.features(DataType.FLOAT)), points.y());
        ConfidenceGrid latentField = ConfidenceGrid.evaluate(ConfidenceGrid.Bounds.around(0.1, latent), GRID, DataType.FLOAT,
                z -> Transforms.softmax(net.logitsFromLatent(z), true));
        String pointsName = points.size() + " test points";
        ConfidencePlot.save(List.of(
                ConfidencePlot.panel("Input space, " + pointsName, input, points, "x1", "x2"),
                ConfidencePlot.panel("Latent space (before " + net.activation() + "), " + pointsName, latentField, latent,
                        "latent 1", "latent 2")), 2, dir.resolve("confidence"));
    }

    static boolean allFinite(INDArray a) {
        return java.util.Arrays.stream(a.data().asDouble()).allMatch(Double::isFinite);
    }

    static Points asPoints(INDArray xy, int[] labels) {
        double[][] x = new double[labels.length][];
        for (int i = 0; i < labels.length; i++) x[i] = new double[] {xy.getDouble(i, 0), xy.getDouble(i, 1)};
        return new Points(x, labels);
    }

    void plotCurves(Training.History history, Path dir) {
        double[] epoch = history.epochs().stream().mapToDouble(Training.Epoch::epoch).toArray();
        double[] loss = history.epochs().stream().mapToDouble(Training.Epoch::loss).toArray();
        double[] train = history.epochs().stream().mapToDouble(e -> 100 * e.trainAccuracy()).toArray();
        double[] test = history.epochs().stream().mapToDouble(e -> 100 * e.testAccuracy()).toArray();
        Charts.save(Charts.lines("Training loss", "epoch", "mean cross-entropy", List.of(new Charts.Line("train", epoch, loss))),
                dir.resolve("loss"));
        XYChart accuracy = Charts.lines("Accuracy", "epoch", "accuracy (%)",
                List.of(new Charts.Line("train", epoch, train), new Charts.Line("test", epoch, test)));
        Charts.save(accuracy, dir.resolve("accuracy"));
    }

    // ---- the check against the lecture ----

    /** One line: how this run compares with what PyTorch gives for the lecture's setup. */
    String verdict(Mlp net, Split data, double testAccuracy) {
        int dead = deadLatentUnits(net, data.train());
        String deadNote = dead == 0 ? "" : String.format(Locale.ROOT, "; %d of 2 latent ReLUs are dead (0 for every train point)", dead);
        if (!lectureSetup()) {
            return String.format(Locale.ROOT, "check: not the lecture's setup, so no PyTorch reference; test acc %.1f%%%s",
                    100 * testAccuracy, deadNote);
        }
        String reference = Expectation.summary();
        Double torch = Expectation.testAccuracy(seed());
        String same = torch == null ? "" : String.format(Locale.ROOT, "; PyTorch with seed %d: %.1f%%", seed(), 100 * torch);
        if (testAccuracy <= CHANCE) {
            return String.format(Locale.ROOT, "check: STUCK at chance (test acc %.1f%%)%s%s, as happens for some seeds in PyTorch (%s)",
                    100 * testAccuracy, deadNote, same, reference);
        }
        boolean asExpected = testAccuracy >= Expectation.worstLearnedTestAccuracy() - 0.02;
        return String.format(Locale.ROOT, "check: %s: test acc %.1f%%%s (%s)", asExpected ? "as expected" : "LOWER than PyTorch's range",
                100 * testAccuracy, same, reference);
    }

    /** Latent units whose ReLU output is 0 for every train point: no gradient reaches them, they never recover. */
    static int deadLatentUnits(Mlp net, Points train) {
        if (net.activation() != Activation.RELU) return 0;
        INDArray z = net.latent(train.features(DataType.FLOAT));
        int dead = 0;
        for (int unit = 0; unit < z.columns(); unit++) {
            if (z.getColumn(unit).maxNumber().doubleValue() <= 0) dead++;
        }
        return dead;
    }

    /**
     * What PyTorch 1.13 gives for the lecture's setup (this script's defaults), seeds 0..29, each 1000 epochs from
     * torch.manual_seed(seed): the final test accuracy of the net after the last update. Made by
     * tests/fixtures/make_torch_fixtures.py (torch_lecture_seeds.csv; LectureScriptTest checks this copy).
     */
    static final class Expectation {
        /** Seed 1 learns; seed 0, PyTorch's usual first choice, is one whose 2 latent ReLUs die (chance level). */
        static final long DEFAULT_SEED = 1;
        static final double[] TORCH_TEST_ACCURACY = {
            0.5, 0.98, 0.985, 0.98, 0.98, 0.5, 0.985, 0.99, 0.98, 0.985,
            0.98, 0.98, 0.99, 0.98, 0.985, 0.985, 0.98, 0.98, 0.98, 0.975,
            0.98, 0.99, 0.97, 0.98, 0.98, 0.98, 0.985, 0.98, 0.98, 0.985
        };

        private Expectation() {}

        /** PyTorch's final test accuracy for {@code seed}, or null when the table does not have it. */
        static Double testAccuracy(long seed) {
            return seed >= 0 && seed < TORCH_TEST_ACCURACY.length ? TORCH_TEST_ACCURACY[(int) seed] : null;
        }

        static double[] learned() {
            return java.util.Arrays.stream(TORCH_TEST_ACCURACY).filter(a -> a > CHANCE).toArray();
        }

        /** The lowest final test accuracy among the seeds that learned. */
        static double worstLearnedTestAccuracy() {
            return java.util.Arrays.stream(learned()).min().orElse(1);
        }

        /** e.g. "PyTorch, seeds 0-29: test acc mean 94.6%, best 99.0%, learned 96.5-99.0%, 2 of 30 stuck at chance". */
        static String summary() {
            double[] all = TORCH_TEST_ACCURACY;
            double[] learned = learned();
            return String.format(Locale.ROOT, "PyTorch, seeds 0-%d: test acc mean %.1f%%, best %.1f%%, %d of %d stuck at chance, "
                    + "the others %.1f-%.1f%%", all.length - 1, 100 * java.util.Arrays.stream(all).average().orElse(0),
                    100 * java.util.Arrays.stream(all).max().orElse(0), all.length - learned.length, all.length,
                    100 * worstLearnedTestAccuracy(), 100 * java.util.Arrays.stream(learned).max().orElse(0));
        }
    }
}
