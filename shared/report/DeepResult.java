package report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.Format;
import nn.Activation;
import nn.PyTorchReference;
import study.ActivationSummary;
import study.LatentUnits;
import study.Run;
import study.Stats;
import study.Study;

/**
 * What step 2 of the vanishing-gradient exercise ({@code deep}) found: the study it ran, every run, each activation's
 * {@link ActivationSummary}, the paired comparison (run r of both activations started from the same weights) and
 * the files it wrote into {@code dir}. {@link #answer()} answers the sheet's question from these numbers.
 */
public record DeepResult(Study study, List<Run> runs, Map<Activation, ActivationSummary> summaries, Pairs pairs,
        Map<Activation, Units> units, Path dir, List<Path> files) implements StepResult {
    public static final String QUESTION = "Is one architecture always better, and why?";
    /** A sigmoid output h counts as saturated where its derivative h (1 - h) is below this (nn.Training measures it). */
    public static final double SATURATED_BELOW = 0.01;

    /** Diverged runs fail the step, although every file and the other runs' numbers are there. */
    @Override
    public String failure() {
        return Run.divergence(runs);
    }

    /** Of the runs r where both activations finished: in how many ReLU ended with the higher test accuracy, Sigmoid, neither. */
    public record Pairs(int reluWins, int sigmoidWins, int ties) {
        public int count() {
            return reluWins + sigmoidWins + ties;
        }

        static Pairs of(Study study, List<Run> runs) {
            int relu = 0, sigmoid = 0, ties = 0;
            for (int r = 1; r <= study.runs(); r++) {
                Run a = finished(runs, Activation.RELU, r), b = finished(runs, Activation.SIGMOID, r);
                if (a == null || b == null) continue;
                double reluAccuracy = a.result().testAccuracy(), sigmoidAccuracy = b.result().testAccuracy();
                if (reluAccuracy > sigmoidAccuracy) relu++;
                else if (sigmoidAccuracy > reluAccuracy) sigmoid++;
                else ties++;
            }
            return new Pairs(relu, sigmoid, ties);
        }

        private static Run finished(List<Run> runs, Activation activation, int run) {
            return runs.stream().filter(x -> x.activation() == activation && x.run() == run && x.finished()).findFirst().orElse(null);
        }
    }

    /**
     * One activation's units (units.csv) in the last epoch of its finished runs that recorded them, apart for the runs
     * that left chance ({@code leftChance} of them) and those at chance ({@code atChance}): per hidden layer the median
     * share of dead ReLU units or of saturated sigmoid outputs ({@code measure}, its units.csv column); the same share
     * of the 2-unit latent layer after training ({@link LatentUnits}); NaN where there is no such run or no measurement.
     * For ReLU, how each run at chance got {@link Stuck}.
     */
    public record Units(Activation activation, String measure, List<String> layers, int leftChance, double[] medianShareLeftChance,
            double latentLeftChance, int atChance, double[] medianShareAtChance, double latentAtChance, List<Stuck> stuck) {
        public Units {
            layers = List.copyOf(layers);
            stuck = List.copyOf(stuck);
        }

        /** The measure of {@code activation}'s units: dead ReLUs, saturated sigmoids; null for any other activation. */
        public static String measureOf(Activation activation) {
            return switch (activation) {
                case RELU -> Run.DEAD_FRACTION;
                case SIGMOID -> Run.SATURATED_FRACTION;
                default -> null;
            };
        }

        /**
         * The units of {@code activation}'s finished runs among {@code all}, {@code latent} their latent layers' shares by
         * run label; null when none recorded its measure.
         */
        static Units of(Activation activation, List<Run> all, Map<String, Double> latent) {
            String measure = measureOf(activation);
            if (measure == null) return null;
            var recorded = all.stream().filter(r -> r.activation() == activation && r.finished() && !r.epochs().isEmpty()
                    && Arrays.stream(last(r, measure)).noneMatch(Double::isNaN)).toList();
            if (recorded.isEmpty()) return null;
            var atChance = recorded.stream().filter(r -> PyTorchReference.atChance(r.result().testAccuracy())).toList();
            var left = recorded.stream().filter(r -> !atChance.contains(r)).toList();
            var stuck = activation == Activation.RELU ? atChance.stream().map(r -> Stuck.of(r, latent.getOrDefault(r.label(), Double.NaN))).toList()
                    : List.<Stuck>of();
            int layers = recorded.get(0).layers().size();
            return new Units(activation, measure, recorded.get(0).layers(), left.size(), medianLast(left, measure, layers), medianLatent(left, latent),
                    atChance.size(), medianLast(atChance, measure, layers), medianLatent(atChance, latent), stuck);
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

        /**
         * e.g. {@code median over the 2 runs that left chance: hidden1 0.0%, hidden2 0.2%, hidden3 0.0%, latent 52.1%; over
         * the 3 at chance: ...}: the last epoch's hidden layers and the latent layer after training (when measured).
         */
        public String shares() {
            var groups = new ArrayList<String>();
            if (leftChance > 0) groups.add(group(Format.count(leftChance, "run") + " that left chance", medianShareLeftChance, latentLeftChance));
            if (atChance > 0) groups.add(group(Format.count(atChance, "run") + " at chance", medianShareAtChance, latentAtChance));
            return "median over the " + String.join("; over the ", groups);
        }

        private String group(String runs, double[] hidden, double latent) {
            return runs + ": " + DeepResult.shares(layers, hidden) + (Double.isNaN(latent) ? "" : ", latent " + Format.percent(latent));
        }

        @Override
        public String toString() {
            return "Units(" + activation + " " + measure + ", hidden layers in the last epoch, latent after training, " + shares()
                    + (stuck.isEmpty() ? "" : "; " + stuck) + ")";
        }
    }

    /** Each hidden layer's {@code measure} in the run's last epoch. */
    static double[] last(Run run, String measure) {
        double[][] table = run.perLayer().get(measure);
        return table[table.length - 1].clone();
    }

    /**
     * How a ReLU run at chance got stuck, from its units.csv and gradnorms.csv. {@code deadLayer}: the first hidden layer
     * all of whose units were dead in some epoch (-1: none was), {@code deadFrom}: the first epoch its dead share reached
     * 100%. {@code noGradientFrom}: the epoch from which on, up to the last, every hidden layer's weight gradient was
     * exactly 0 (-1: the last epoch still had a gradient). {@code lastDead}: each hidden layer's dead share in the last
     * epoch; {@code latentDead}: the share of the latent layer's ReLUs dead after training (NaN: not measured).
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

        /** e.g. {@code ReLU run 6 (seed 5): from epoch 15 on, no gradient reached any hidden layer ...}. */
        public String describe() {
            String who = run.displayLabel();
            List<String> layers = run.layers();
            String latent = Double.isNaN(latentDead) ? "" : String.format(Locale.ROOT, "; after training %d of its 2 latent ReLUs were dead",
                    Math.round(2 * latentDead));
            if (deadLayer >= 0) {
                return String.format(Locale.ROOT, "%s: every unit of %s was dead from epoch %d on (the first epoch its dead share reached 100%%), "
                        + "so no gradient passed below it%s", who, layers.get(deadLayer), deadFrom, latent);
            }
            int most = 0;
            for (int k = 1; k < lastDead.length; k++) if (lastDead[k] > lastDead[most]) most = k;
            String mostDead = Double.isNaN(lastDead[most]) ? "" : String.format(Locale.ROOT, " (in the last epoch %s of %s's units were dead, "
                    + "the most of any hidden layer)", Format.percent(lastDead[most]), layers.get(most));
            if (noGradientFrom >= 0) {
                return String.format(Locale.ROOT, "%s: from epoch %d on, no gradient reached any hidden layer (every norm exactly 0), although no "
                        + "hidden layer had died%s, so the gradient was cut above them, at the latent layer's 2 ReLUs, off for every point%s", who,
                        noGradientFrom, mostDead, latent);
            }
            return who + ": its hidden layers still got a gradient in the last epoch" + mostDead + latent;
        }

        @Override
        public String toString() {
            return "Stuck(" + describe() + ")";
        }
    }

    public DeepResult {
        runs = List.copyOf(runs);
        summaries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summaries));
        units = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(units));
        files = List.copyOf(files);
    }

    /** The result of {@code runs} of {@code study}, with its numbers worked out (the latent layers not measured). */
    public static DeepResult of(Study study, List<Run> runs, Path dir, List<Path> files) {
        return of(study, runs, Map.of(), dir, files);
    }

    /**
     * The result of {@code runs} of {@code study}; {@code latent}: by run label, the share of dead ReLUs or saturated
     * sigmoid outputs of the trained net's latent layer over the training points ({@link LatentUnits#share}).
     */
    public static DeepResult of(Study study, List<Run> runs, Map<String, Double> latent, Path dir, List<Path> files) {
        var summaries = new LinkedHashMap<Activation, ActivationSummary>();
        var units = new LinkedHashMap<Activation, Units>();
        for (Activation a : study.activations()) {
            summaries.put(a, ActivationSummary.of(a, runs));
            Units u = Units.of(a, runs, latent);
            if (u != null) units.put(a, u);
        }
        return new DeepResult(study, runs, summaries, Pairs.of(study, runs), units, dir, files);
    }

    /** Where {@code deep} draws run {@code run}'s input and latent space, without the extension: {@code latent_<activation>_run<r>}. */
    public static Path latentFigure(Path dir, Run run) {
        return dir.resolve("latent_" + run.activation() + "_run" + run.run());
    }

    /** {@code hidden1 2.3%, hidden2 26.5%, hidden3 14.0%}. */
    static String shares(List<String> layers, double[] shares) {
        var parts = new ArrayList<String>();
        for (int k = 0; k < layers.size(); k++) parts.add(layers.get(k) + " " + Format.percent(shares[k]));
        return String.join(", ", parts);
    }

    @Override
    public String step() {
        return "deep";
    }

    /** The runs that diverged. */
    public List<Run> diverged() {
        return runs.stream().filter(r -> !r.finished()).toList();
    }

    /** The console's table: per activation, final test accuracy and loss over the finished runs, runs at chance, diverged. */
    public String table() {
        var out = new StringBuilder(String.format(Locale.ROOT, "%-10s %4s  %-17s %7s %7s  %-19s %7s %7s  %9s %8s%n", "activation",
                "runs", "test acc mean±std", "min", "max", "final loss mean±std", "min", "max", "at chance", "diverged"));
        for (ActivationSummary s : summaries.values()) {
            var t = s.testAccuracy();
            var l = s.finalLoss();
            out.append(String.format(Locale.ROOT, "%-10s %4d  %-17s %7s %7s  %-19s %7.4f %7.4f  %9s %8d%n", s.activation(), s.runs(),
                    Format.percent(t.mean()) + " ± " + Format.percent(t.std()), Format.percent(t.min()), Format.percent(t.max()),
                    String.format(Locale.ROOT, "%.4f ± %.4f", l.mean(), l.std()), l.min(), l.max(), s.atChance() + "/" + s.finished(), s.diverged()));
        }
        out.append(String.format(Locale.ROOT, "(std: sample standard deviation; at chance: final test accuracy <= %.0f%%; "
                + "statistics over the runs that did not diverge)%n", 100 * PyTorchReference.CHANCE));
        return out.toString();
    }

    /** "Is one architecture always better, and why?", answered from the runs. */
    public String answer() {
        ActivationSummary relu = summaries.get(Activation.RELU), sigmoid = summaries.get(Activation.SIGMOID);
        if (relu == null || sigmoid == null) {
            ActivationSummary only = summaries.values().iterator().next();
            return "Only " + only.activation().displayName() + " was trained (--activation), so there is nothing to compare: its mean test "
                    + "accuracy was " + Format.percent(only.testAccuracy().mean()) + " over " + Format.count(only.finished(), "run") + ", "
                    + only.atChance() + " at chance. Run without --activation to compare ReLU and Sigmoid." + saturation() + deadUnits();
        }
        ActivationSummary better = relu.testAccuracy().mean() >= sigmoid.testAccuracy().mean() ? relu : sigmoid;
        ActivationSummary worse = better == relu ? sigmoid : relu;
        String betterName = better.activation().displayName(), worseName = worse.activation().displayName();
        int betterWins = better == relu ? pairs.reluWins() : pairs.sigmoidWins(), worseWins = better == relu ? pairs.sigmoidWins() : pairs.reluWins();
        int n = pairs.count();
        boolean always = n > 0 && betterWins == n && better.atChance() == 0 && better.diverged() == 0;

        var s = new StringBuilder();
        if (n == 0) {
            s.append("No pair of runs finished for both activations, so no paired comparison is possible. ");
        } else if (pairs.ties() == n) {
            s.append(String.format(Locale.ROOT, "Neither: all %d paired runs (same initial weights) ended at the same test accuracy. ", n));
        } else if (always) {
            s.append(String.format(Locale.ROOT, "In these runs, yes: %s beat %s in all %d paired runs (same initial weights). "
                    + "But %s per activation cannot prove \"always\" (see why below). ", betterName, worseName, n, Format.count(study.runs(), "run")));
        } else {
            s.append(String.format(Locale.ROOT, "No, not always: %s beat %s in %d of %d paired runs (same initial weights), %s won %d%s. ",
                    betterName, worseName, betterWins, n, worseName, worseWins, pairs.ties() > 0 ? ", " + pairs.ties() + " tied" : ""));
        }
        s.append(String.format(Locale.ROOT, "Mean test accuracy %s (ReLU) vs %s (Sigmoid); best %s vs %s, worst %s vs %s. ",
                Format.percent(relu.testAccuracy().mean()), Format.percent(sigmoid.testAccuracy().mean()), Format.percent(relu.testAccuracy().max()),
                Format.percent(sigmoid.testAccuracy().max()), Format.percent(relu.testAccuracy().min()), Format.percent(sigmoid.testAccuracy().min())));
        s.append(String.format(Locale.ROOT, "Runs that never left chance (test accuracy <= %.0f%%): ReLU %d of %d, Sigmoid %d of %d.",
                100 * PyTorchReference.CHANCE, relu.atChance(), relu.finished(), sigmoid.atChance(), sigmoid.finished()));
        if (relu.diverged() + sigmoid.diverged() > 0) {
            s.append(String.format(Locale.ROOT, " Diverged (loss NaN, infinite or above 10^6): ReLU %d, Sigmoid %d.", relu.diverged(), sigmoid.diverged()));
        }
        s.append("\n\nWhy: the sigmoid's derivative is at most 0.25 (at 0, less where it saturates), so on the way back each of the ")
                .append(study.depth() + 1).append(" sigmoid layers between the loss and hidden1 shrinks the gradient again, on top of ")
                .append("PyTorch's small initial weights (|w| <= 1/sqrt(fan_in)). The first layers get tiny gradients and barely move at lr ")
                .append(study.lr()).append(String.format(Locale.ROOT, ": the median first-layer weight-gradient norm (over epochs and runs) was "
                        + "%.2e for Sigmoid vs %.2e for ReLU", sigmoid.medianFirstLayerGradNorm(), relu.medianFirstLayerGradNorm()));
        double ratio = relu.medianFirstLayerGradNorm() / sigmoid.medianFirstLayerGradNorm();
        if (Double.isFinite(ratio) && ratio > 1) s.append(String.format(Locale.ROOT, ", %.0f times smaller", ratio));
        s.append(".").append(saturation());
        s.append(" ReLU's derivative is 1 wherever a unit is active, so the gradient reaches the first layer undiminished. ")
                .append("But a ReLU unit that is negative for every input gets no gradient at all and stays dead; the latent layer has only ")
                .append("2 units, so if they die the output sees a constant and the net is stuck at chance");
        if (relu.atChance() > 0) {
            s.append(String.format(Locale.ROOT, " (%d of the %d ReLU runs here)", relu.atChance(), relu.finished()));
        } else {
            s.append(" (none of the ").append(relu.finished()).append(" ReLU runs here, but other seeds can)");
        }
        s.append(".").append(deadUnits());
        s.append(" So ReLU is the better default for deep nets, but not a guarantee: an unlucky seed can leave either one at chance.");
        return s.toString();
    }

    /** Share of saturated outputs per hidden layer below which saturation does not explain a stuck Sigmoid run. */
    static final double LITTLE_SATURATION = 0.1;
    /** Share of saturated latent outputs from which the latent layer is what stops a stuck Sigmoid run. */
    static final double LATENT_SATURATED = 0.9;

    /** Sigmoid's saturated outputs in the last epoch (units.csv) and what they explain; empty without them. */
    String saturation() {
        Units u = units.get(Activation.SIGMOID);
        if (u == null) return "";
        var s = new StringBuilder(String.format(Locale.ROOT, " Saturated sigmoid outputs (units.csv: (point, unit) pairs with h(1 - h) < %s, "
                + "a derivative below 1/25 of its peak 0.25; the hidden layers in the last epoch, the 2-unit latent layer after training), %s.",
                SATURATED_BELOW, u.shares()));
        double most = java.util.stream.DoubleStream.concat(Arrays.stream(u.medianShareLeftChance()), Arrays.stream(u.medianShareAtChance()))
                .filter(Double::isFinite).max().orElse(0);   // NaN: no run of that kind
        if (most >= LITTLE_SATURATION) {
            s.append(" A saturated sigmoid passes back almost nothing, which shrinks the gradient further.");
        } else if (u.atChance() > 0 && u.latentAtChance() >= LATENT_SATURATED) {
            s.append(" So the stuck Sigmoid runs saturated where it hurts most, in the latent layer: its 2 sigmoids pass back almost nothing "
                    + "(see their latent figures), and the hidden layers, near the middle of their sigmoids, shrink what is left by up to 0.25 each.");
        } else if (u.atChance() > 0) {
            s.append(" So the stuck Sigmoid runs are not saturated in their hidden layers: those sigmoids sit near the middle, and the factor "
                    + "of at most 0.25 per layer alone starves hidden1.");
        } else {
            s.append(" So saturation plays little part here: the factor of at most 0.25 per layer does it.");
        }
        return s.toString();
    }

    /** ReLU's dead units in the last epoch (units.csv) and how each run at chance got stuck; empty without them. */
    String deadUnits() {
        Units u = units.get(Activation.RELU);
        if (u == null) return "";
        var s = new StringBuilder(String.format(Locale.ROOT, " Dead units (units.csv: a unit is dead when its output is 0 for every training "
                + "point; the hidden layers in the last epoch, the 2-unit latent layer after training), %s.", u.shares()));
        if (!u.stuck().isEmpty()) {
            s.append(" At chance: ").append(String.join("; ", u.stuck().stream().map(Stuck::describe).toList())).append('.');
        }
        return s.toString();
    }

    /** The step's answer.md: the question, the settings, the table and the answer. */
    public String answerMd() {
        return "# " + QUESTION + "\n\nSetup: " + study.describe() + ".\n\n```\n" + table() + "```\n\n" + answer() + "\n";
    }

    @Override
    public void markdown(Markdown md) {
        settings(md, study, runs);
        var rows = new ArrayList<List<String>>();
        for (ActivationSummary s : summaries.values()) {
            var acc = s.testAccuracy();
            rows.add(List.of(s.activation().displayName(), String.valueOf(s.runs()), Format.percent(acc.mean()) + " ± " + Format.percent(acc.std()),
                    Format.percent(acc.min()), Format.percent(acc.max()), s.atChance() + " of " + s.finished(), String.valueOf(s.diverged()),
                    Format.number(s.finalLoss().mean()) + " ± " + Format.number(s.finalLoss().std())));
        }
        md.paragraph("Final test accuracy per activation (" + md.link(dir.resolve("summary.json")) + "; std is the sample standard deviation; "
                + "\"at chance\": final test accuracy ≤ " + Format.percent(PyTorchReference.CHANCE) + "):");
        md.table(List.of("activation", "runs", "test acc mean ± std", "min", "max", "at chance", "diverged", "final loss mean ± std"), rows);
        md.paragraph("Every run (" + md.link(dir.resolve("runs.csv")) + "; run r of both activations starts from the same weights):");
        md.table(List.of("activation", "run", "seed", "final loss", "train acc", "test acc"), runs.stream().map(r -> List.of(
                r.activation().displayName(), String.valueOf(r.run()), r.seed() == null ? "–" : String.valueOf(r.seed()),
                r.finished() ? Format.number(r.result().loss()) : "diverged", r.finished() ? Format.percent(r.result().trainAccuracy()) : "–",
                r.finished() ? Format.percent(r.result().testAccuracy()) : "–")).toList());
        if (!units.isEmpty()) {
            var header = new ArrayList<String>(List.of("activation", "share, median over"));
            header.addAll(units.values().iterator().next().layers());
            header.add("latent (after training)");
            var unitRows = new ArrayList<List<String>>();
            for (Units u : units.values()) {
                String what = u.activation() == Activation.RELU ? "dead units" : "saturated outputs";
                if (u.leftChance() > 0) unitRows.add(row(u.activation().displayName(), what + ", the " + Format.count(u.leftChance(), "run")
                        + " that left chance", u.medianShareLeftChance(), u.latentLeftChance()));
                if (u.atChance() > 0) unitRows.add(row(u.activation().displayName(), what + ", the " + Format.count(u.atChance(), "run") + " at chance",
                        u.medianShareAtChance(), u.latentAtChance()));
            }
            md.paragraph("Dead ReLU units (output 0 for every training point) and saturated sigmoid outputs ((point, unit) pairs with "
                    + "h(1 − h) < " + SATURATED_BELOW + ") of every hidden layer in the last epoch (every epoch: " + md.link(dir.resolve("units.csv"))
                    + ") and of the latent layer after training:");
            md.table(header, unitRows);
        }
        md.question(QUESTION, answer());
        List<Path> latent = files.stream().filter(f -> f.getFileName().toString().startsWith("latent_")).toList();
        for (Path file : files) if (file.toString().endsWith(".png") && !latent.contains(file)) md.image(file, step() + ": " + file.getFileName());
        List<Path> shown = latentShown();
        if (!shown.isEmpty()) {
            md.paragraph("The lecture's figure of the trained nets, input space and 2-unit latent space (before the activation): run 1 of each "
                    + "activation and the first run of each at chance (every run's: " + String.join(", ", latent.stream()
                    .filter(f -> f.toString().endsWith(".png")).map(md::link).toList()) + ").");
            for (Path file : shown) md.image(file, step() + ": " + file.getFileName());
        }
    }

    private static List<String> row(String activation, String what, double[] shares, double latent) {
        var row = new ArrayList<String>(List.of(activation, what));
        for (double share : shares) row.add(Format.percent(share));
        row.add(Format.percent(latent));
        return row;
    }

    /**
     * The latent figures report.md shows: per activation, that of its first finished run and of its first run at chance
     * (those {@code deep} wrote, among {@link #files}).
     */
    public List<Path> latentShown() {
        var shown = new ArrayList<Path>();
        for (Activation a : study.activations()) {
            var finished = runs.stream().filter(r -> r.activation() == a && r.finished()).toList();
            finished.stream().findFirst().ifPresent(r -> shown.add(latentPng(r)));
            finished.stream().filter(r -> PyTorchReference.atChance(r.result().testAccuracy())).findFirst().ifPresent(r -> shown.add(latentPng(r)));
        }
        return shown.stream().distinct().filter(files::contains).toList();
    }

    private Path latentPng(Run run) {
        Path base = latentFigure(dir, run);
        return base.resolveSibling(base.getFileName() + ".png");
    }

    /** The settings of a study and, when some of its runs diverged, which (the opening of step 2's and step 3's sections). */
    static void settings(Markdown md, Study study, List<Run> runs) {
        md.paragraph("Settings: `" + study.describe() + "`");
        String divergence = Run.divergence(runs);
        if (divergence != null) md.paragraph("> **" + divergence + ".** A diverged run keeps its rows up to the divergence; the statistics leave it out.");
    }

    /** The table and the answer, as the console shows them. */
    @Override
    public String toString() {
        return table() + "\n" + answer();
    }
}
