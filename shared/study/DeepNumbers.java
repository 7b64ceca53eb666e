package study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import nn.Activation;
import nn.PyTorchReference;

/**
 * What step 2's runs add up to, in numbers (report.DeepResult puts them into words): per activation its
 * {@link ActivationSummary} and its {@link UnitShares}; per pair of activations the {@link Pair}ed comparison (run r of
 * every activation starts from the same weights). {@code latent}: by run label, the share of the trained net's latent
 * units that its activation counts as dead or saturated ({@link LatentUnits#share}).
 */
public record DeepNumbers(Map<Activation, ActivationSummary> summaries, List<Pair> pairs, Map<Activation, UnitShares> units) {
    public DeepNumbers {
        summaries = Collections.unmodifiableMap(new LinkedHashMap<>(summaries));
        pairs = List.copyOf(pairs);
        units = Collections.unmodifiableMap(new LinkedHashMap<>(units));
    }

    /** The numbers of {@code runs} of {@code study}; {@code latent} by run label (empty: the latent layers not measured). */
    public static DeepNumbers of(Study study, List<Run> runs, Map<String, Double> latent) {
        var summaries = new LinkedHashMap<Activation, ActivationSummary>();
        var units = new LinkedHashMap<Activation, UnitShares>();
        var pairs = new ArrayList<Pair>();
        List<Activation> activations = study.activations();
        for (int i = 0; i < activations.size(); i++) {
            Activation a = activations.get(i);
            summaries.put(a, ActivationSummary.of(a, runs));
            UnitShares u = UnitShares.of(a, runs, latent);
            if (u != null) units.put(a, u);
            for (Activation b : activations.subList(i + 1, activations.size())) pairs.add(Pair.of(a, b, study, runs));
        }
        return new DeepNumbers(summaries, pairs, units);
    }

    /** The activations by mean final test accuracy, best first (the study's order among equals; none finished: last). */
    public List<Activation> ranking() {
        Comparator<ActivationSummary> byMean = Comparator.comparingDouble(s -> Double.isNaN(s.testAccuracy().mean()) ? -1 : s.testAccuracy().mean());
        return summaries.values().stream().sorted(byMean.reversed()).map(ActivationSummary::activation).toList();
    }

    /** The comparison of {@code a} and {@code b} (in either order), or null when one of them was not trained. */
    public Pair pair(Activation a, Activation b) {
        return pairs.stream().filter(p -> p.involves(a) && p.involves(b)).findFirst().orElse(null);
    }

    /**
     * Of the runs r where both {@code a} and {@code b} finished: in how many {@code a} ended with the higher test accuracy,
     * {@code b}, neither.
     */
    public record Pair(Activation a, Activation b, int aWins, int bWins, int ties) {
        public int count() {
            return aWins + bWins + ties;
        }

        public boolean involves(Activation activation) {
            return a == activation || b == activation;
        }

        /** The paired runs {@code activation} won. */
        public int wins(Activation activation) {
            return activation == a ? aWins : bWins;
        }

        /** The other activation of the pair. */
        public Activation other(Activation activation) {
            return activation == a ? b : a;
        }

        static Pair of(Activation a, Activation b, Study study, List<Run> runs) {
            int aWins = 0, bWins = 0, ties = 0;
            for (int r = 1; r <= study.runs(); r++) {
                Run x = finished(runs, a, r), y = finished(runs, b, r);
                if (x == null || y == null) continue;
                double ax = x.result().testAccuracy(), by = y.result().testAccuracy();
                if (ax > by) aWins++;
                else if (by > ax) bWins++;
                else ties++;
            }
            return new Pair(a, b, aWins, bWins, ties);
        }

        private static Run finished(List<Run> runs, Activation activation, int run) {
            return runs.stream().filter(x -> x.activation() == activation && x.run() == run && x.finished()).findFirst().orElse(null);
        }
    }

