package study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import cli.Cli;
import cli.Output;
import cli.Progress;
import cli.SgdOptions;
import data.Npz;
import data.Points;
import data.Split;
import data.TwoMoons;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;
import speed.Nd4jSetup;

/**
 * What the vanishing-gradient steps ({@code deep}, {@code gradnorms}) share: their options, the checks of those options
 * (all before anything is written), the training of every (activation, run), several at a time, and its record, the CSVs
 * (which {@link RecordedRuns} reads back), and the few statistics the summaries print.
 */
public final class ActivationComparison {
    private ActivationComparison() {}

    /** float32, as PyTorch trains: the scripts reproduce its trajectories, not a more precise variant of them. */
    public static final DataType TYPE = DataType.FLOAT;
    /** A run "stayed at chance" when its final test accuracy is at most this (two balanced classes: 50% is a coin). */
    public static final double CHANCE = 0.55;
    static final int MAX_WIDTH = 4096;
    static final int MAX_DEPTH = 64;
    static final int MAX_RUNS = 1000;
    static final int MAX_EPOCHS = 10_000_000;
    static final int MAX_JOBS = 256;

    /** The options of both steps, as a picocli mixin. */
    public static class Options {
        @Mixin
        SgdOptions sgd;

        @Option(names = "--width", paramLabel = "W", defaultValue = "264", description = "Units of every hidden layer (default: ${DEFAULT-VALUE}).")
        int width;

        @Option(names = "--depth", paramLabel = "N", defaultValue = "3", description = "Hidden layers hidden1..hiddenN (default: ${DEFAULT-VALUE}).")
        int depth;

        @Option(names = "--activation", paramLabel = "NAME", description = "relu or sigmoid: train only this one (default: both).")
        String activation;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Run r starts from torch.manual_seed(S + r - 1)'s weights (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--runs", paramLabel = "R", description = "Runs per activation, seeds S, S+1, ... (default: 5; 1 with --init, which allows no other).")
        Integer runs;

        @Option(names = "--train", paramLabel = "FILE", description = "Training points (CSV x1,x2,label) instead of the lecture data; needs --test.")
        Path train;

        @Option(names = "--test", paramLabel = "FILE", description = "Test points (CSV x1,x2,label); needs --train.")
        Path test;

        @Option(names = "--init", paramLabel = "FILE.npz", description = "Initial weights: a PyTorch state_dict (hidden1.weight, hidden1.bias, ..., latent.*, output.*) "
                + "saved with np.savez; every activation starts from it.")
        Path init;

        @Option(names = "--save-weights", paramLabel = "FILE.npz", description = "Write the trained weights (state_dict names). With several nets: "
                + "FILE_<activation>_run<r>.npz per net; none for a run that diverged.")
        Path saveWeights;

        @Option(names = "--jobs", paramLabel = "N", description = "Nets trained at the same time, one thread each (default: the "
                + "number of cores, at most the number of nets). Every net's numbers are the same whatever N.")
        Integer jobs;

