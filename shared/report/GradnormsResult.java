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
import study.LayerStats;
import study.Run;
import study.Stats;
import study.Study;

/**
 * What step 3 of the vanishing-gradient exercise ({@code gradnorms}) found: the study, every run with its per-layer
 * weight-gradient norms, each activation's {@link LayerStats}, and the files it wrote into {@code dir}. {@code from}
 * is deep's folder when the runs were read from it (--from: the same nets as step 2, not trained again), else null.
 * {@link #verdict()} answers the sheet's question from these numbers.
 */
public record GradnormsResult(Study study, List<Run> runs, Path from, Map<Activation, LayerStats> layerStats, Path dir,
        List<Path> files) implements StepResult {
    public static final String QUESTION = "Does Sigmoid show the vanishing gradient more clearly?";
    /**
     * The rule of thumb for the update:weight ratio, {@code ||W_after - W_before|| / ||W_before||} per step: about 1e-3
     * (DL4J's training UI and cs231n's "babysitting the learning process"); far below, a layer barely learns.
     */
    public static final double UPDATE_RATIO_RULE = 1e-3;

    /** Diverged runs fail the step, although every file and the other runs' numbers are there. */
    @Override
    public String failure() {
        return Run.divergence(runs);
    }

    public GradnormsResult {
        runs = List.copyOf(runs);
        layerStats = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layerStats));
        files = List.copyOf(files);
    }

    /** The result of {@code runs} of {@code study}; {@code from}: deep's folder they were read from, or null. */
    public static GradnormsResult of(Study study, List<Run> runs, Path from, Path dir, List<Path> files) {
        var stats = new LinkedHashMap<Activation, LayerStats>();
        for (Activation a : study.activations()) stats.put(a, LayerStats.of(runs.stream().filter(r -> r.activation() == a).toList()));
        return new GradnormsResult(study, runs, from, stats, dir, files);
    }

    @Override
    public String step() {
        return "gradnorms";
    }

    /** Whether the runs are deep's, read from its folder (the same nets as step 2), rather than trained here. */
    public boolean readFromDeep() {
        return from != null;
    }

    public List<Run> diverged() {
        return runs.stream().filter(r -> !r.finished()).toList();
    }

    private List<String> layers() {
        return layerStats.values().iterator().next().layers();
    }

    /** The console's table: each layer's median norm, the median first/last ratio and the shrink factor per layer. */
    public String table() {
        List<String> layers = layers();
        var out = new StringBuilder(String.format(Locale.ROOT, "%-10s", "activation"));
        for (String layer : layers) out.append(String.format(Locale.ROOT, " %10s", layer));
        out.append(String.format(Locale.ROOT, "  %14s  %10s%n", "ratio first/last", "per layer"));
        for (var e : layerStats.entrySet()) {
            LayerStats s = e.getValue();
            out.append(String.format(Locale.ROOT, "%-10s", e.getKey()));
            for (double m : s.medianNorm()) out.append(String.format(Locale.ROOT, " %10.3e", m));
            out.append(String.format(Locale.ROOT, "  %16.3f  %10.3f%n", s.medianRatio(), s.perLayerFactor()));
        }
        String last = layers.get(layers.size() - 1);
        out.append("(layer columns: median weight-gradient L2 norm over all epochs and runs; ratio: median over all (run, epoch) of\n"
                + " norm(hidden1) / norm(" + last + "), epochs without a last-layer gradient left out");
        for (var e : layerStats.entrySet()) if (e.getValue().undefined() > 0) out.append(": ").append(e.getKey()).append(' ').append(e.getValue().undefined());
        out.append("; per layer: the ratio's (layers-1)-th root, the average shrink factor from one layer to the one below)\n");
        if (layerStats.values().stream().anyMatch(LayerStats::hasUpdates)) {
            out.append(String.format(Locale.ROOT, "%n%-10s", "activation"));
            for (String layer : layers) out.append(String.format(Locale.ROOT, " %10s", "upd " + layer));
            for (String layer : layers) out.append(String.format(Locale.ROOT, " %10s", "u:w " + layer));
            out.append('\n');
            for (var e : layerStats.entrySet()) {
                out.append(String.format(Locale.ROOT, "%-10s", e.getKey()));
                for (double m : e.getValue().medianUpdateNorm()) out.append(String.format(Locale.ROOT, " %10.3e", m));
                for (double m : e.getValue().medianUpdateRatio()) out.append(String.format(Locale.ROOT, " %10.3e", m));
                out.append('\n');
            }
            out.append("(upd: median update norm ||W_after - W_before|| per epoch; u:w: median update:weight ratio, that over ||W_before||, "
                    + "rule of thumb " + ruleText() + "; over all epochs and runs, updates.csv)\n");
        }
        return out.toString();
    }

    /**
     * "Does Sigmoid show the vanishing gradient more clearly?", answered from the medians over every activation trained:
     * Sigmoid (or, without it, the activation whose gradient shrinks most) against all the others.
     */
    public String verdict() {
        String last = layers().get(layers().size() - 1);
        if (layerStats.size() == 1) {
            var e = layerStats.entrySet().iterator().next();
            return String.format(Locale.ROOT, "Only %s was trained (--activation): its first hidden layer got a median %.3g of %s's "
                    + "gradient norm.%s Run without --activation to compare ReLU and Sigmoid.", e.getKey().displayName(), e.getValue().medianRatio(),
                    last, firstLayerMoves());
        }
        List<Activation> trained = List.copyOf(layerStats.keySet());
        Activation subject = layerStats.containsKey(Activation.SIGMOID) ? Activation.SIGMOID
                : trained.stream().min(java.util.Comparator.comparingDouble(a -> layerStats.get(a).medianRatio())).orElseThrow();
        var order = new ArrayList<Activation>(List.of(subject));
        trained.stream().filter(a -> a != subject).forEach(order::add);
        List<Activation> others = order.subList(1, order.size());
        LayerStats mine = layerStats.get(subject);
        boolean smallerRatio = others.stream().allMatch(a -> mine.medianRatio() < layerStats.get(a).medianRatio());
        boolean smallerFirst = others.stream().allMatch(a -> mine.medianNorm()[0] < layerStats.get(a).medianNorm()[0]);
        String name = subject.displayName(), than = others.size() == 1 ? "" : " than any other activation here";
        var s = new StringBuilder();
        if (subject != Activation.SIGMOID) s.append("Sigmoid was not trained here (--activations); of those trained, ").append(name).append(": ");
        if (smallerRatio && smallerFirst) s.append(String.format(Locale.ROOT, "Yes, %s shows the vanishing gradient more clearly%s. ", name, than));
        else if (smallerRatio || smallerFirst) s.append("Only partly: the two measures disagree. ");
        else s.append(String.format(Locale.ROOT, "No, not in these runs: %s's gradients do not vanish faster than %s. ", name,
                listed(others.stream().map(a -> a.displayName() + "'s").toList(), " or ")));
        s.append(String.format(Locale.ROOT, "%s's first hidden layer got a median %.3g of %s's gradient norm, ", name, mine.medianRatio(), last))
                .append(join(others, ", ", a -> String.format(Locale.ROOT, "%s's %.3g", a.displayName(), layerStats.get(a).medianRatio())))
                .append(" (median over ").append(listed(order.stream().map(a -> String.valueOf(layerStats.get(a).ratios())).toList(), " and "))
                .append(String.format(Locale.ROOT, " (run, epoch) pairs of norm(hidden1)/norm(%s)): going back one layer shrinks %s's gradient by "
                        + "a factor of about %.2f on average, ", last, name, mine.perLayerFactor()))
                .append(join(others, ", ", a -> String.format(Locale.ROOT, "%s's by %.2f", a.displayName(), layerStats.get(a).perLayerFactor())))
                .append(". ");
        s.append("In absolute terms the median first-layer norm was ").append(join(order, " vs ", a -> String.format(Locale.ROOT, "%.2e for %s",
                layerStats.get(a).medianNorm()[0], a.displayName())));
        double largest = others.stream().mapToDouble(a -> layerStats.get(a).medianNorm()[0]).max().orElse(Double.NaN);
        double times = largest / mine.medianNorm()[0];
        String versus = others.size() == 1 ? "" : " than the largest";
        if (Double.isFinite(times) && times > 1) s.append(String.format(Locale.ROOT, " (%.0f times smaller%s)", times, versus));
        else if (Double.isFinite(times) && times > 0) s.append(String.format(Locale.ROOT, " (%.0f times larger%s)", 1 / times, versus));
        s.append(". ");
        if (smallerRatio && smallerFirst) {
            s.append(String.format(Locale.ROOT, "That is the vanishing gradient: every %s layer multiplies the backward signal by its derivative, "
                    + "%s, so the layers far from the loss learn slowest; ", subject, subject.slope().words()))
                    .append(join(others, "; ", a -> a.displayName() + "'s derivative is " + a.slope().words())).append('.');
        }
        s.append(firstLayerMoves());
        for (Activation a : order) {
            int undefined = layerStats.get(a).undefined();
            if (undefined > 0) s.append(String.format(Locale.ROOT, " %d %s epochs had no gradient at all in %s (the units above it were off "
                    + "for every input, so nothing came back) and are left out of the ratio.", undefined, a.displayName(), last));
        }
        return s.toString();
    }

    /** {@code a, b and c} ({@code last}: " and ", " or "). */
    static String listed(List<String> items, String last) {
        return items.size() == 1 ? items.get(0) : String.join(", ", items.subList(0, items.size() - 1)) + last + items.get(items.size() - 1);
    }

    /** {@code f(a)} for each activation, joined. */
    private static String join(List<Activation> activations, String separator, java.util.function.Function<Activation, String> f) {
        return String.join(separator, activations.stream().map(f).toList());
    }

    /**
     * How far each net's first hidden layer moves per epoch, from updates.csv: the median update norm and update:weight
     * ratio, against {@link #UPDATE_RATIO_RULE}; empty without those numbers. Starts with a space.
     */
    String firstLayerMoves() {
        var moves = new ArrayList<String>();
        var against = new ArrayList<String>();
        for (var e : layerStats.entrySet()) {
            LayerStats s = e.getValue();
            if (!s.hasUpdates()) continue;
            String name = e.getKey().displayName();
            moves.add(String.format(Locale.ROOT, "%s's by a median %.2e per epoch, %.2e of its weights' norm", name, s.medianUpdateNorm()[0],
                    s.medianUpdateRatio()[0]));
            against.add(name + (against.isEmpty() ? "'s first layer moves " : "'s ") + timesRule(s.medianUpdateRatio()[0]));
        }
        if (moves.isEmpty()) return "";
        return String.format(Locale.ROOT, " How far the first hidden layer moves (updates.csv: ||W_after - W_before|| of each step, and that "
                + "over ||W_before||): %s. The rule of thumb (DL4J's training UI, cs231n) is an update of about %s of the weights per step: "
                + "%s.", String.join("; ", moves), ruleText(), String.join(", ", against));
    }

    /** The rule of thumb as the figures and answers write it: {@code 1e-3}. */
    public static String ruleText() {
        return "1e" + Math.round(Math.log10(UPDATE_RATIO_RULE));
    }

    /** How an update:weight ratio compares with the rule: {@code 5.6 times less than that}, {@code 20 times more than that}, {@code about as much}, {@code not at all}. */
    static String timesRule(double ratio) {
        if (ratio == 0) return "not at all";
        double times = ratio / UPDATE_RATIO_RULE;
        String how = times >= 1 ? "more" : "less";
        double factor = times >= 1 ? times : 1 / times;
        if (factor < 1.5) return "about as much";
        return (factor >= 10 ? String.format(Locale.ROOT, "%.0f", factor) : String.format(Locale.ROOT, "%.1f", factor)) + " times " + how
                + " than that";
    }

    /** The step's answer.md: the question, the settings, the table and the verdict. */
    public String answerMd() {
        return "# " + QUESTION + "\n\nSetup: " + study.describe() + ".\n\n```\n" + table() + "```\n\n" + verdict() + "\n";
    }

    @Override
    public void markdown(Markdown md) {
        DeepResult.settings(md, study, runs);
        if (readFromDeep()) {
            md.paragraph("These are **the same " + runs.size() + " nets as step 2** (" + md.link(from, "deep") + "): gradnorms read what deep "
                    + "recorded while training them (`--from`: the same seeds, settings and data, and the gradient norms of every epoch) "
                    + "instead of training them again.");
        }
        normsAtSomeEpochs(md);
        List<String> layers = layers();
        var header = new ArrayList<String>(List.of("activation"));
        layers.forEach(l -> header.add("median norm " + l));
        header.add("median ratio " + layers.get(0) + "/" + layers.get(layers.size() - 1));
        header.add("shrink per layer");
        var rows = new ArrayList<List<String>>();
        for (var e : layerStats.entrySet()) {
            var row = new ArrayList<String>(List.of(e.getKey().displayName()));
            for (double m : e.getValue().medianNorm()) row.add(Format.scientific(m));
            row.add(String.format(Locale.ROOT, "%.3f", e.getValue().medianRatio()));
            row.add(String.format(Locale.ROOT, "%.3f", e.getValue().perLayerFactor()));
            rows.add(row);
        }
        md.paragraph("Median weight-gradient norms over all epochs and runs, and the median ratio of the first to the last hidden layer's "
                + "norm (" + md.link(dir.resolve("answer.md")) + "):");
        md.table(header, rows);
        if (layerStats.values().stream().anyMatch(LayerStats::hasUpdates)) {
            var updateHeader = new ArrayList<String>(List.of("activation"));
            layers.forEach(l -> updateHeader.add("update " + l));
            layers.forEach(l -> updateHeader.add("update:weight " + l));
            var updateRows = new ArrayList<List<String>>();
            for (var e : layerStats.entrySet()) {
                var row = new ArrayList<String>(List.of(e.getKey().displayName()));
                for (double m : e.getValue().medianUpdateNorm()) row.add(Format.scientific(m));
                for (double m : e.getValue().medianUpdateRatio()) row.add(Format.scientific(m));
                updateRows.add(row);
            }
            md.paragraph("What each epoch's step moved: the median update norm ||W_after − W_before|| and update:weight ratio (that over "
                    + "||W_before||; rule of thumb about " + ruleText() + ") of every hidden layer, over all epochs and runs ("
                    + md.link(dir.resolve("updates.csv")) + "):");
            md.table(updateHeader, updateRows);
        }
        md.question(QUESTION, verdict());
        for (Path file : files) if (file.toString().endsWith(".png")) md.image(file, step() + ": " + file.getFileName());
    }

    /** Run 1's norm of every hidden layer at a few epochs, per activation: how the layers' norms relate. */
    private void normsAtSomeEpochs(Markdown md) {
        List<Run> first = runs.stream().filter(r -> r.run() == 1).toList();
        int lastEpoch = first.stream().mapToInt(r -> r.epochs().size() - 1).max().orElse(-1);
        if (lastEpoch < 0) return;
        var rows = new ArrayList<List<String>>();
        for (Run run : first) {
            for (int e : Markdown.sample(lastEpoch + 1, 4)) {
                var row = new ArrayList<String>(List.of(run.activation().displayName(), String.valueOf(e)));
                double[] norms = e < run.epochs().size() ? run.gradNorms()[e] : null;   // a diverged run may have stopped earlier
                for (int k = 0; k < run.layers().size(); k++) row.add(norms == null ? "–" : Format.scientific(norms[k]));
                rows.add(row);
            }
        }
        var header = new ArrayList<String>(List.of("activation", "epoch"));
        header.addAll(layers());
        md.paragraph("Weight-gradient L2 norm of every hidden layer in run 1 at some epochs (all epochs and runs: "
                + md.link(dir.resolve("gradnorms.csv")) + "):");
        md.table(header, rows);
    }

    /** The table and the verdict, as the console shows them. */
    @Override
    public String toString() {
        return table() + "\n" + verdict();
    }
}
