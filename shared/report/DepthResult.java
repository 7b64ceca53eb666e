package report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import io.Format;
import nn.Activation;
import nn.WeightInit;
import study.DepthNumbers;
import study.DepthNumbers.Fit;
import study.DepthSweep;
import study.Stats;

/**
 * What the depth sweep ({@code depth}) found: its {@link DepthNumbers} (every net, in the order activation, depth, run,
 * and per init scheme and activation the fit of the first hidden layer's gradient against depth, from the norms at the
 * initial weights) and the files it wrote into {@code dir}; and the words: {@link #answer()} answers the step's question
 * from those numbers.
 */
public record DepthResult(DepthNumbers numbers, Path dir, List<Path> files) implements StepResult {
    public static final String QUESTION = "How fast does the first layer's gradient fall with depth, does ReLU escape it with "
            + "PyTorch's default initialisation, and what does the initialisation change?";
    /** A factor per layer in [1/KEEPS, KEEPS] keeps the gradient's size through the sweep's depths. */
    static final double KEEPS = 1.25;

    public DepthResult {
        files = List.copyOf(files);
    }

    /** The result of {@code nets} of {@code sweep} (in any order), with the fits of every init scheme worked out. */
    public static DepthResult of(DepthSweep sweep, List<DepthSweep.Net> nets, Path dir, List<Path> files) {
        return new DepthResult(DepthNumbers.of(sweep, nets), dir, files);
    }

    public DepthSweep sweep() {
        return numbers.sweep();
    }

    /** Every net, in the order activation, depth, run. */
    public List<DepthSweep.Net> nets() {
        return numbers.nets();
    }

    @Override
    public String step() {
        return "depth";
    }

    /** Diverged nets fail the step, although every file and the other nets' numbers are there. */
    @Override
    public String failure() {
        List<String> diverged = numbers.diverged();
        if (diverged.isEmpty()) return null;
        return diverged.size() + " of " + nets().size() + " nets diverged: " + String.join("; ", diverged);
    }

    /** e.g. {@code : ×0.36 per layer} as a legend names a fit; empty when there is none. */
    public static String perLayer(Fit fit) {
        return Double.isNaN(fit.slope()) ? "" : String.format(Locale.ROOT, ": \u00d7%.2f per layer", fit.factor());
    }

    /** The console's tables: per activation and depth the first layer's norms over the runs; the fits of every scheme. */
    public String table() {
        var out = new StringBuilder(String.format(Locale.ROOT, "hidden1's weight-gradient norm at the initial weights (%s init), over %s:%n"
                + "%-10s %5s  %-10s %-10s %-10s %4s  %-16s %8s%n", sweep().init(), Format.count(sweep().runs(), "run"), "activation", "depth",
                "median", "min", "max", "dead", "median of epochs", "test acc"));
        for (Activation a : sweep().activations()) {
            for (int depth : sweep().depths()) {
                Stats s = numbers.firstLayer(a, depth);
                var here = numbers.nets(a).stream().filter(n -> n.depth() == depth).toList();
                out.append(String.format(Locale.ROOT, "%-10s %5d  %-10s %-10s %-10s %4d  %-16s %8s%n", a.displayName(), depth,
                        Format.scientific(s.median()), Format.scientific(s.min()), Format.scientific(s.max()),
                        here.stream().filter(n -> n.dead(sweep().init())).count(), Format.scientific(Stats.of(here.stream()
                                .mapToDouble(n -> n.median()[0]).toArray()).median()), Format.percent(Stats.of(here.stream()
                                .mapToDouble(DepthSweep.Net::testAccuracy).toArray()).mean())));
            }
        }
        out.append(String.format(Locale.ROOT, "(median of epochs: median over the runs of hidden1's median norm over the %d epochs; "
                + "test acc: mean after them; dead: hidden1's gradient exactly 0)%n%nFactor per added layer (least-squares fit of log10 "
                + "norm against depth; dead nets left out), every init scheme on the same seeds:%n%-8s", sweep().epochs(), "init"));
        for (Activation a : sweep().activations()) out.append(String.format(Locale.ROOT, " %-18s", a.displayName()));
        out.append('\n');
        for (WeightInit scheme : WeightInit.values()) {
            out.append(String.format(Locale.ROOT, "%-8s", scheme));
            for (Activation a : sweep().activations()) out.append(String.format(Locale.ROOT, " %-18s", factorText(numbers.fits().get(scheme).get(a))));
            out.append('\n');
        }
        return out.toString();
    }