        @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: scripts/out/${COMMAND-NAME}).")
        public Path out;
    }

    /** Every option checked and every input read: what a step needs to run, before it writes anything. */
    public record Plan(List<Activation> activations, int runs, long seed, int depth, int width, int epochs, double lr,
            double momentum, Points train, Points test, String data, Map<String, INDArray> init, Path saveWeights, int jobs, Path out) {

        /** A fresh net of the plan's shape for run {@code run} (1-based): the --init weights or the seed's. */
        public Mlp newNet(Activation activation, int run) {
            Mlp net = Mlp.deep(depth, width, activation, TYPE);
            if (init != null) net.loadStateDict(init, "--init");
            else net.initLikeTorch(seedOf(run));
            return net;
        }

        /** The torch seed of run {@code run}; null with --init (all weights come from the file). */
        public Long seedOf(int run) {
            return init != null ? null : seed + run - 1;
        }

        public int nets() {
            return activations.size() * runs;
        }

        /** Where --save-weights puts the net of (activation, run): the file itself when it is the only net. */
        public Path weightsFile(Activation activation, int run) {
            if (nets() == 1) return saveWeights;
            String name = saveWeights.getFileName().toString();
            String stem = name.substring(0, name.length() - ".npz".length());
            return saveWeights.resolveSibling(stem + "_" + activation + "_run" + run + ".npz");
        }

        /** e.g. {@code 3 hidden layers x 264, relu and sigmoid, 5 runs each (seeds 0..4), 1000 epochs, SGD lr 0.01 momentum 0.99}. */
        public String describe() {
            return ActivationComparison.describe(depth, width, activations, runs, seedOf(1), epochs, lr, momentum, data);
        }
    }

    /** The settings line of {@link Plan#describe}; {@code seed} is run 1's seed, null for --init weights. */
    static String describe(int depth, int width, List<Activation> activations, int runs, Long seed, int epochs, double lr,
            double momentum, String data) {
        String starts = seed == null ? "from --init weights" : runs == 1 ? "seed " + seed : "seeds " + seed + ".." + (seed + runs - 1);
        return String.format(Locale.ROOT, "%d hidden layers x %d, %s, %d run%s each (%s), %d epochs, full-batch SGD lr %s momentum %s, %s",
                depth, width, String.join(" and ", activations.stream().map(Activation::toString).toList()), runs,
                runs == 1 ? "" : "s", starts, epochs, lr, momentum, data);
    }

    /** Checks every option and reads every input file; the first problem is a one-line {@link BadInputException}. */
    public static Plan plan(Options o, String step, int minDepth) {
        o.sgd.validate(MAX_EPOCHS);
        Cli.require(o.width >= 1 && o.width <= MAX_WIDTH, "--width must be an integer from 1 to " + MAX_WIDTH + ", got " + o.width);
        Cli.require(o.depth >= minDepth && o.depth <= MAX_DEPTH, "--depth must be an integer from " + minDepth + " to " + MAX_DEPTH
                + " (hidden layers before the latent one), got " + o.depth);
        List<Activation> activations = o.activation == null ? List.of(Activation.RELU, Activation.SIGMOID) : List.of(activation(o.activation));
        // With --init every run would start from the same weights and, full-batch and deterministic, repeat the same numbers.
        int runs = o.runs != null ? o.runs : o.init != null ? 1 : 5;
        Cli.require(runs >= 1 && runs <= MAX_RUNS, "--runs must be an integer from 1 to " + MAX_RUNS + ", got " + runs);
        Cli.require(o.init == null || runs == 1, "--runs must be 1 with --init (every run would start from the same weights "
                + "and repeat the same numbers), got " + runs);
        Cli.require(o.seed >= 0 && o.seed <= Long.MAX_VALUE - (runs - 1), "--seed must be an integer from 0 to "
                + (Long.MAX_VALUE - (runs - 1)) + " (so that seed + runs - 1 fits), got " + o.seed);
        Cli.require((o.train == null) == (o.test == null), (o.train == null ? "--test needs --train" : "--train needs --test")
                + ": give both data files or neither (the lecture data)");
        Points train, test;
        String data;
        if (o.train != null) {
            train = Points.readCsv(o.train, "--train");
            test = Points.readCsv(o.test, "--test");
            data = train.size() + " train points from " + o.train + ", " + test.size() + " test points from " + o.test;
        } else {
            Split lecture = TwoMoons.lecture();
            train = lecture.train();
            test = lecture.test();
            data = "lecture data (" + train.size() + " train / " + test.size() + " test points)";
        }
        Map<String, INDArray> init = o.init == null ? null : checkedInit(o.init, o.depth, o.width);
        if (o.saveWeights != null) checkWeightsFile(o.saveWeights);
        int nets = activations.size() * runs;
        Cli.require(o.jobs == null || o.jobs >= 1 && o.jobs <= MAX_JOBS, "--jobs must be an integer from 1 to " + MAX_JOBS + ", got " + o.jobs);
        int jobs = Math.min(nets, o.jobs != null ? o.jobs : Runtime.getRuntime().availableProcessors());
        Path out = outDir(o.out, step);
        return new Plan(activations, runs, o.seed, o.depth, o.width, o.sgd.epochs, o.sgd.lr, o.sgd.momentum, train, test, data, init, o.saveWeights,
                jobs, out);
    }

    /** --out, or the step's default folder; it may exist, but as a folder. */
    public static Path outDir(Path out, String step) {
        Path dir = out != null ? out : Output.defaultDir(step);
        Cli.require(!Files.exists(dir) || Files.isDirectory(dir), "--out must be a folder, but " + dir + " is a file");
        return dir;
    }

    static Activation activation(String name) {
        Activation a = Activation.parse(name, "--activation");
        Cli.require(a == Activation.RELU || a == Activation.SIGMOID, "--activation must be relu or sigmoid, got '" + name + "'");
        return a;
    }

    /** The --init archive, with every key a net of this shape needs, of the right shape and finite. */
    static Map<String, INDArray> checkedInit(Path file, int depth, int width) {
        Map<String, INDArray> state = Npz.read(file, "--init");
        Mlp.deep(depth, width, Activation.RELU, TYPE).loadStateDict(state, "--init");  // throws on a missing key or shape
        for (var e : state.entrySet()) {
            INDArray a = e.getValue();
            boolean finite = a.isEmpty() || !(a.isNaN().any() || a.isInfinite().any());
            Cli.require(finite, "--init: key '" + e.getKey() + "' holds NaN or infinite values; expected finite weights");
        }
        return state;
    }

    static void checkWeightsFile(Path file) {
        Cli.require(file.getFileName() != null && file.getFileName().toString().endsWith(".npz") && file.getFileName().toString().length() > 4,
                "--save-weights must name a .npz file, got " + file);
        Path dir = file.toAbsolutePath().getParent();
        Cli.require(Files.isDirectory(dir) && Files.isWritable(dir), "--save-weights: folder " + dir + " must exist and be writable");
        Cli.require(!Files.isDirectory(file), "--save-weights: " + file + " is a folder; expected a .npz file name");
    }

    // ---- one run ----

    /** Loss and accuracies of the trained net, after the last update (the net that is plotted and saved). */
    public record Result(double loss, double trainAccuracy, double testAccuracy) {}

    /**
     * What one (activation, run) recorded: a row per finished epoch, per epoch the L2 norm of every hidden layer's weight
     * gradient, and the trained net's result. A diverged run keeps its rows up to the epoch whose loss was not finite,
     * has no result, and says why in {@code diverged} (null when it finished). {@code seconds}: the wall time of its
     * training (NaN for a run read back from files).
     */
    public record Run(Activation activation, int run, Long seed, List<Training.Epoch> epochs, List<String> hiddenLayers,
            double[][] gradNorms, Result result, String diverged, double seconds) {
        public boolean finished() {
            return diverged == null;
        }

        public String label() {
            return activation + " run " + run + (seed == null ? "" : " (seed " + seed + ")");
        }

        public double[] column(int layer) {
            return Arrays.stream(gradNorms).mapToDouble(row -> row[layer]).toArray();
        }
    }

    /**
     * Trains every net of the plan (run 1 of each activation, then run 2, ...), {@code plan.jobs()} at a time, each on its
     * own thread with one ND4J thread: the nets share nothing, so each one's numbers are those of training it alone.
     * {@code trained} sees each net right after its training, on its thread (e.g. to evaluate it). {@code soFar} gets
     * the finished runs in plan order, each time the next one in that order is done, so files written from it grow as
     * with one job. One progress bar counts the epochs of all nets; a line per net follows it.
     */
    public static List<Run> trainAll(Plan plan, String step, BiConsumer<Run, Mlp> trained, Consumer<List<Run>> soFar) {
        var order = new ArrayList<Activation>();
        var numbers = new ArrayList<Integer>();
        for (int r = 1; r <= plan.runs(); r++) {
            for (Activation a : plan.activations()) {
                order.add(a);
                numbers.add(r);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(plan.jobs());
        var runs = new ArrayList<Run>();
        String label = step + ": " + plan.nets() + (plan.nets() == 1 ? " net" : " nets") + " x " + plan.epochs() + " epochs"
                + (plan.jobs() > 1 ? ", " + plan.jobs() + " at a time" : "");
        try (var bar = Progress.of(label, (long) plan.nets() * plan.epochs())) {
            var futures = new ArrayList<Future<Run>>();
            for (int i = 0; i < order.size(); i++) {
                Activation a = order.get(i);
                int r = numbers.get(i);
                futures.add(pool.submit(() -> {
                    Nd4jSetup.threads(1);   // ND4J's thread settings may be per native thread: set them on this one too
                    Mlp net = plan.newNet(a, r);
                    Run run = train(plan, net, r, bar);
                    trained.accept(run, net);
                    return run;
                }));
            }
            for (Future<Run> f : futures) {
                runs.add(result(f));
                soFar.accept(List.copyOf(runs));
            }
        } finally {
            pool.shutdownNow();
        }
        for (Run run : runs) {
            System.out.println(run.finished() ? String.format(Locale.ROOT, "  %s: final loss %.4f, train acc %s, test acc %s (trained in %.1f s)",
                    run.label(), run.result().loss(), percent(run.result().trainAccuracy()), percent(run.result().testAccuracy()), run.seconds())
                    : "  " + run.diverged() + "; its rows so far are kept, the other runs went on");
        }
        return List.copyOf(runs);
    }

    /** A worker's result; its exception (a bug, or Error) as if thrown here. */
    private static Run result(Future<Run> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Trains {@code net} as the plan says, counting its epochs on {@code bar} (shared by the threads), and records the
     * run. A NaN or infinite loss ends the run (not the step): its message is printed and kept in the record, with the
     * rows of the epochs before it.
     */
    static Run train(Plan plan, Mlp net, int run, Progress bar) {
        long start = System.nanoTime();
        Long seed = plan.seedOf(run);
        String label = net.activation() + " run " + run + "/" + plan.runs() + (seed == null ? "" : " (seed " + seed + ")");
        Training.History history;
        String diverged = null;
        try {
            history = Training.run(label, net, new Sgd(net, plan.lr(), plan.momentum()), plan.train(), plan.test(), plan.epochs(), e -> {
                // another net's failure ends the step (trainAll interrupts the others): stop rather than train for nothing
                if (Thread.currentThread().isInterrupted()) throw new CancellationException(label + ": stopped, another net failed");
                synchronized (bar) {
                    bar.step(() -> String.format(Locale.ROOT, "%s run %d: loss %.4f, test acc %.1f%%", net.activation(), run, e.loss(),
                            100 * e.testAccuracy()));
                }
            });
        } catch (Training.Diverged e) {
            diverged = e.getMessage();
            history = e.history();
        }
        Result result = null;
        if (diverged == null) {
            Mlp.Evaluation fit = net.evaluate(plan.train().features(TYPE), plan.train().y());
            result = new Result(fit.loss(), fit.accuracy(), net.evaluate(plan.test().features(TYPE), plan.test().y()).accuracy());
            if (!Double.isFinite(fit.loss())) {
                diverged = label + " diverged in the last update (after epoch " + (plan.epochs() - 1) + "): loss is " + fit.loss();
                result = null;
            }
        }
        if (plan.saveWeights() != null && diverged == null) net.save(plan.weightsFile(net.activation(), run));
        return new Run(net.activation(), run, seed, List.copyOf(history.epochs()), history.hiddenLayers(), history.gradNorms(), result,
                diverged, (System.nanoTime() - start) / 1e9);
    }

    // ---- files ----

    static final String RUNS_HEADER = "activation,run,seed,final_loss,train_acc,test_acc";
    static final String HISTORY_HEADER = "activation,run,epoch,loss,train_acc,test_acc";
    static final String GRAD_NORMS_HEADER = "activation,run,epoch,layer,norm";

    /**
     * {@code activation,run,seed,final_loss,train_acc,test_acc} of the trained nets (after the last update); a diverged
     * run has NaN there, a run from --init an empty seed.
     */
    public static String runsCsv(List<Run> runs) {
        var csv = new StringBuilder(RUNS_HEADER).append('\n');
        for (Run r : runs) {
            csv.append(r.activation()).append(',').append(r.run()).append(',').append(r.seed() == null ? "" : r.seed());
            if (r.finished()) {
                Result e = r.result();
                csv.append(',').append(e.loss()).append(',').append(e.trainAccuracy()).append(',').append(e.testAccuracy());
            } else {
                csv.append(",NaN,NaN,NaN");
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** {@code activation,run,epoch,loss,train_acc,test_acc}: every epoch's forward pass, before its update. */
    public static String historyCsv(List<Run> runs) {
        var csv = new StringBuilder(HISTORY_HEADER).append('\n');
        for (Run r : runs) {
            for (Training.Epoch e : r.epochs()) {
                csv.append(r.activation()).append(',').append(r.run()).append(',').append(e.epoch()).append(',').append(e.loss())
                        .append(',').append(e.trainAccuracy()).append(',').append(e.testAccuracy()).append('\n');
            }
        }
        return csv.toString();
    }

    /** {@code activation,run,epoch,layer,norm}, long form: one row per (epoch, hidden layer). */
    public static String gradNormsCsv(List<Run> runs) {
        var csv = new StringBuilder(GRAD_NORMS_HEADER).append('\n');
        for (Run r : runs) {
            for (int e = 0; e < r.gradNorms().length; e++) {
                for (int k = 0; k < r.hiddenLayers().size(); k++) {
                    csv.append(r.activation()).append(',').append(r.run()).append(',').append(e).append(',')
                            .append(r.hiddenLayers().get(k)).append(',').append(r.gradNorms()[e][k]).append('\n');
                }
            }
        }
        return csv.toString();
    }

    // ---- statistics ----

    /** Mean, sample standard deviation (n - 1; 0 for one value), min and max of some values. */
    public record Stats(int n, double mean, double std, double min, double max) {
        public static Stats of(double[] values) {
            int n = values.length;
            if (n == 0) return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            double mean = Arrays.stream(values).sum() / n;
            double squares = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
            return new Stats(n, mean, n > 1 ? Math.sqrt(squares / (n - 1)) : 0, Arrays.stream(values).min().orElseThrow(),
                    Arrays.stream(values).max().orElseThrow());
        }
    }

    /** The median of the values (the mean of the middle two for an even count); NaN for none. */
    public static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** "1 run", "5 runs". */
    public static String runs(int n) {
        return n + (n == 1 ? " run" : " runs");
    }

    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** A number for summary.json: JSON has no NaN, so a missing value is null. */
    public static String json(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "null";
    }

    /** "ReLU" and "Sigmoid", as the figures and sentences name them. */
    public static String display(Activation a) {
        return a == Activation.RELU ? "ReLU" : a == Activation.SIGMOID ? "Sigmoid" : a.toString();
    }
}
