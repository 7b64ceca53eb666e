package report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import io.Format;
import nn.Activation;
import nn.PyTorchReference;
import study.ActivationSummary;
import study.DeepNumbers;
import study.DeepNumbers.Pair;
import study.DeepNumbers.Stuck;
import study.DeepNumbers.UnitShares;
import study.LatentUnits;
import study.Run;
import study.Study;

/**
 * What step 2 of the vanishing-gradient exercise ({@code deep}) found: the study it ran, every run, their
 * {@link DeepNumbers} (each activation's summary and units, the paired comparisons) and the files it wrote into
 * {@code dir}; and the words: {@link #answer()} answers the sheet's question from those numbers, for any set of
 * activations.
 */
public record DeepResult(Study study, List<Run> runs, DeepNumbers numbers, Path dir, List<Path> files) implements StepResult {
    public static final String QUESTION = "Is one architecture always better, and why?";

    public DeepResult {
        runs = List.copyOf(runs);
        files = List.copyOf(files);
    }

    /** The result of {@code runs} of {@code study}, with its numbers worked out (the latent layers not measured). */
    public static DeepResult of(Study study, List<Run> runs, Path dir, List<Path> files) {
        return of(study, runs, java.util.Map.of(), dir, files);
    }

    /**
     * The result of {@code runs} of {@code study}; {@code latent}: by run label, the share of the trained net's latent units
     * that its activation counts as dead or saturated ({@link LatentUnits#share}).
     */
    public static DeepResult of(Study study, List<Run> runs, java.util.Map<String, Double> latent, Path dir, List<Path> files) {
        return new DeepResult(study, runs, DeepNumbers.of(study, runs, latent), dir, files);
    }

    /** Diverged runs fail the step, although every file and the other runs' numbers are there. */
    @Override
    public String failure() {
        return Run.divergence(runs);
    }

    @Override
    public String step() {
        return "deep";
    }

    /** Where {@code deep} draws run {@code run}'s input and latent space, without the extension: {@code latent_<activation>_run<r>}. */
    public static Path latentFigure(Path dir, Run run) {
        return dir.resolve("latent_" + run.activation() + "_run" + run.run());
    }

    /** The runs that diverged. */
    public List<Run> diverged() {
        return runs.stream().filter(r -> !r.finished()).toList();
    }

    private ActivationSummary summary(Activation a) {
        return numbers.summaries().get(a);
    }

