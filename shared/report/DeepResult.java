package report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import nn.Activation;
import study.ActivationSummary;
import study.Run;
import study.Study;

/**
 * What step 2 of the vanishing-gradient exercise ({@code deep}) found: the study it ran, every run, each activation's
 * {@link ActivationSummary}, the paired comparison (run r of both activations started from the same weights) and
 * the files it wrote into {@code dir}. {@link #answer()} answers the sheet's question from these numbers.
 */
public record DeepResult(Study study, List<Run> runs, Map<Activation, ActivationSummary> summaries, Pairs pairs, Path dir,
        List<Path> files) implements StepResult {
    public static final String QUESTION = "Is one architecture always better, and why?";

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

    public DeepResult {
        runs = List.copyOf(runs);
        summaries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summaries));
        files = List.copyOf(files);
    }

    /** The result of {@code runs} of {@code study}, with its numbers worked out. */
    public static DeepResult of(Study study, List<Run> runs, Path dir, List<Path> files) {
        var summaries = new LinkedHashMap<Activation, ActivationSummary>();
        for (Activation a : study.activations()) summaries.put(a, ActivationSummary.of(a, runs));
        return new DeepResult(study, runs, summaries, Pairs.of(study, runs), dir, files);
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
                    + only.atChance() + " at chance. Run without --activation to compare ReLU and Sigmoid.";
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
        s.append(". ReLU's derivative is 1 wherever a unit is active, so the gradient reaches the first layer undiminished. ")
                .append("But a ReLU unit that is negative for every input gets no gradient at all and stays dead; the latent layer has only ")
                .append("2 units, so if they die the output sees a constant and the net is stuck at chance");
        if (relu.atChance() > 0) {
            s.append(String.format(Locale.ROOT, " (%d of the %d ReLU runs here)", relu.atChance(), relu.finished()));
        } else {
            s.append(" (none of the ").append(relu.finished()).append(" ReLU runs here, but other seeds can)");
        }
        s.append(". So ReLU is the better default for deep nets, but not a guarantee: an unlucky seed can leave either one at chance.");
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
        md.question(QUESTION, answer());
        for (Path file : files) if (file.toString().endsWith(".png")) md.image(file, step() + ": " + file.getFileName());
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
