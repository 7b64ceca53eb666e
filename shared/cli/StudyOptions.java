package cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import data.Npz;
import data.Points;
import data.Split;
import data.TwoMoons;
import io.BadInputException;
import io.Output;
import nn.Activation;
import study.Study;
import study.Trainer;

/** The options of a study of activations ({@code deep}, {@code gradnorms}) as a picocli mixin, and their checks. */
public class StudyOptions {
    static final int MAX_WIDTH = 4096;
    static final int MAX_DEPTH = 64;
    /** Runs per activation: each trained net gets its latent figure and a panel of the boundaries figure. */
    static final int MAX_RUNS = 20;
    static final int MAX_JOBS = 256;
    /** The sheet's two: ReLU and Sigmoid. */
    static final String DEFAULT_ACTIVATIONS = "relu,sigmoid";

    @Mixin
    SgdOptions sgd;

    @Option(names = "--width", paramLabel = "W", defaultValue = "264", description = "Units of every hidden layer, 1 to " + MAX_WIDTH + " (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "3", description = "Hidden layers hidden1..hiddenN, 1 to " + MAX_DEPTH + " (default: ${DEFAULT-VALUE}, as the sheet asks).")
    int depth;

    @Option(names = "--activations", paramLabel = "LIST", completionCandidates = Activation.Names.class, description = "The activations "
            + "to compare, separated by commas, each once: some of ${COMPLETION-CANDIDATES} (default: " + DEFAULT_ACTIVATIONS + ", the sheet's).")
    String activations;

    @Option(names = "--activation", paramLabel = "NAME", completionCandidates = Activation.Names.class, description = "Train only this "
            + "one of ${COMPLETION-CANDIDATES} (the same as --activations NAME).")
    String activation;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Run r starts from torch.manual_seed(S + r - 1)'s weights, S >= 0 (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--runs", paramLabel = "R", description = "Runs per activation, 1 to " + MAX_RUNS + ", seeds S, S+1, ... (default: 5; 1 with --init, which allows no other).")
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

    @Option(names = "--jobs", paramLabel = "N", description = "Nets trained at the same time, one thread each, 1 to " + MAX_JOBS + " (default: the "
            + "number of cores, at most the number of nets). Every net's numbers are the same whatever N.")
    Integer jobs;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: scripts/out/${COMMAND-NAME}).")
    Path out;

    /** The options as they were given, e.g. {@code --depth 3 --width 264 --runs 5 --seed 0 --epochs 1000 ...}. */
    @Override
    public String toString() {
        return "--depth " + depth + " --width " + width + (activation != null ? " --activation " + activation : "")
                + (activations != null ? " --activations " + activations : "") + " --runs "
                + (runs != null ? runs : "(default)") + " --seed " + seed + " " + sgd + (init != null ? " --init " + init : "")
                + (train != null ? " --train " + train + " --test " + test : "") + (jobs != null ? " --jobs " + jobs : "");
    }

    /**
     * Checks every option and reads every input file (nothing is written): the trainer of the study they describe, with
     * at least {@code minDepth} hidden layers. The first problem is a one-line {@link BadInputException}.
     */
    public Trainer trainer(int minDepth) {
        sgd.validate();
        Cli.require(width >= 1 && width <= MAX_WIDTH, "--width must be an integer from 1 to " + MAX_WIDTH + ", got " + width);
        Cli.require(depth >= minDepth && depth <= MAX_DEPTH, "--depth must be an integer from " + minDepth + " to " + MAX_DEPTH
                + " (hidden layers before the latent one), got " + depth);
        Cli.require(activation == null || activations == null, "--activation and --activations: give one of them (--activation NAME "
                + "is --activations NAME)");
        List<Activation> activations = activation != null ? List.of(Activation.parse(activation, "--activation"))
                : Activation.parseList(this.activations != null ? this.activations : DEFAULT_ACTIVATIONS, "--activations");
        // With --init every run would start from the same weights and, full-batch and deterministic, repeat the same numbers.
        int runs = this.runs != null ? this.runs : init != null ? 1 : 5;
        Cli.require(runs >= 1 && runs <= MAX_RUNS, "--runs must be an integer from 1 to " + MAX_RUNS + ", got " + runs);
        Cli.require(init == null || runs == 1, "--runs must be 1 with --init (every run would start from the same weights "
                + "and repeat the same numbers), got " + runs);
        Cli.require(seed >= 0 && seed <= Long.MAX_VALUE - (runs - 1), "--seed must be an integer from 0 to "
                + (Long.MAX_VALUE - (runs - 1)) + " (so that seed + runs - 1 fits), got " + seed);
        Cli.require((train == null) == (test == null), (train == null ? "--test needs --train" : "--train needs --test")
                + ": give both data files or neither (the lecture data)");
        Split data;
        String description;
        if (train != null) {
            data = new Split(Points.readCsv(train, "--train", Study.TYPE), Points.readCsv(test, "--test", Study.TYPE));
            description = data.train().size() + " train points from " + train + ", " + data.test().size() + " test points from " + test;
        } else {
            data = TwoMoons.lecture();
            description = "lecture data (" + data.train().size() + " train / " + data.test().size() + " test points)";
        }
        var study = new Study(depth, width, activations, runs, init == null ? seed : null, sgd.epochs, sgd.lr, sgd.momentum, description);
        Map<String, INDArray> weights = init == null ? null : checkedInit(study);
        if (saveWeights != null) Output.requireNpzFile(saveWeights, "--save-weights");
        Cli.require(jobs == null || jobs >= 1 && jobs <= MAX_JOBS, "--jobs must be an integer from 1 to " + MAX_JOBS + ", got " + jobs);
        int jobs = Math.min(study.nets(), this.jobs != null ? this.jobs : Runtime.getRuntime().availableProcessors());
        return new Trainer(study, data, weights, saveWeights, jobs);
    }

    /** --out, or the step's default folder; it may exist, but as a folder. */
    public Path outDir(String step) {
        Path dir = out != null ? out : Output.defaultDir(step);
        Cli.require(!Files.exists(dir) || Files.isDirectory(dir), "--out must be a folder, but " + dir + " is a file");
        return dir;
    }

    /** The input files given (--train, --test, --init): none may lie in the output folder. */
    public OutputFolder.Input[] inputs() {
        return new OutputFolder.Input[] {new OutputFolder.Input("--train", train), new OutputFolder.Input("--test", test),
                new OutputFolder.Input("--init", init)};
    }

    /** The --init archive, with exactly the keys the study's nets need, of the right shapes and finite. */
    Map<String, INDArray> checkedInit(Study study) {
        Map<String, INDArray> state = Npz.read(init, "--init");
        study.newNet(study.activations().get(0)).loadStateDict(state, "--init");  // PyTorch's strict rule: keys, shapes, finite
        return state;
    }
}