    /**
     * One activation's units (units.csv) in the last epoch of its finished runs that recorded them, apart for the runs
     * that left chance ({@code leftChance} of them) and those at chance ({@code atChance}): per hidden layer the median
     * share its rule counts ({@link Activation#units()}: dead units or saturated outputs; {@code measure} is the units.csv
     * column); the same share of the 2-unit latent layer after training; NaN where there is no such run or no
     * measurement. For an activation that counts dead units, how each run at chance got {@link Stuck}.
     */
    public record UnitShares(Activation activation, String measure, List<String> layers, int leftChance, double[] medianShareLeftChance,
            double latentLeftChance, int atChance, double[] medianShareAtChance, double latentAtChance, List<Stuck> stuck) {
        public UnitShares {
            layers = List.copyOf(layers);
            stuck = List.copyOf(stuck);
        }

        /** The units of {@code activation}'s finished runs among {@code all}; null when none recorded its measure. */
        static UnitShares of(Activation activation, List<Run> all, Map<String, Double> latent) {
            String measure = activation.units().kind().column();
            var recorded = all.stream().filter(r -> r.activation() == activation && r.finished() && !r.epochs().isEmpty()
                    && Arrays.stream(last(r, measure)).noneMatch(Double::isNaN)).toList();
            if (recorded.isEmpty()) return null;
            var atChance = recorded.stream().filter(r -> PyTorchReference.atChance(r.result().testAccuracy())).toList();
            var left = recorded.stream().filter(r -> !atChance.contains(r)).toList();
            var stuck = activation.units().kind() == Activation.Units.DEAD
                    ? atChance.stream().map(r -> Stuck.of(r, latent.getOrDefault(r.label(), Double.NaN))).toList() : List.<Stuck>of();
            int layers = recorded.get(0).layers().size();
            return new UnitShares(activation, measure, recorded.get(0).layers(), left.size(), medianLast(left, measure, layers),
                    medianLatent(left, latent), atChance.size(), medianLast(atChance, measure, layers), medianLatent(atChance, latent), stuck);
        }

        private static double[] medianLast(List<Run> runs, String measure, int layers) {
            double[] medians = new double[layers];
            for (int k = 0; k < layers; k++) {
                int layer = k;
                medians[k] = Stats.of(runs.stream().mapToDouble(r -> last(r, measure)[layer]).toArray()).median();
            }
            return medians;
        }

        private static double medianLatent(List<Run> runs, Map<String, Double> latent) {
            return Stats.of(runs.stream().filter(r -> latent.containsKey(r.label())).mapToDouble(r -> latent.get(r.label())).toArray()).median();
        }

        /** The largest median share of any hidden layer, in either group of runs (0 when there is none). */
        public double most() {
            return java.util.stream.DoubleStream.concat(Arrays.stream(medianShareLeftChance), Arrays.stream(medianShareAtChance))
                    .filter(Double::isFinite).max().orElse(0);
        }

        @Override
        public String toString() {
            return "UnitShares(" + activation + " " + measure + " in the last epoch; " + leftChance + " runs that left chance: "
                    + Arrays.toString(medianShareLeftChance) + ", latent " + latentLeftChance + "; " + atChance + " at chance: "
                    + Arrays.toString(medianShareAtChance) + ", latent " + latentAtChance + (stuck.isEmpty() ? "" : "; " + stuck) + ")";
        }
    }

    /** Each hidden layer's {@code measure} in the run's last epoch. */
    static double[] last(Run run, String measure) {
        double[][] table = run.perLayer().get(measure);
        return table[table.length - 1].clone();
    }

    /**
     * How a run at chance whose activation counts dead units got stuck, from its units.csv and gradnorms.csv.
     * {@code deadLayer}: the first hidden layer all of whose units were dead in some epoch (-1: none was), {@code deadFrom}:
     * the first epoch its dead share reached 100%. {@code noGradientFrom}: the epoch from which on, up to the last, every
     * hidden layer's weight gradient was exactly 0 (-1: the last epoch still had a gradient). {@code lastDead}: each hidden
     * layer's dead share in the last epoch; {@code latentDead}: the share of the latent layer's units dead after training
     * (NaN: not measured).
     */
    public record Stuck(Run run, int deadLayer, int deadFrom, int noGradientFrom, double[] lastDead, double latentDead) {
        /** How {@code run} got stuck; {@code latentDead} as {@link LatentUnits#share} measured it (NaN: not measured). */
        public static Stuck of(Run run, double latentDead) {
            int deadLayer = -1, deadFrom = -1;
            double[][] dead = run.perLayer().get(Run.DEAD_FRACTION);
            for (int k = 0; k < run.layers().size() && deadLayer < 0; k++) {
                for (int e = 0; e < dead.length; e++) {
                    if (dead[e][k] == 1) {
                        deadLayer = k;
                        deadFrom = e;
                        break;
                    }
                }
            }
            double[][] norms = run.gradNorms();
            int from = norms.length;
            while (from > 0 && Arrays.stream(norms[from - 1]).allMatch(n -> n == 0)) from--;
            return new Stuck(run, deadLayer, deadFrom, from == norms.length ? -1 : from, last(run, Run.DEAD_FRACTION), latentDead);
        }

        /** The hidden layer with the largest dead share in the last epoch. */
        public int mostDead() {
            int most = 0;
            for (int k = 1; k < lastDead.length; k++) if (lastDead[k] > lastDead[most]) most = k;
            return most;
        }

        @Override
        public String toString() {
            return "Stuck(" + run.label() + ": dead layer " + deadLayer + " from epoch " + deadFrom + ", no gradient from epoch " + noGradientFrom
                    + ", last dead shares " + Arrays.toString(lastDead) + ", latent " + latentDead + ")";
        }
    }
}