    /** e.g. {@code 0.364 (3 dead)}. */
    static String factorText(Fit fit) {
        String factor = Double.isNaN(fit.slope()) ? "–" : String.format(Locale.ROOT, "%.3f", fit.factor());
        return factor + (fit.dead() > 0 ? " (" + fit.dead() + " dead)" : "");
    }

    /** The step's question, answered from the sweep's numbers: how fast, does ReLU escape, what the init scheme changes. */
    public String answer() {
        if (sweep().depths().size() < 2) {
            return "Only depth " + sweep().depths().get(0) + " was run, so there is no trend to fit: give --depths at least two depths "
                    + "(default 1-8).";
        }
        int first = sweep().depths().get(0), last = sweep().depths().get(sweep().depths().size() - 1);
        var parts = new ArrayList<String>();
        for (Activation a : sweep().activations()) {
            parts.add(String.format(Locale.ROOT, "%.2f for %s (median %s at depth %d, %s at depth %d)", numbers.fit(a).factor(), a.displayName(),
                    Format.scientific(numbers.firstLayer(a, first).median()), first, Format.scientific(numbers.firstLayer(a, last).median()), last));
        }
        var s = new StringBuilder("With ").append(describe(sweep().init())).append(", each added layer multiplies the first hidden layer's ")
                .append("weight-gradient norm at the initial weights by ").append(String.join(", ", parts))
                .append(". (The factor is 10^slope of a least-squares line through log10 of the norms against depth, ")
                .append(Format.count(sweep().runs(), "run")).append(" per depth; a norm of 0 has no logarithm, so dead nets are left out.) ")
                .append("Why: on the way back each layer multiplies the gradient by its weights and by the activation's slope, ").append(ruleOfThumb(sweep().init())).append(".\n\n");
        s.append(reluAnswer()).append("\n\n").append(initAnswer());
        String failure = failure();
        if (failure != null) s.append("\n\n").append(failure).append(" (their medians cover the epochs before the divergence).");
        return s.toString();
    }

    /** Does ReLU escape it with PyTorch's default initialisation? From the torch scheme's norms, which every net has. */
    String reluAnswer() {
        if (!sweep().activations().contains(Activation.RELU)) {
            return "ReLU was not in --activations, so this run cannot say whether it escapes the shrinking gradient.";
        }
        Fit torch = numbers.fits().get(WeightInit.TORCH).get(Activation.RELU);
        List<String> dead = numbers.nets(Activation.RELU).stream().filter(n -> n.dead(WeightInit.TORCH))
                .map(n -> "depth " + n.depth() + " run " + n.run()).toList();
        boolean keeps = torch.factor() >= 1 / KEEPS;
        var s = new StringBuilder("Does ReLU escape it with PyTorch's default initialisation? ")
                .append(keeps && dead.isEmpty() ? "In these nets, yes: " : keeps ? "Not entirely: " : "No: ")
                .append(String.format(Locale.ROOT, "its first-layer gradient is multiplied by %.2f per added layer", torch.factor()));
        List<Activation> others = sweep().activations().stream().filter(a -> a != Activation.RELU).toList();
        if (!others.isEmpty()) s.append(" (").append(String.join(", ", others.stream().map(a -> String.format(Locale.ROOT, "%s's by %.2f",
                a.displayName(), numbers.fits().get(WeightInit.TORCH).get(a).factor())).toList())).append(')');
        if (dead.isEmpty()) return s.append(", and none of its ").append(torch.nets()).append(" nets is dead (gradient exactly 0).").toString();
        return s.append(String.format(Locale.ROOT, ", and %d of its %d nets %s dead: %s first-layer gradient is exactly 0 (%s). In a dead "
                + "net some layer's ReLUs are off for every training point, so no gradient flows back below that layer and the output does not "
                + "depend on the input; that layer's own gradient is 0 too, so SGD never revives it and the net stays at chance.",
                dead.size(), torch.nets(), dead.size() == 1 ? "is" : "are", dead.size() == 1 ? "its" : "their", String.join(", ", dead))).toString();
    }

