///usr/bin/env jbang "$0" "$@" ; exit $?
// Vanishing gradient, the depth sweep: how fast does the first layer's gradient shrink as the net gets deeper? Nets
// hidden1..hiddenD of width 264, then the 2-unit latent layer and the output as in step 2, for every depth 1..8, with
// ReLU, Sigmoid and Tanh (or any activations of --activations), several seeds each: the first hidden layer's
// weight-gradient norm at the initial weights against depth, the factor per added layer, whether ReLU escapes it with
// PyTorch's default initialisation, and what another initialisation (xavier, kaiming) changes.
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
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import cli.Cli;
import cli.OutputFolder;
import cli.SgdOptions;
import data.Points;
import data.Split;
import data.TwoMoons;
import io.DivergedException;
import io.Format;
import io.Output;
import io.Progress;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;
import nn.WeightInit;
import plot.Charts;
import report.DepthResult;
import report.StepCommand;
import speed.Parallel;
import study.DepthNumbers;
import study.DepthSweep;
import study.Stats;

/** The depth sweep: nets of every depth, activation and seed, their first layer's gradient; {@link DepthResult#answer()} answers. */
@Command(name = "depth", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Trains nets hidden1..hiddenD (width 264) -> latent (2) -> output for every depth, activation and seed 0..R-1, "
                + "and records every hidden layer's weight-gradient norm at the initial weights (epoch 0) and its median over the epochs: "
                + "depth.csv, depth_inits.csv (epoch 0 under every --weight-init scheme), depth.png/.svg (hidden1's norm against depth) "
                + "and answer.md.")
public class depth implements StepCommand {
    static final int MAX_WIDTH = 4096, MAX_RUNS = 1000, MAX_JOBS = 256;
    /** What it writes into --out. */
    static final List<String> OUTPUTS = List.of("depth.{png,svg}", "{depth,depth_inits}.csv", "answer.md");

