package report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.Format;
import nn.Activation;
import nn.WeightInit;
import study.DepthSweep;
import study.Stats;

/**
 * What the depth sweep ({@code depth}) found: its settings, every net (in the order activation, depth, run), and per
 * init scheme and activation the {@link Fit} of the first hidden layer's gradient against depth, from the norms at the
 * initial weights; the files it wrote into {@code dir}. {@link #answer()} answers the step's question from these numbers.
 */
public record DepthResult(DepthSweep sweep, List<DepthSweep.Net> nets, Map<WeightInit, Map<Activation, Fit>> fits, Path dir,
        List<Path> files) implements StepResult {
    public static final String QUESTION = "How fast does the first layer's gradient fall with depth, does ReLU escape it with "
            + "PyTorch's default initialisation, and what does the initialisation change?";
    /** A factor per layer in [1/KEEPS, KEEPS] keeps the gradient's size through the sweep's depths. */
    static final double KEEPS = 1.25;

    /**
     * The least-squares line {@code log10(norm) = a + slope * depth} through hidden1's gradient norms at the initial
     * weights of the nets whose norm is positive ({@code points} of {@code nets}; {@code dead} had a norm of exactly 0):
     * each added layer multiplies the norm by {@link #factor()}. NaN with fewer than two depths.
     */
    public record Fit(double slope, int points, int dead, int nets) {
        public double factor() {
            return Math.pow(10, slope);
        }

        static Fit of(List<DepthSweep.Net> nets, WeightInit scheme) {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            int dead = 0;
            for (DepthSweep.Net net : nets) {
                double norm = net.firstLayer(scheme);
                if (net.dead(scheme)) dead++;
                if (!(norm > 0) || !Double.isFinite(norm)) continue;
                double y = Math.log10(norm);
                n++;
                sx += net.depth();
                sy += y;
                sxx += (double) net.depth() * net.depth();
                sxy += net.depth() * y;
            }
            double spread = n * sxx - sx * sx;
            return new Fit(spread > 0 ? (n * sxy - sx * sy) / spread : Double.NaN, (int) n, dead, nets.size());
        }

        /** e.g. {@code : ×0.36 per layer} as a legend names it; empty when there is no fit. */
        public String perLayer() {
            return Double.isNaN(slope) ? "" : String.format(Locale.ROOT, ": \u00d7%.2f per layer", factor());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "\u00d7%.3f per layer (%d of %d nets%s)", factor(), points, nets,
                    dead > 0 ? ", " + dead + " dead" : "");
        }
    }

    public DepthResult {
        nets = List.copyOf(nets);
        var copy = new EnumMap<WeightInit, Map<Activation, Fit>>(WeightInit.class);
        fits.forEach((scheme, byActivation) -> copy.put(scheme, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byActivation))));
        fits = java.util.Collections.unmodifiableMap(copy);
        files = List.copyOf(files);
    }

    /** The result of {@code nets} of {@code sweep} (in any order), with the fits of every init scheme worked out. */
    public static DepthResult of(DepthSweep sweep, List<DepthSweep.Net> nets, Path dir, List<Path> files) {
        Comparator<DepthSweep.Net> order = Comparator.comparingInt(n -> sweep.activations().indexOf(n.activation()));
        List<DepthSweep.Net> sorted = nets.stream().sorted(order.thenComparingInt(DepthSweep.Net::depth).thenComparingInt(DepthSweep.Net::run))
                .toList();
        var fits = new EnumMap<WeightInit, Map<Activation, Fit>>(WeightInit.class);
        for (WeightInit scheme : WeightInit.values()) {
            var byActivation = new LinkedHashMap<Activation, Fit>();
            for (Activation a : sweep.activations()) byActivation.put(a, Fit.of(of(sorted, a), scheme));
            fits.put(scheme, byActivation);
        }
        return new DepthResult(sweep, sorted, fits, dir, files);
    }

    @Override
    public String step() {
        return "depth";
    }

    /** Diverged nets fail the step, although every file and the other nets' numbers are there. */
    @Override
    public String failure() {
        List<String> diverged = nets.stream().filter(n -> !n.finished()).map(DepthSweep.Net::diverged).toList();
        if (diverged.isEmpty()) return null;
        return diverged.size() + " of " + nets.size() + " nets diverged: " + String.join("; ", diverged);
    }

    /** The fit of {@code activation}'s nets under the sweep's own init scheme. */
    public Fit fit(Activation activation) {
        return fits.get(sweep.init()).get(activation);
    }

    /** The nets of one activation. */
    public List<DepthSweep.Net> nets(Activation activation) {
        return of(nets, activation);
    }

    private static List<DepthSweep.Net> of(List<DepthSweep.Net> nets, Activation activation) {
        return nets.stream().filter(n -> n.activation() == activation).toList();
    }

    /** hidden1's gradient norms at the initial weights (the sweep's scheme) of {@code activation}'s runs at {@code depth}. */
    public Stats firstLayer(Activation activation, int depth) {
        return Stats.of(nets(activation).stream().filter(n -> n.depth() == depth).mapToDouble(n -> n.firstLayer(sweep.init())).toArray());
    }

    /** A statistic of {@link #firstLayer(Activation, int)} at every depth of the sweep, e.g. {@code Stats::median}. */
    public double[] firstLayer(Activation activation, java.util.function.ToDoubleFunction<Stats> statistic) {
        return sweep.depths().stream().mapToDouble(d -> statistic.applyAsDouble(firstLayer(activation, d))).toArray();
    }

    /** The depth of each dead net of {@code activation} (hidden1's gradient exactly 0 at the initial weights), once per net. */
    public double[] deadDepths(Activation activation) {
        return nets(activation).stream().filter(n -> n.dead(sweep.init())).mapToDouble(DepthSweep.Net::depth).toArray();
    }

    /** The console's tables: per activation and depth the first layer's norms over the runs; the fits of every scheme. */
    public String table() {
        var out = new StringBuilder(String.format(Locale.ROOT, "hidden1's weight-gradient norm at the initial weights (%s init), over %s:%n"
                + "%-10s %5s  %-10s %-10s %-10s %4s  %-16s %8s%n", sweep.init(), Format.count(sweep.runs(), "run"), "activation", "depth",
                "median", "min", "max", "dead", "median of epochs", "test acc"));
        for (Activation a : sweep.activations()) {
            for (int depth : sweep.depths()) {
                Stats s = firstLayer(a, depth);
                var here = nets(a).stream().filter(n -> n.depth() == depth).toList();
                out.append(String.format(Locale.ROOT, "%-10s %5d  %-10s %-10s %-10s %4d  %-16s %8s%n", a.displayName(), depth,
                        Format.scientific(s.median()), Format.scientific(s.min()), Format.scientific(s.max()),
                        here.stream().filter(n -> n.dead(sweep.init())).count(), Format.scientific(Stats.of(here.stream()
                                .mapToDouble(n -> n.median()[0]).toArray()).median()), Format.percent(Stats.of(here.stream()
                                .mapToDouble(DepthSweep.Net::testAccuracy).toArray()).mean())));
            }
        }
        out.append(String.format(Locale.ROOT, "(median of epochs: median over the runs of hidden1's median norm over the %d epochs; "
                + "test acc: mean after them; dead: hidden1's gradient exactly 0)%n%nFactor per added layer (least-squares fit of log10 "
                + "norm against depth; dead nets left out), every init scheme on the same seeds:%n%-8s", sweep.epochs(), "init"));
        for (Activation a : sweep.activations()) out.append(String.format(Locale.ROOT, " %-18s", a.displayName()));
        out.append('\n');
        for (WeightInit scheme : WeightInit.values()) {
            out.append(String.format(Locale.ROOT, "%-8s", scheme));
            for (Activation a : sweep.activations()) out.append(String.format(Locale.ROOT, " %-18s", factorText(fits.get(scheme).get(a))));
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
        if (sweep.depths().size() < 2) {
            return "Only depth " + sweep.depths().get(0) + " was run, so there is no trend to fit: give --depths at least two depths "
                    + "(default 1-8).";
        }
        int first = sweep.depths().get(0), last = sweep.depths().get(sweep.depths().size() - 1);
        var parts = new ArrayList<String>();
        for (Activation a : sweep.activations()) {
            parts.add(String.format(Locale.ROOT, "%.2f for %s (median %s at depth %d, %s at depth %d)", fit(a).factor(), a.displayName(),
                    Format.scientific(firstLayer(a, first).median()), first, Format.scientific(firstLayer(a, last).median()), last));
        }
        var s = new StringBuilder("With ").append(describe(sweep.init())).append(", each added layer multiplies the first hidden layer's ")
                .append("weight-gradient norm at the initial weights by ").append(String.join(", ", parts))
                .append(". (The factor is 10^slope of a least-squares line through log10 of the norms against depth, ")
                .append(Format.count(sweep.runs(), "run")).append(" per depth; a norm of 0 has no logarithm, so dead nets are left out.) ")
                .append("Why: on the way back each layer multiplies the gradient by its weights and by the activation's slope, ").append(ruleOfThumb(sweep.init())).append(".\n\n");
        s.append(reluAnswer()).append("\n\n").append(initAnswer());
        String failure = failure();
        if (failure != null) s.append("\n\n").append(failure).append(" (their medians cover the epochs before the divergence).");
        return s.toString();
    }

    /** Does ReLU escape it with PyTorch's default initialisation? From the torch scheme's norms, which every net has. */
    String reluAnswer() {
        if (!sweep.activations().contains(Activation.RELU)) {
            return "ReLU was not in --activations, so this run cannot say whether it escapes the shrinking gradient.";
        }
        Fit torch = fits.get(WeightInit.TORCH).get(Activation.RELU);
        List<String> dead = nets(Activation.RELU).stream().filter(n -> n.dead(WeightInit.TORCH))
                .map(n -> "depth " + n.depth() + " run " + n.run()).toList();
        boolean keeps = torch.factor() >= 1 / KEEPS;
        var s = new StringBuilder("Does ReLU escape it with PyTorch's default initialisation? ")
                .append(keeps && dead.isEmpty() ? "In these nets, yes: " : keeps ? "Not entirely: " : "No: ")
                .append(String.format(Locale.ROOT, "its first-layer gradient is multiplied by %.2f per added layer", torch.factor()));
        Fit sigmoid = fits.get(WeightInit.TORCH).get(Activation.SIGMOID);
        if (sigmoid != null) s.append(String.format(Locale.ROOT, " (Sigmoid's by %.2f)", sigmoid.factor()));
        if (dead.isEmpty()) return s.append(", and none of its ").append(torch.nets()).append(" nets is dead (gradient exactly 0).").toString();
        return s.append(String.format(Locale.ROOT, ", and %d of its %d nets %s dead: %s first-layer gradient is exactly 0 (%s). In a dead "
                + "net some layer's ReLUs are off for every training point, so no gradient flows back below that layer and the output does not "
                + "depend on the input; that layer's own gradient is 0 too, so SGD never revives it and the net stays at chance.",
                dead.size(), torch.nets(), dead.size() == 1 ? "is" : "are", dead.size() == 1 ? "its" : "their", String.join(", ", dead))).toString();
    }

    /** What --weight-init changes: the chosen scheme against PyTorch's default on the same seeds, and the third scheme. */
    String initAnswer() {
        WeightInit init = sweep.init();
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
            List<String> names = sweep.activations().stream().filter(a -> keeps(fits.get(scheme).get(a))).map(Activation::displayName).toList();
            if (!names.isEmpty()) kept.add(scheme + " for " + String.join(" and ", names));
        }
        s.append(String.format(Locale.ROOT, "A factor between %.2f and %.2f keeps the gradient's size through the depths: %s", 1 / KEEPS, KEEPS,
                kept.isEmpty() ? "no scheme does that here" : String.join(", ", kept)));
        if (sweep.activations().contains(Activation.SIGMOID) && !kept.isEmpty()
                && Arrays.stream(WeightInit.values()).noneMatch(w -> keeps(fits.get(w).get(Activation.SIGMOID)))) {
            s.append("; none does it for Sigmoid, whose slope is at most 0.25");
        }
        return s.append(String.format(Locale.ROOT, " (sqrt(fan_in Var(w)) is %.2f for torch, %.2f for xavier, %.2f for kaiming).",
                weightFactor(WeightInit.TORCH), weightFactor(WeightInit.XAVIER), weightFactor(WeightInit.KAIMING))).toString();
    }

    /** e.g. {@code ReLU 1.01 per layer instead of 0.36, Sigmoid ...; dead ReLU nets 0 instead of 3}. */
    String compare(WeightInit scheme, WeightInit base) {
        var parts = new ArrayList<String>();
        for (Activation a : sweep.activations()) {
            parts.add(String.format(Locale.ROOT, "%s %.2f per layer instead of %.2f", a.displayName(), fits.get(scheme).get(a).factor(),
                    fits.get(base).get(a).factor()));
        }
        if (!sweep.activations().contains(Activation.RELU)) return String.join(", ", parts);
        int dead = fits.get(scheme).get(Activation.RELU).dead(), baseDead = fits.get(base).get(Activation.RELU).dead();
        return String.join(", ", parts) + "; dead ReLU nets: " + (dead == baseDead ? dead + " with both" : dead + " instead of " + baseDead);
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
        for (Activation a : sweep.activations()) {
            parts.add(switch (a) {
                case SIGMOID -> String.format(Locale.ROOT, "at most 0.25 for Sigmoid (%.2f)", w * 0.25);
                case TANH -> String.format(Locale.ROOT, "about 1 for Tanh near 0 (%.2f)", w);
                case RELU -> String.format(Locale.ROOT, "1 for the half of the ReLU units that are on (times sqrt(1/2): %.2f)",
                        w * Math.sqrt(0.5));
            });
        }
        return String.format(Locale.ROOT, "about sqrt(fan_in Var(w)) = %.2f for a square layer's weights, times a slope of %s", w,
                String.join(", ", parts));
    }

    /** The step's answer.md: the question, the settings, the tables and the answer. */
    public String answerMd() {
        return "# " + QUESTION + "\n\nSetup: " + sweep.describe() + ".\n\n```\n" + table() + "```\n\n" + answer() + "\n";
    }

    @Override
    public void markdown(Markdown md) {
        md.paragraph("Settings: `" + sweep.describe() + "`");
        String failure = failure();
        if (failure != null) md.paragraph("> **" + failure + ".** A diverged net keeps its numbers up to the divergence.");
        for (Path file : files) if (file.toString().endsWith(".png")) md.image(file, step() + ": " + file.getFileName());
        var rows = new ArrayList<List<String>>();
        for (Activation a : sweep.activations()) {
            for (int depth : sweep.depths()) {
                Stats st = firstLayer(a, depth);
                long dead = nets(a).stream().filter(n -> n.depth() == depth && n.dead(sweep.init())).count();
                rows.add(List.of(a.displayName(), String.valueOf(depth), Format.scientific(st.median()), Format.scientific(st.min()),
                        Format.scientific(st.max()), dead + " of " + st.n()));
            }
        }
        var files = this.files.stream().filter(f -> f.toString().endsWith(".csv")).map(md::link).toList();
        md.paragraph("hidden1's weight-gradient norm at the initial weights (" + sweep.init() + " init) over the runs ("
                + String.join(", ", files) + "; dead: exactly 0):");
        md.table(List.of("activation", "depth", "median", "min", "max", "dead"), rows);
        var header = new ArrayList<>(List.of("init"));
        sweep.activations().forEach(a -> header.add(a.displayName()));
        var factors = new ArrayList<List<String>>();
        for (WeightInit scheme : WeightInit.values()) {
            var row = new ArrayList<>(List.of(scheme + (scheme == sweep.init() ? " (this run)" : "")));
            for (Activation a : sweep.activations()) row.add(factorText(fits.get(scheme).get(a)));
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