    /** What --weight-init changes: the chosen scheme against PyTorch's default on the same seeds, and the third scheme. */
    String initAnswer() {
        WeightInit init = sweep().init();
        var s = new StringBuilder("What --weight-init changes (every net's gradient at the initial weights was also computed under the other "
                + "schemes, from the same seed, one forward and backward pass each: depth_inits.csv): ");
        s.append(init == WeightInit.TORCH ? "this run used PyTorch's default. "
                : "this run used " + init + " instead of PyTorch's default: " + compare(init, WeightInit.TORCH) + ". ");
        for (WeightInit other : WeightInit.values()) {
            if (other != init && other != WeightInit.TORCH) s.append("With ").append(other).append(" instead of ").append(init).append(": ")
                    .append(compare(other, init)).append(". ");
        }
        var kept = new ArrayList<String>();
        for (WeightInit scheme : WeightInit.values()) {
            List<Activation> keeping = sweep().activations().stream().filter(a -> keeps(numbers.fits().get(scheme).get(a))).toList();
            if (!keeping.isEmpty()) kept.add(scheme + " for " + Activation.displayNames(keeping));
        }
        s.append(String.format(Locale.ROOT, "A factor between %.2f and %.2f keeps the gradient's size through the depths: %s", 1 / KEEPS, KEEPS,
                kept.isEmpty() ? "no scheme does that here" : String.join(", ", kept)));
        for (Activation a : sweep().activations()) {
            if (!kept.isEmpty() && Arrays.stream(WeightInit.values()).noneMatch(w -> keeps(numbers.fits().get(w).get(a)))) {
                s.append("; none does it for ").append(a.displayName()).append(", whose slope is ").append(a.slope().gainWords());
            }
        }
        return s.append(String.format(Locale.ROOT, " (sqrt(fan_in Var(w)) is %.2f for torch, %.2f for xavier, %.2f for kaiming).",
                weightFactor(WeightInit.TORCH), weightFactor(WeightInit.XAVIER), weightFactor(WeightInit.KAIMING))).toString();
    }

    /** e.g. {@code ReLU 1.01 per layer instead of 0.36, Sigmoid ...; dead ReLU nets: 0 instead of 3}. */
    String compare(WeightInit scheme, WeightInit base) {
        var parts = new ArrayList<String>();
        for (Activation a : sweep().activations()) {
            parts.add(String.format(Locale.ROOT, "%s %.2f per layer instead of %.2f", a.displayName(), numbers.fits().get(scheme).get(a).factor(),
                    numbers.fits().get(base).get(a).factor()));
        }
        var dead = new ArrayList<String>();
        for (Activation a : sweep().activations()) {
            int now = numbers.fits().get(scheme).get(a).dead(), before = numbers.fits().get(base).get(a).dead();
            if (a.units().kind() == Activation.Units.DEAD) {   // the kinds whose nets can die outright
                dead.add("dead " + a.displayName() + " nets: " + (now == before ? now + " with both" : now + " instead of " + before));
            }
        }
        return String.join(", ", parts) + (dead.isEmpty() ? "" : "; " + String.join("; ", dead));
    }

    static boolean keeps(Fit fit) {
        return fit.factor() >= 1 / KEEPS && fit.factor() <= KEEPS;
    }