    @Option(names = "--depths", paramLabel = "LIST", defaultValue = "1-8", description = "Depths (hidden layers) from 1 to " + DepthSweep.MAX_DEPTH
            + " and ranges A-B, separated by commas, ascending without repeats, e.g. 1-8 or 1,2,4,8 (default: ${DEFAULT-VALUE}).")
    String depths;
    @Option(names = "--activations", paramLabel = "LIST", defaultValue = "relu,sigmoid,tanh", completionCandidates = Activation.Names.class,
            description = "Some of ${COMPLETION-CANDIDATES}, separated by commas, each once (default: ${DEFAULT-VALUE}).")
    String activations;
    @Option(names = "--runs", paramLabel = "R", defaultValue = "3", description = "Nets per depth and activation, from torch seeds 0..R-1; "
            + "1 to " + MAX_RUNS + " (default: ${DEFAULT-VALUE}).")
    int runs;
    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Full-batch epochs of each net, 1 to " + SgdOptions.MAX_EPOCHS
            + "; epoch 0's gradient is the one at the initial weights (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--width", paramLabel = "W", defaultValue = "264", description = "Units of every hidden layer, 1 to " + MAX_WIDTH
            + " (default: ${DEFAULT-VALUE}).")
    int width;
    @Option(names = "--lr", paramLabel = "X", defaultValue = "0.01", description = "SGD learning rate, finite, > 0 (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--momentum", paramLabel = "X", defaultValue = "0.99", description = "SGD momentum, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double momentum;
    @Option(names = "--weight-init", paramLabel = "NAME", defaultValue = "torch", description = "Initial weights: torch (nn.Linear's "
            + "default), xavier (xavier_uniform_) or kaiming (kaiming_uniform_, relu), biases 0 for these two (default: ${DEFAULT-VALUE}).")
    String weightInit;
    @Option(names = "--train", paramLabel = "FILE", description = "Training points (CSV x1,x2,label), not the lecture data; needs --test.")
    Path train;
    @Option(names = "--test", paramLabel = "FILE", description = "Test points (CSV x1,x2,label); needs --train.")
    Path test;
    @Option(names = "--jobs", paramLabel = "N", description = "Nets trained at the same time, one thread each, 1 to " + MAX_JOBS
            + " (default: the number of cores). Every net's numbers are the same whatever N.")
    Integer jobs;
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: scripts/out/${COMMAND-NAME}).")
    Path out;

    public static void main(String... args) {
        System.exit(Cli.run(new depth(), args));
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        DepthResult result = run();
        System.out.printf(Locale.ROOT, "%n%s%n%n%s (wall time %.1f s)%n", result, result.written(), (System.nanoTime() - start) / 1e9);
        if (result.failure() != null) throw new DivergedException(result.failure());   // exit 3, after everything is written
        return Cli.OK;
    }

    public DepthResult run() {
        // Data and settings: every option checked and every input read before anything is written.
        DepthSweep options = settings();
        Split data = train == null ? TwoMoons.lecture() : new Split(Points.readCsv(train, "--train", DataType.FLOAT),
                Points.readCsv(test, "--test", DataType.FLOAT));
        DepthSweep sweep = options.on(train == null ? "lecture data (" + data.train().size() + " train / " + data.test().size()
                + " test points)" : data.train().size() + " train points from " + train + ", " + data.test().size() + " test points from " + test);
        OutputFolder folder = OutputFolder.open(out != null ? out : Output.defaultDir("depth"), "--out", OUTPUTS,
                new OutputFolder.Input("--train", train), new OutputFolder.Input("--test", test));
        System.out.println("depth: " + sweep.describe());

        // Model and training: every (activation, depth, run), the deepest first, --jobs nets at a time (see train).
        int threads = Math.min(sweep.nets(), jobs != null ? jobs : Runtime.getRuntime().availableProcessors());
        List<DepthSweep.Net> nets;
        try (var bar = Progress.of("depth: " + Format.count(sweep.nets(), "net") + " x " + epochs + " epochs", (long) sweep.nets() * epochs)) {
            nets = Parallel.map(sweep.jobs(), threads, job -> train(sweep, job, data, bar));
        }

        // Record: depth.csv (the sweep's init: epoch 0 and the median over the epochs), depth_inits.csv (epoch 0, every scheme).
        List<String> names = List.of("depth.png", "depth.svg", "depth.csv", "depth_inits.csv", "answer.md");
        DepthResult result = DepthResult.of(sweep, nets, folder.target(), names.stream().map(folder.target()::resolve).toList());
        Output.writeString(folder.resolve("depth.csv"), sweep.csv(result.nets()));
        Output.writeString(folder.resolve("depth_inits.csv"), DepthSweep.initsCsv(result.nets()));

        // Plot: hidden1's norm at the initial weights against depth, log scale, a line per activation with its runs' spread.
        plot(result, folder.resolve("depth"));

        // Answer, from the numbers: the console, answer.md and report.md all print DepthResult.answer().
        Output.writeString(folder.resolve("answer.md"), result.answerMd());
        folder.commit(names.stream().map(folder::resolve).toList());
        return result;
    }

    @Override
    public List<String> outputs() {
        return OUTPUTS;
    }

    /** The options checked (one line naming the first bad one), as the sweep's settings; its data are named once read. */
    DepthSweep settings() {
        Cli.require((train == null) == (test == null), (train == null ? "--test needs --train" : "--train needs --test")
                + ": give both data files or neither (the lecture data)");
        var sgd = new SgdOptions();
        sgd.epochs = epochs;
        sgd.lr = lr;
        sgd.momentum = momentum;
        sgd.validate();
        Cli.require(runs >= 1 && runs <= MAX_RUNS, "--runs must be an integer from 1 to " + MAX_RUNS + ", got " + runs);
        Cli.require(width >= 1 && width <= MAX_WIDTH, "--width must be an integer from 1 to " + MAX_WIDTH + ", got " + width);
        Cli.require(jobs == null || jobs >= 1 && jobs <= MAX_JOBS, "--jobs must be an integer from 1 to " + MAX_JOBS + ", got " + jobs);
        return new DepthSweep(DepthSweep.parseDepths(depths, "--depths"), width, Activation.parseList(activations, "--activations"),
                runs, WeightInit.parse(weightInit, "--weight-init"), epochs, lr, momentum, null);
    }

    /**
     * One net, on a thread of its own with one ND4J thread (so the same numbers whatever --jobs): built, given PyTorch's
     * initial weights after torch.manual_seed(seed) under the sweep's scheme, trained. Training.run records every hidden
     * layer's gradient norm per epoch; epoch 0's is the gradient at the initial weights.
     */
    DepthSweep.Net train(DepthSweep sweep, DepthSweep.Job job, Split data, Progress bar) {
        long seed = sweep.seedOf(job.run());
        Mlp net = newNet(job, seed, sweep.init());
        Training.History history;
        String diverged = null;
        try {
            history = Training.run(sweep.label(job), net, new Sgd(net, lr, momentum), data.train(), data.test(), epochs, e -> {
                synchronized (bar) { bar.step(); }
            });
        } catch (Training.Diverged e) {
            history = e.history();
            diverged = e.getMessage();
        }
        double testAccuracy = diverged == null ? net.evaluate(data.test().features(DataType.FLOAT), data.test().y()).accuracy() : Double.NaN;
        // The same net's gradients at the initial weights of the other schemes: one forward and backward pass each.
        return DepthSweep.Net.of(job, seed, sweep.init(), history, scheme -> sweep.gradientAtInit(newNet(job, seed, scheme), data.train()),
                testAccuracy, diverged);
    }

    /** hidden1 = Linear(2, width), hidden2..hiddenD = Linear(width, width), latent = Linear(width, 2), output = Linear(2, 2),
     *  the activation after every layer but the output; PyTorch's weights after torch.manual_seed(seed) under {@code scheme}. */
    Mlp newNet(DepthSweep.Job job, long seed, WeightInit scheme) {
        return Mlp.deep(job.depth(), width, job.activation(), DataType.FLOAT).initLikeTorch(seed, scheme);
    }

    /** depth.png/.svg: per activation the median of the runs, dashed min and max, zeros (dead nets) at the bottom. */
    static void plot(DepthResult result, Path base) {
        double[] x = result.sweep().depths().stream().mapToDouble(Integer::doubleValue).toArray();
        var groups = new ArrayList<Charts.Spread>();
        for (Activation a : result.sweep().activations()) {
            DepthNumbers numbers = result.numbers();
            double[] dead = numbers.deadDepths(a);
            String name = a.displayName(), zeros = name + ": 0, dead (" + dead.length + "), at the bottom";
            groups.add(new Charts.Spread(name, name + DepthResult.perLayer(numbers.fit(a)), x, numbers.firstLayer(a, Stats::median),
                    numbers.firstLayer(a, Stats::min), numbers.firstLayer(a, Stats::max), dead, zeros));
        }
        Charts.save(Charts.spread("hidden1's gradient at the initial weights (" + result.sweep().init() + " init)",
                "depth (hidden layers); line: median of " + Format.count(result.sweep().runs(), "run") + ", dashed: min and max",
                "weight-gradient norm of hidden1 (log)", groups), base);
    }
}
