package study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import data.Points;
import io.BadInputException;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;
import nn.WeightInit;

/**
 * The settings of the depth sweep ({@code depth}): for every depth D of {@code depths} and every activation, nets
 * {@code hidden1 .. hiddenD} of {@code width} units, then {@code latent} and {@code output} as in deep; {@code runs}
 * of each, run r from PyTorch's initial weights under {@code init} after {@code torch.manual_seed(r - 1)}; each
 * trained {@code epochs} full-batch epochs with SGD. {@code data} says what they learn from.
 */
public record DepthSweep(List<Integer> depths, int width, List<Activation> activations, int runs, WeightInit init, int epochs,
        double lr, double momentum, String data) {
    /** The deepest net a sweep builds (as deep's --depth). */
    public static final int MAX_DEPTH = 64;

    public DepthSweep {
        depths = List.copyOf(depths);
        activations = List.copyOf(activations);
    }

    /** The same sweep on the data {@code data} describes. */
    public DepthSweep on(String data) {
        return new DepthSweep(depths, width, activations, runs, init, epochs, lr, momentum, data);
    }

    /** One net of the sweep, before it exists: run {@code run} (1-based) of {@code activation} at {@code depth}. */
    public record Job(Activation activation, int depth, int run) {}

    /** Every net of the sweep, the deepest first (they take longest, so the cores stay busy to the end). */
    public List<Job> jobs() {
        var jobs = new ArrayList<Job>();
        for (Activation a : activations) for (int d : depths) for (int r = 1; r <= runs; r++) jobs.add(new Job(a, d, r));
        jobs.sort(java.util.Comparator.comparingInt(Job::depth).reversed());
        return jobs;
    }

    /** e.g. {@code relu depth 8 run 1 (seed 0)}. */
    public String label(Job job) {
        return label(job.activation(), job.depth(), job.run(), seedOf(job.run()));
    }

    static String label(Activation activation, int depth, int run, long seed) {
        return activation + " depth " + depth + " run " + run + " (seed " + seed + ")";
    }

    /** The torch seed of run {@code run} (1-based): seeds 0 .. runs - 1. */
    public long seedOf(int run) {
        return run - 1;
    }

    /** How many nets the sweep trains: one per (activation, depth, run). */
    public int nets() {
        return activations.size() * depths.size() * runs;
    }

    /** e.g. {@code depths 1-8 x 264 units, relu, sigmoid and tanh, 3 runs each (seeds 0..2), torch init, 10 epochs, ...}. */
    public String describe() {
        return String.format(Locale.ROOT, "depths %s x %d units, %s, %d run%s each (seed%s), %s init, %d epoch%s, full-batch SGD lr %s "
                + "momentum %s, %s", depthsText(depths), width, Activation.optionNames(activations),
                runs, runs == 1 ? "" : "s", runs == 1 ? " 0" : "s 0.." + (runs - 1), init, epochs, epochs == 1 ? "" : "s", lr, momentum, data);
    }

    /**
     * What one net of the sweep recorded. {@code epoch0.get(scheme)[k]}: hidden layer k's weight-gradient norm at the
     * initial weights under {@code scheme} (epoch 0's gradient), for every scheme (the sweep's own one is that of the
     * trained net; the others cost one forward and backward pass each). {@code median[k]}: the median of hidden layer
     * k's norm over the epochs trained. {@code testAccuracy}: after the last update. A diverged net keeps the epochs
     * before its divergence ({@code epochs} of them; NaN where there are none) and says why in {@code diverged}.
     */
    public record Net(Activation activation, int depth, int run, long seed, List<String> layers, Map<WeightInit, double[]> epoch0,
            double[] median, int epochs, double testAccuracy, String diverged) {
        public Net {
            layers = List.copyOf(layers);
            epoch0 = Collections.unmodifiableMap(new EnumMap<>(epoch0));
        }

        /**
         * The record of {@code job}'s net, trained from {@code seed}'s weights: its {@code history} (possibly cut short
         * by a divergence), whose epoch 0 gives the norms at the initial weights of the sweep's scheme {@code init};
         * {@code atInit} gives those of the same net under another scheme.
         */
        public static Net of(Job job, long seed, WeightInit init, Training.History history, Function<WeightInit, double[]> atInit,
                double testAccuracy, String diverged) {
            var epoch0 = new EnumMap<WeightInit, double[]>(WeightInit.class);
            for (WeightInit scheme : WeightInit.values()) epoch0.put(scheme, scheme == init ? firstEpoch(history) : atInit.apply(scheme));
            double[][] norms = history.gradNorms();
            double[] median = IntStream.range(0, history.hiddenLayers().size())
                    .mapToDouble(k -> Stats.of(Arrays.stream(norms).mapToDouble(row -> row[k]).toArray()).median()).toArray();
            return new Net(job.activation(), job.depth(), job.run(), seed, history.hiddenLayers(), epoch0, median, history.epochs().size(),
                    testAccuracy, diverged);
        }

        /** hidden1's weight-gradient norm at the initial weights under {@code scheme}. */
        public double firstLayer(WeightInit scheme) {
            return epoch0.get(scheme)[0];
        }

        /**
         * A dead net under {@code scheme}: hidden1's gradient at the initial weights is exactly 0. Some layer's ReLUs are
         * off for every training point, so no gradient flows back below it, the output does not depend on the input,
         * and SGD never changes that (the layer's own gradient is 0 too).
         */
        public boolean dead(WeightInit scheme) {
            return firstLayer(scheme) == 0;
        }

        public boolean finished() {
            return diverged == null;
        }

        /** e.g. {@code relu depth 8 run 1 (seed 0)}. */
        public String label() {
            return DepthSweep.label(activation, depth, run, seed);
        }

        @Override
        public String toString() {
            String norms = epoch0.entrySet().stream().map(e -> e.getKey() + " " + Arrays.toString(e.getValue())).collect(Collectors.joining("; "));
            return "Net[" + label() + ", hidden-layer gradient norms at init: " + norms + "; median over " + epochs + " epochs "
                    + Arrays.toString(median) + (finished() ? "" : "; " + diverged) + "]";
        }
    }

    /** {@code net}'s hidden layers' weight-gradient norms at its current weights on {@code train}: epoch 0 of a one-epoch run. */
    public double[] gradientAtInit(Mlp net, Points train) {
        try {
            return firstEpoch(Training.run("gradient at init", net, new Sgd(net, lr, momentum), train, null, 1, e -> {}));
        } catch (Training.Diverged e) {
            return firstEpoch(e.history());
        }
    }

    /** The hidden layers' gradient norms at epoch 0 of {@code history}, the gradient at the initial weights (NaN: no epoch). */
    public static double[] firstEpoch(Training.History history) {
        if (history.epochs().isEmpty()) return history.hiddenLayers().stream().mapToDouble(name -> Double.NaN).toArray();
        return history.gradNorms()[0].clone();
    }

    /** depth.csv: {@code activation,depth,run,seed,layer,grad_norm_epoch0,grad_norm_median}, a row per net and hidden layer. */
    public String csv(List<Net> nets) {
        var out = new StringBuilder("activation,depth,run,seed,layer,grad_norm_epoch0,grad_norm_median\n");
        for (Net net : nets) {
            for (int k = 0; k < net.layers().size(); k++) {
                out.append(net.activation()).append(',').append(net.depth()).append(',').append(net.run()).append(',').append(net.seed())
                        .append(',').append(net.layers().get(k)).append(',').append(net.epoch0().get(init)[k]).append(',')
                        .append(net.median()[k]).append('\n');
            }
        }
        return out.toString();
    }

    /** depth_inits.csv: {@code init,activation,depth,run,seed,layer,grad_norm_epoch0} for every init scheme. */
    public static String initsCsv(List<Net> nets) {
        var out = new StringBuilder("init,activation,depth,run,seed,layer,grad_norm_epoch0\n");
        for (WeightInit scheme : WeightInit.values()) {
            for (Net net : nets) {
                for (int k = 0; k < net.layers().size(); k++) {
                    out.append(scheme).append(',').append(net.activation()).append(',').append(net.depth()).append(',').append(net.run())
                            .append(',').append(net.seed()).append(',').append(net.layers().get(k)).append(',')
                            .append(net.epoch0().get(scheme)[k]).append('\n');
                }
            }
        }
        return out.toString();
    }

    // ---- the options' notation ----

    /**
     * {@code --depths}: depths and ranges separated by commas ({@code 1-8}, {@code 1,2,4,8}, {@code 1-3,6}), each from 1
     * to {@link #MAX_DEPTH}, ascending without repeats. Anything else is a one-line {@link BadInputException}.
     */
    public static List<Integer> parseDepths(String text, String option) {
        String allowed = option + " must be depths from 1 to " + MAX_DEPTH + " and ranges A-B, separated by commas, ascending without "
                + "repeats (e.g. 1-8 or 1,2,4,8)";
        var depths = new ArrayList<Integer>();
        for (String item : text.split(",", -1)) {
            String[] ends = item.strip().split("-", -1);
            BadInputException.require(ends.length <= 2 && Arrays.stream(ends).allMatch(e -> e.strip().matches("[0-9]{1,9}")),
                    allowed + ", got '" + text + "'");
            int from = Integer.parseInt(ends[0].strip()), to = Integer.parseInt(ends[ends.length - 1].strip());
            BadInputException.require(from >= 1 && to <= MAX_DEPTH, allowed + ", got " + (from < 1 ? from : to) + " in '" + text + "'");
            BadInputException.require(from <= to, allowed + ", got the descending range '" + item.strip() + "'");
            for (int d = from; d <= to; d++) depths.add(d);
        }
        for (int i = 1; i < depths.size(); i++) {
            BadInputException.require(depths.get(i) > depths.get(i - 1), allowed + ", got " + depths.get(i) + " after " + depths.get(i - 1) + " in '" + text + "'");
        }
        return depths;
    }

    /** {@code 1-8} for a run of consecutive depths, else {@code 1, 2, 4, 8}. */
    public static String depthsText(List<Integer> depths) {
        int first = depths.get(0), last = depths.get(depths.size() - 1);
        if (depths.size() > 2 && last - first == depths.size() - 1) return first + "-" + last;
        return String.join(", ", depths.stream().map(String::valueOf).toList());
    }
}
