package study;

import java.nio.file.Path;
import java.util.ArrayList;
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
import org.nd4j.linalg.api.ndarray.INDArray;
import data.Split;
import io.Format;
import io.Progress;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;
import speed.Nd4jSetup;
import speed.Parallel;

/**
 * Trains every net of a {@link Study} on {@code data}: run 1 of each activation, then run 2, ..., {@code jobs} nets at
 * a time, each on its own thread with one ND4J thread. The nets share nothing, so each one's numbers are those of
 * training it alone, whatever {@code jobs}. {@code init}: the --init weights every net starts from (null: each run's
 * torch seed); {@code saveWeights}: where --save-weights puts the trained nets (null: nowhere).
 */
public final class Trainer {
    private final Study study;
    private final Split data;
    private final Map<String, INDArray> init;
    private final Path saveWeights;
    private final int jobs;

    public Trainer(Study study, Split data, Map<String, INDArray> init, Path saveWeights, int jobs) {
        if ((init == null) == (study.seed() == null)) throw new IllegalArgumentException("either a seed or --init weights");
        this.study = study;
        this.data = data;
        this.init = init;
        this.saveWeights = saveWeights;
        this.jobs = jobs;
    }

    public Study study() { return study; }
    public Split data() { return data; }
    public int jobs() { return jobs; }

    /** The net of run {@code run} (1-based) before training: the study's model with the --init weights or its seed's. */
    public Mlp initialNet(Activation activation, int run) {
        Mlp net = study.newNet(activation);
        if (init != null) net.loadStateDict(init, "--init");
        else net.initLikeTorch(study.seedOf(run));
        return net;
    }

    /** Where --save-weights puts the net of (activation, run): the file itself when it is the only net. */
    public Path weightsFile(Activation activation, int run) {
        if (study.nets() == 1) return saveWeights;
        String name = saveWeights.getFileName().toString();
        String stem = name.substring(0, name.length() - ".npz".length());
        return saveWeights.resolveSibling(stem + "_" + activation + "_run" + run + ".npz");
    }

    /** The files --save-weights wrote for {@code runs}: one per finished run (none without --save-weights). */
    public List<Path> savedWeights(List<Run> runs) {
        if (saveWeights == null) return List.of();
        return runs.stream().filter(Run::finished).map(r -> weightsFile(r.activation(), r.run())).toList();
    }

    /**
     * Trains every net and returns their runs in the study's order. {@code trained} sees each net right after its
     * training, on its thread (e.g. to evaluate it). {@code soFar} gets the finished runs in order, each time the next
     * one in that order is done, so files written from it grow as with one job. An exception of one net (a bug) stops
     * the others and is thrown here; a diverging net only ends its own run. One progress bar counts the epochs of all
     * nets ({@code step} names it); a line per net follows it.
     */
    public List<Run> train(String step, BiConsumer<Run, Mlp> trained, Consumer<List<Run>> soFar) {
        Nd4jSetup.threads(1);   // why: see there (small matrices; idle OpenMP workers spin, on a shared machine ~10x slower)
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        var runs = new ArrayList<Run>();
        int nets = study.nets();
        String label = step + ": " + Format.count(nets, "net") + " x " + study.epochs() + " epochs" + (jobs > 1 ? ", " + jobs + " at a time" : "");
        try (var bar = Progress.of(label, (long) nets * study.epochs())) {
            var futures = new ArrayList<Future<Run>>();
            for (int r = 1; r <= study.runs(); r++) {
                for (Activation a : study.activations()) {
                    int run = r;
                    futures.add(pool.submit(() -> {
                        Parallel.workerOf(jobs);
                        Mlp net = initialNet(a, run);
                        Run done = train(net, run, bar);
                        trained.accept(done, net);
                        return done;
                    }));
                }
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
                    run.label(), run.result().loss(), Format.percent(run.result().trainAccuracy()), Format.percent(run.result().testAccuracy()),
                    run.seconds()) : "  " + run.diverged() + "; its rows so far are kept, the other runs went on");
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
     * Trains one net, counting its epochs on {@code bar} (shared by the threads), and records the run. A NaN or
     * infinite loss ends the run (not the study): its message is kept in the record, with the rows of the epochs before it.
     */
    private Run train(Mlp net, int run, Progress bar) {
        long start = System.nanoTime();
        Long seed = study.seedOf(run);
        String label = net.activation() + " run " + run + "/" + study.runs() + (seed == null ? "" : " (seed " + seed + ")");
        Training.History history;
        String diverged = null;
        try {
            history = Training.run(label, net, new Sgd(net, study.lr(), study.momentum()), data.train(), data.test(), study.epochs(), e -> {
                // another net's failure ends the training (train() interrupts the others): stop rather than train for nothing
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
        Run.Result result = null;
        if (diverged == null) {
            Mlp.Evaluation fit = net.evaluate(data.train().features(Study.TYPE), data.train().y());
            result = new Run.Result(fit.loss(), fit.accuracy(), net.evaluate(data.test().features(Study.TYPE), data.test().y()).accuracy());
            if (!Double.isFinite(fit.loss())) {
                diverged = label + " diverged in the last update (after epoch " + (study.epochs() - 1) + "): loss is " + fit.loss();
                result = null;
            }
        }
        if (saveWeights != null && diverged == null) net.save(weightsFile(net.activation(), run));
        return new Run(net.activation(), run, seed, history.epochs(), history.hiddenLayers(), history.perLayer(),
                result, diverged, (System.nanoTime() - start) / 1e9);
    }

    @Override
    public String toString() {
        return "Trainer(" + study.describe() + (saveWeights != null ? ", saving weights to " + saveWeights : "") + ", " + jobs + " at a time)";
    }
}