    /** The scheme as a sentence names it. */
    static String describe(WeightInit scheme) {
        return switch (scheme) {
            case TORCH -> "PyTorch's default initialisation (--weight-init torch: weights U(±1/sqrt(fan_in)), Var(w) = 1/(3 fan_in))";
            case XAVIER -> "--weight-init xavier (xavier_uniform_: Var(w) = 2/(fan_in + fan_out), biases 0)";
            case KAIMING -> "--weight-init kaiming (kaiming_uniform_ for ReLU: Var(w) = 2/fan_in, biases 0)";
        };
    }

    /** What a square layer's weights multiply a gradient's norm by, about: sqrt(fan_in Var(w)). */
    static double weightFactor(WeightInit scheme) {
        return switch (scheme) {
            case TORCH -> Math.sqrt(1.0 / 3);
            case XAVIER -> 1;
            case KAIMING -> Math.sqrt(2);
        };
    }

    /** Why, as a rule of thumb: sqrt(fan_in Var(w)) per layer of width x width, times each swept activation's slope near 0. */
    String ruleOfThumb(WeightInit scheme) {
        double w = weightFactor(scheme);
        var parts = new ArrayList<String>();
        for (Activation a : sweep().activations()) {
            parts.add(String.format(Locale.ROOT, "%s: %s, so %.2f", a.displayName(), a.slope().gainWords(), w * a.slope().gain()));
        }
        return String.format(Locale.ROOT, "about sqrt(fan_in Var(w)) = %.2f for a square layer's weights, times the slope; %s", w,
                String.join("; ", parts));
    }

    /** The step's answer.md: the question, the settings, the tables and the answer. */
    public String answerMd() {
        return "# " + QUESTION + "\n\nSetup: " + sweep().describe() + ".\n\n```\n" + table() + "```\n\n" + answer() + "\n";
    }

    @Override
    public void markdown(Markdown md) {
        md.paragraph("Settings: `" + sweep().describe() + "`");
        String failure = failure();
        if (failure != null) md.paragraph("> **" + failure + ".** A diverged net keeps its numbers up to the divergence.");
        for (Path file : files) if (file.toString().endsWith(".png")) md.image(file, step() + ": " + file.getFileName());
        var rows = new ArrayList<List<String>>();
        for (Activation a : sweep().activations()) {
            for (int depth : sweep().depths()) {
                Stats st = numbers.firstLayer(a, depth);
                long dead = numbers.nets(a).stream().filter(n -> n.depth() == depth && n.dead(sweep().init())).count();
                rows.add(List.of(a.displayName(), String.valueOf(depth), Format.scientific(st.median()), Format.scientific(st.min()),
                        Format.scientific(st.max()), dead + " of " + st.n()));
            }
        }
        var files = this.files.stream().filter(f -> f.toString().endsWith(".csv")).map(md::link).toList();
        md.paragraph("hidden1's weight-gradient norm at the initial weights (" + sweep().init() + " init) over the runs ("
                + String.join(", ", files) + "; dead: exactly 0):");
        md.table(List.of("activation", "depth", "median", "min", "max", "dead"), rows);
        var header = new ArrayList<>(List.of("init"));
        sweep().activations().forEach(a -> header.add(a.displayName()));
        var factors = new ArrayList<List<String>>();
        for (WeightInit scheme : WeightInit.values()) {
            var row = new ArrayList<>(List.of(scheme + (scheme == sweep().init() ? " (this run)" : "")));
            for (Activation a : sweep().activations()) row.add(factorText(numbers.fits().get(scheme).get(a)));
            factors.add(row);
        }
        md.paragraph("Factor per added layer (least-squares fit of log10 norm against depth, dead nets left out), every scheme on the same "
                + "seeds:");
        md.table(header, factors);
        md.question(QUESTION, answer());
    }

    /** The tables and the answer, as the console shows them. */
    @Override
    public String toString() {
        return table() + "\n" + answer();
    }
}