    /** The console's table: per activation, final test accuracy and loss over the finished runs, runs at chance, diverged. */
    public String table() {
        var out = new StringBuilder(String.format(Locale.ROOT, "%-10s %4s  %-17s %7s %7s  %-19s %7s %7s  %9s %8s%n", "activation",
                "runs", "test acc mean±std", "min", "max", "final loss mean±std", "min", "max", "at chance", "diverged"));
        for (ActivationSummary s : numbers.summaries().values()) {
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

    /** "Is one architecture always better, and why?", answered from the runs, over every activation trained. */
    public String answer() {
        List<Activation> trained = study.activations();
        if (trained.size() == 1) {
            ActivationSummary only = summary(trained.get(0));
            return "Only " + only.activation().displayName() + " was trained (--activation), so there is nothing to compare: its mean test "
                    + "accuracy was " + Format.percent(only.testAccuracy().mean()) + " over " + Format.count(only.finished(), "run") + ", "
                    + only.atChance() + " at chance. Run without --activation to compare ReLU and Sigmoid (or name more with --activations)."
                    + unitsParagraphs();
        }
        var s = new StringBuilder(headline(trained));
        s.append("Mean test accuracy ").append(join(trained, " vs ", a -> Format.percent(summary(a).testAccuracy().mean()) + " (" + a.displayName() + ")"))
                .append("; best ").append(join(trained, " vs ", a -> Format.percent(summary(a).testAccuracy().max())))
                .append(", worst ").append(join(trained, " vs ", a -> Format.percent(summary(a).testAccuracy().min()))).append(". ");
        s.append(String.format(Locale.ROOT, "Runs that never left chance (test accuracy <= %.0f%%): ", 100 * PyTorchReference.CHANCE))
                .append(join(trained, ", ", a -> a.displayName() + " " + summary(a).atChance() + " of " + summary(a).finished())).append('.');
        if (trained.stream().anyMatch(a -> summary(a).diverged() > 0)) {
            s.append(" Diverged (loss NaN, infinite or above 10^6): ").append(join(trained, ", ", a -> a.displayName() + " " + summary(a).diverged()))
                    .append('.');
        }
        s.append("\n\n").append(why(trained));
        Activation best = numbers.ranking().get(0);
        s.append(String.format(Locale.ROOT, " So %s is the better default for deep nets in these runs, but not a guarantee: an unlucky seed can "
                + "leave %s at chance.", best.displayName(), trained.size() == 2 ? "either one" : "any of them"));
        return s.toString();
    }

    /** Is one always better? The best on mean test accuracy against each other activation, run by run (same initial weights). */
    String headline(List<Activation> trained) {
        Activation best = numbers.ranking().get(0);
        List<Pair> against = trained.stream().filter(a -> a != best).map(a -> numbers.pair(best, a)).toList();
        int paired = numbers.pairs().stream().mapToInt(Pair::count).sum();
        boolean two = trained.size() == 2;
        if (paired == 0) {
            return "No pair of runs finished for " + (two ? "both activations" : "any two activations") + ", so no paired comparison is possible. ";
        }
        if (numbers.pairs().stream().allMatch(p -> p.ties() == p.count())) {
            return String.format(Locale.ROOT, "%s: all %d paired runs (%ssame initial weights) ended at the same test accuracy. ", two ? "Neither" : "None",
                    paired, two ? "" : "every two activations, ");
        }
        ActivationSummary b = summary(best);
        boolean always = against.stream().allMatch(p -> p.count() > 0 && p.wins(best) == p.count()) && b.atChance() == 0 && b.diverged() == 0;
        String proof = String.format(Locale.ROOT, "But %s per activation cannot prove \"always\" (see why below). ", Format.count(study.runs(), "run"));
        if (always && two) {
            Pair p = against.get(0);
            return String.format(Locale.ROOT, "In these runs, yes: %s beat %s in all %d paired runs (same initial weights). ", best.displayName(),
                    p.other(best).displayName(), p.count()) + proof;
        }
        if (always) {
            return "In these runs, yes: " + best.displayName() + " beat every other activation in all its paired runs (same initial weights): "
                    + String.join(", ", against.stream().map(p -> p.other(best).displayName() + " " + p.count() + " of " + p.count()).toList())
                    + ". " + proof;
        }
        var items = new ArrayList<String>();
        for (Pair p : against) {
            Activation other = p.other(best);
            if (p.count() == 0) {
                items.add(other.displayName() + " in no paired run (none finished for both)");
                continue;
            }
            String lost = p.wins(other) > 0 || p.ties() > 0 ? String.format(Locale.ROOT, ", %s won %d%s", other.displayName(), p.wins(other),
                    p.ties() > 0 ? ", " + p.ties() + " tied" : "") : "";
            items.add(String.format(Locale.ROOT, "%s in %d of %d paired runs%s%s", other.displayName(), p.wins(best), p.count(),
                    items.isEmpty() ? " (same initial weights)" : "", lost));
        }
        return "No, not always: " + best.displayName() + (two ? "" : ", the best on mean test accuracy,") + " beat " + String.join("; ", items) + ". ";
    }

    /** Why: each activation's derivative on the way back, the first layer's gradient, then the units that pass nothing back. */
    String why(List<Activation> trained) {
        var s = new StringBuilder(String.format(Locale.ROOT, "Why: on the way back each of the %d activated layers between the loss and hidden1 "
                + "multiplies the gradient by its activation's derivative, on top of PyTorch's small initial weights (|w| <= 1/sqrt(fan_in)). ",
                study.depth() + 1));
        for (Activation a : trained) {
            s.append(a.displayName()).append("'s derivative is ").append(a.slope().words());
            if (shrinks(a)) s.append(", so each ").append(a).append(" layer shrinks the gradient again");
            s.append(". ");
        }
        List<Activation> bySize = trained.stream().filter(a -> Double.isFinite(summary(a).medianFirstLayerGradNorm()))
                .sorted(Comparator.comparingDouble(a -> summary(a).medianFirstLayerGradNorm())).toList();
        if (!bySize.isEmpty()) {
            s.append("The median first-layer weight-gradient norm (over epochs and runs) was ").append(join(bySize, " vs ",
                    a -> String.format(Locale.ROOT, "%.2e for %s", summary(a).medianFirstLayerGradNorm(), a.displayName())));
            Activation least = bySize.get(0), most = bySize.get(bySize.size() - 1);
            double ratio = summary(most).medianFirstLayerGradNorm() / summary(least).medianFirstLayerGradNorm();
            if (Double.isFinite(ratio) && ratio > 1) {
                s.append(bySize.size() == 2 ? String.format(Locale.ROOT, ", %.0f times smaller", ratio)
                        : String.format(Locale.ROOT, ": %s's is %.0f times smaller than %s's", least.displayName(), ratio, most.displayName()));
            }
            s.append(String.format(Locale.ROOT, "; where it is tiny the first layers barely move at lr %s.", study.lr()));
        }
        return s.append(unitsParagraphs()).toString();
    }

    /** Whether the activation's slope alone shrinks the gradient layer by layer (at most about a half). */
    static boolean shrinks(Activation a) {
        return a.slope().gain() < 0.5;
    }

    /**
     * For every activation: its saturated outputs (units.csv); or why dead units leave a net at chance, its dead units
     * (units.csv) and how its runs at chance got stuck. The numbers of units.csv where the runs have them.
     */
    String unitsParagraphs() {
        var s = new StringBuilder();
        for (Activation a : study.activations()) {
            UnitShares u = numbers.units().get(a);
            if (a.units().kind() == Activation.Units.DEAD) s.append(dying(a)).append(u == null ? "" : deadUnits(u));
            else if (u != null) s.append(saturation(u));
        }
        return s.toString();
    }

    /** An activation's saturated outputs in the last epoch (units.csv) and what they explain. */
    String saturation(UnitShares u) {
        Activation a = u.activation();
        var s = new StringBuilder(String.format(Locale.ROOT, " Saturated %s outputs (units.csv: %s; the hidden layers in the last epoch, the "
                + "2-unit latent layer after training), %s.", a, a.units().words(), shares(u)));
        if (u.most() >= LITTLE_SATURATION) {
            s.append(String.format(Locale.ROOT, " A saturated %s passes back almost nothing, which shrinks the gradient further.", a));
        } else if (u.atChance() > 0 && u.latentAtChance() >= LATENT_SATURATED) {
            s.append(String.format(Locale.ROOT, " So the stuck %s runs saturated where it hurts most, in the latent layer: its 2 %ss pass back "
                    + "almost nothing (see their latent figures), and the hidden layers, near the middle of their %ss, multiply what is left by "
                    + "%s each.", a.displayName(), a, a, a.slope().gainWords()));
        } else if (u.atChance() > 0) {
            s.append(String.format(Locale.ROOT, " So the stuck %s runs are not saturated in their hidden layers: those %ss sit near the middle, ",
                    a.displayName(), a)).append(shrinks(a) ? "and the factor of " + a.slope().gainWords() + " per layer alone starves hidden1."
                    : "where their slope is " + a.slope().gainWords() + ".");
        } else {
            s.append(" So saturation plays little part here").append(shrinks(a) ? ": the factor of " + a.slope().gainWords() + " per layer does it." : ".");
        }
        return s.toString();
    }

    /** Share of saturated outputs per hidden layer below which saturation does not explain a stuck run. */
    static final double LITTLE_SATURATION = 0.1;
    /** Share of saturated latent outputs from which the latent layer is what stops a stuck run. */
    static final double LATENT_SATURATED = 0.9;

    /** Why dead units leave a net at chance, and how many of its runs that left there. */
    String dying(Activation a) {
        ActivationSummary sum = summary(a);
        return String.format(Locale.ROOT, " But a %s unit that is off for every input passes (almost) no gradient back; the latent layer has "
                + "only 2 units, so if both die the output sees (almost) a constant and the net is stuck at chance", a.displayName())
                + (sum.atChance() > 0 ? String.format(Locale.ROOT, " (%d of the %d %s runs here).", sum.atChance(), sum.finished(), a.displayName())
                : String.format(Locale.ROOT, " (none of the %d %s runs here, but other seeds can).", sum.finished(), a.displayName()));
    }

    /** An activation's dead units in the last epoch (units.csv) and how each of its runs at chance got stuck. */
    String deadUnits(UnitShares u) {
        Activation a = u.activation();
        var s = new StringBuilder(String.format(Locale.ROOT, " Dead %s units (units.csv: %s; the hidden layers in the last epoch, the 2-unit "
                + "latent layer after training), %s.", a.displayName(), a.units().words(), shares(u)));
        if (!u.stuck().isEmpty()) s.append(" At chance: ").append(String.join("; ", u.stuck().stream().map(DeepResult::describe).toList())).append('.');
        return s.toString();
    }

    /**
     * e.g. {@code median over the 2 runs that left chance: hidden1 0.0%, hidden2 0.2%, hidden3 0.0%, latent 52.1%; over the
     * 3 at chance: ...}: the last epoch's hidden layers and the latent layer after training (when measured).
     */
    static String shares(UnitShares u) {
        var groups = new ArrayList<String>();
        if (u.leftChance() > 0) groups.add(group(u, Format.count(u.leftChance(), "run") + " that left chance", u.medianShareLeftChance(), u.latentLeftChance()));
        if (u.atChance() > 0) groups.add(group(u, Format.count(u.atChance(), "run") + " at chance", u.medianShareAtChance(), u.latentAtChance()));
        return "median over the " + String.join("; over the ", groups);
    }

    private static String group(UnitShares u, String runs, double[] hidden, double latent) {
        var parts = new ArrayList<String>();
        for (int k = 0; k < u.layers().size(); k++) parts.add(u.layers().get(k) + " " + Format.percent(hidden[k]));
        return runs + ": " + String.join(", ", parts) + (Double.isNaN(latent) ? "" : ", latent " + Format.percent(latent));
    }

    /** How a run at chance got stuck, e.g. {@code ReLU run 6 (seed 5): from epoch 15 on, no gradient reached any hidden layer ...}. */
    public static String describe(Stuck stuck) {
        Run run = stuck.run();
        String who = run.displayLabel(), units = run.activation().displayName() + "s";
        List<String> layers = run.layers();
        String latent = Double.isNaN(stuck.latentDead()) ? "" : String.format(Locale.ROOT, "; after training %d of its 2 latent %s were dead",
                Math.round(2 * stuck.latentDead()), units);
        if (stuck.deadLayer() >= 0) {
            return String.format(Locale.ROOT, "%s: every unit of %s was dead from epoch %d on (the first epoch its dead share reached 100%%), "
                    + "so (almost) no gradient passed below it%s", who, layers.get(stuck.deadLayer()), stuck.deadFrom(), latent);
        }
        int most = stuck.mostDead();
        double[] lastDead = stuck.lastDead();
        String mostDead = Double.isNaN(lastDead[most]) ? "" : String.format(Locale.ROOT, " (in the last epoch %s of %s's units were dead, "
                + "the most of any hidden layer)", Format.percent(lastDead[most]), layers.get(most));
        if (stuck.noGradientFrom() >= 0) {
            return String.format(Locale.ROOT, "%s: from epoch %d on, no gradient reached any hidden layer (every norm exactly 0), although no "
                    + "hidden layer had died%s, so the gradient was cut above them, at the latent layer's 2 %s, off for every point%s", who,
                    stuck.noGradientFrom(), mostDead, units, latent);
        }
        return who + ": its hidden layers still got a gradient in the last epoch" + mostDead + latent;
    }

    /** {@code f(a)} for each activation, joined. */
    private static String join(List<Activation> activations, String separator, java.util.function.Function<Activation, String> f) {
        return String.join(separator, activations.stream().map(f).toList());
    }

    /** The step's answer.md: the question, the settings, the table and the answer. */
    public String answerMd() {
        return "# " + QUESTION + "\n\nSetup: " + study.describe() + ".\n\n```\n" + table() + "```\n\n" + answer() + "\n";
    }

    @Override
    public void markdown(Markdown md) {
        settings(md, study, runs);
        var rows = new ArrayList<List<String>>();
        for (ActivationSummary s : numbers.summaries().values()) {
            var acc = s.testAccuracy();
            rows.add(List.of(s.activation().displayName(), String.valueOf(s.runs()), Format.percent(acc.mean()) + " ± " + Format.percent(acc.std()),
                    Format.percent(acc.min()), Format.percent(acc.max()), s.atChance() + " of " + s.finished(), String.valueOf(s.diverged()),
                    Format.number(s.finalLoss().mean()) + " ± " + Format.number(s.finalLoss().std())));
        }
        md.paragraph("Final test accuracy per activation (" + md.link(dir.resolve("summary.json")) + "; std is the sample standard deviation; "
                + "\"at chance\": final test accuracy ≤ " + Format.percent(PyTorchReference.CHANCE) + "):");
        md.table(List.of("activation", "runs", "test acc mean ± std", "min", "max", "at chance", "diverged", "final loss mean ± std"), rows);
        md.paragraph("Every run (" + md.link(dir.resolve("runs.csv")) + "; run r of every activation starts from the same weights):");
        md.table(List.of("activation", "run", "seed", "final loss", "train acc", "test acc"), runs.stream().map(r -> List.of(
                r.activation().displayName(), String.valueOf(r.run()), r.seed() == null ? "–" : String.valueOf(r.seed()),
                r.finished() ? Format.number(r.result().loss()) : "diverged", r.finished() ? Format.percent(r.result().trainAccuracy()) : "–",
                r.finished() ? Format.percent(r.result().testAccuracy()) : "–")).toList());
        if (!numbers.units().isEmpty()) {
            var header = new ArrayList<String>(List.of("activation", "share, median over"));
            header.addAll(numbers.units().values().iterator().next().layers());
            header.add("latent (after training)");
            var unitRows = new ArrayList<List<String>>();
            for (UnitShares u : numbers.units().values()) {
                String what = u.activation().units().kind().toString();
                if (u.leftChance() > 0) unitRows.add(row(u.activation().displayName(), what + ", the " + Format.count(u.leftChance(), "run")
                        + " that left chance", u.medianShareLeftChance(), u.latentLeftChance()));
                if (u.atChance() > 0) unitRows.add(row(u.activation().displayName(), what + ", the " + Format.count(u.atChance(), "run") + " at chance",
                        u.medianShareAtChance(), u.latentAtChance()));
            }
            md.paragraph("The units that pass (almost) no gradient back, as each activation counts them (" + String.join("; ", numbers.units()
                    .keySet().stream().map(a -> a.displayName() + ", " + a.units().kind() + ": " + a.units().words()).toList())
                    + ") in every hidden layer in the last epoch (every epoch: " + md.link(dir.resolve("units.csv"))
                    + ") and in the latent layer after training:");
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
