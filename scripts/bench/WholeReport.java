import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.shade.jackson.databind.JsonNode;
import io.Output;
import speed.Timings;

/**
 * The report of bench --whole: per command the median wall time of each side and their ratio, where the median round's
 * time went (start-up, training, evaluation, diagnostics, figures in parts, writing, alongside), whether both sides wrote
 * the declared files, the machine; whole.csv and whole.json.
 */
final class WholeReport {
    static final String WHOLE_CSV_HEADER = "command,impl,rounds,wall_s,wall_min_s,wall_max_s,cpu_s,ratio_vs_pytorch,startup_s,launcher_s,"
            + "training_s,evaluation_s,diagnostics_s,loop_s,figures_s,figures_draw_s,figures_field_s,figures_png_s,figures_svg_s,"
            + "figures_gif_s,writing_s,other_s,alongside_s,waiting_s,exit_s,loadavg,files,output_mb,command_line";
    /** The parts of figures (Timings' figures.* phases) and their names in the tables. */
    static final Map<String, String> FIGURE_PARTS = new LinkedHashMap<>();
    static {
        FIGURE_PARTS.put(Timings.FIGURES, "drawing");
        FIGURE_PARTS.put(Timings.FIELD, "confidence fields");
        FIGURE_PARTS.put(Timings.PNG, "PNG");
        FIGURE_PARTS.put(Timings.SVG, "SVG");
        FIGURE_PARTS.put(Timings.GIF, "GIF");
    }

    private final List<WholeBench.Command> commands;
    private final int repeat;
    private final boolean noWarmup;
    private final Path dir;

    WholeReport(List<WholeBench.Command> commands, int repeat, boolean noWarmup, Path dir) {
        this.commands = commands;
        this.repeat = repeat;
        this.noWarmup = noWarmup;
        this.dir = dir;
    }

    /** The tables on the console and whole.csv, whole.json in the report's folder. */
    void write(List<WholeBench.Measured> runs, Map<String, WholeBench.Measured> firstFiles, List<String> impls, String python) throws IOException {
        var rows = new ArrayList<Map<String, Object>>();
        var whole = new StringBuilder("| command | ours | PyTorch + matplotlib | ratio |\n|---|---:|---:|---:|\n");
        var where = new StringBuilder("| command | impl | wall | cpu | start-up (launcher) | training | evaluation | diagnostics "
                + "| figures | writing | other | alongside (waited for) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        var figureTable = new StringBuilder("| command | impl | figures | " + String.join(" | ", FIGURE_PARTS.values())
                + " | alongside |\n|---|---|---:|" + "---:|".repeat(FIGURE_PARTS.size() + 1) + "\n");
        var csv = new StringBuilder(WHOLE_CSV_HEADER).append('\n');
        var notes = new ArrayList<String>();
        for (WholeBench.Command c : commands) {
            var medians = new LinkedHashMap<String, Double>();
            for (String impl : impls) {
                double[] walls = runs.stream().filter(m -> m.command().equals(c.name()) && m.impl().equals(impl))
                        .mapToDouble(WholeBench.Measured::wallSecs).toArray();
                medians.put(impl, BenchMachine.median(walls));
            }
            double ratio = medians.containsKey(WholeBench.THEIRS) ? medians.get(WholeBench.OURS) / medians.get(WholeBench.THEIRS) : Double.NaN;
            whole.append(String.format(Locale.ROOT, "| `%s` | %.2f s | %s | %s |%n", c.line(), medians.get(WholeBench.OURS),
                    medians.containsKey(WholeBench.THEIRS) ? String.format(Locale.ROOT, "%.2f s", medians.get(WholeBench.THEIRS)) : "",
                    Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio)));
            for (String impl : impls) {
                List<WholeBench.Measured> mine = runs.stream().filter(m -> m.command().equals(c.name()) && m.impl().equals(impl))
                        .sorted(java.util.Comparator.comparingDouble(WholeBench.Measured::wallSecs)).toList();
                WholeBench.Measured typical = mine.get((mine.size() - 1) / 2);   // the median round (the lower one of an even count)
                Breakdown b = Breakdown.of(typical);
                where.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f (%.2f) | %s | %s | %.2f | %.2f | %.2f | %.2f | %s |%n",
                        c.name(), impl.equals(WholeBench.OURS) ? "ours" : "PyTorch", b.wall(), typical.cpuSecs(), b.startup(), b.launcher(),
                        String.format(Locale.ROOT, b.loopIsTraining() ? "%.2f*" : "%.2f", b.training()),
                        b.loopIsTraining() ? "*" : String.format(Locale.ROOT, "%.2f", b.evaluation()), b.diagnostics(), b.figures(),
                        b.writing(), b.other(), b.alongside() > 0 ? String.format(Locale.ROOT, "%.2f (%.2f)", b.alongside(), b.waiting()) : ""));
                figureTable.append(String.format(Locale.ROOT, "| %s | %s | %.2f |", c.name(), impl.equals(WholeBench.OURS) ? "ours" : "PyTorch",
                        b.figures()));
                b.figureParts().values().forEach(v -> figureTable.append(String.format(Locale.ROOT, " %.2f |", v)));
                double figuresAlongside = b.alongsideParts().entrySet().stream().filter(e -> e.getKey().startsWith(Timings.FIGURES))
                        .mapToDouble(Map.Entry::getValue).sum();
                figureTable.append(figuresAlongside > 0 ? String.format(Locale.ROOT, " %.2f |%n", figuresAlongside) : " |\n");
                WholeBench.Measured first = firstFiles.get(c.name() + "/" + impl);
                double meanLoad = mine.stream().mapToDouble(WholeBench.Measured::load).average().orElse(Double.NaN);
                double[] walls = mine.stream().mapToDouble(WholeBench.Measured::wallSecs).toArray();
                double cpu = BenchMachine.median(mine.stream().mapToDouble(WholeBench.Measured::cpuSecs).toArray());
                csv.append(String.join(",", c.name(), impl, String.valueOf(mine.size()), BenchMachine.fmt(BenchMachine.median(walls)), BenchMachine.fmt(walls[0]),
                        BenchMachine.fmt(walls[walls.length - 1]), BenchMachine.fmt(cpu), impl.equals(WholeBench.OURS) ? BenchMachine.fmt(ratio) : "", BenchMachine.fmt(b.startup()), BenchMachine.fmt(b.launcher()),
                        BenchMachine.fmt(b.training()), BenchMachine.fmt(b.evaluation()), BenchMachine.fmt(b.diagnostics()), BenchMachine.fmt(b.loop()), BenchMachine.fmt(b.figures()),
                        String.join(",", b.figureParts().values().stream().map(BenchMachine::fmt).toList()), BenchMachine.fmt(b.writing()),
                        BenchMachine.fmt(b.other()), BenchMachine.fmt(b.alongside()), BenchMachine.fmt(b.waiting()), BenchMachine.fmt(b.exit()), BenchMachine.fmt(meanLoad), String.valueOf(first.files().size()), BenchMachine.fmt(first.bytes() / 1e6),
                        c.line())).append('\n');
                rows.add(row(c, impl, mine, b, ratio, first, meanLoad));
            }
            if (impls.size() == 2) notes.add(compareFiles(c, firstFiles.get(c.name() + "/" + WholeBench.OURS), firstFiles.get(c.name() + "/" + WholeBench.THEIRS)));
        }
        double load = BenchMachine.loadavg();
        System.out.println();
        System.out.printf(Locale.ROOT, "Whole process, medians of %d round(s), alternated (seconds from start() to exit):%n%n%s%n",
                repeat, whole);
        System.out.printf(Locale.ROOT, "Where the time went (the median round of each; seconds; cpu: the process's CPU time, all "
                + "threads; start-up from the launch to ready-to-train, the launcher's share in brackets; other = the wall time the "
                + "phases leave; alongside: seconds of work on the other core beside the main path, which the wall time overlaps, and "
                + "in brackets the main path's wait for it):%n%n%s",
                where);
        if (commands.stream().anyMatch(c -> c.alias().equals("train-manual"))) {
            System.out.println("* train-manual's loop is the script's own: its training column is the loop from ready-to-train "
                    + "to the first file (training and per-epoch evaluation together).");
        }
        System.out.printf(Locale.ROOT, "%nFigures, in parts (the same rounds; seconds; drawing: building and drawing the "
                + "charts; matplotlib draws inside savefig, so its drawing is mostly in its PNG and SVG columns; the main path's, and in "
                + "the last column the figures' seconds on the other core):%n%n%s%n", figureTable);
        notes.forEach(System.out::println);
        String machine = BenchMachine.machineLine() + ", python " + (python == null ? "none" : python);
        System.out.println(machine);
        System.out.printf(Locale.ROOT, "load average at the end: %.2f (1 min)%n", load);

        Path csvFile = Output.writeString(dir.resolve("whole.csv"), csv.toString());
        var json = new LinkedHashMap<String, Object>();
        json.put("date", Instant.now().toString());
        json.put("machine", machine);
        json.put("repeat", repeat);
        json.put("warmup", !noWarmup);
        json.put("loadavg_end", num(load));
        json.put("rows", rows);
        json.put("notes", notes);
        Path jsonFile = Output.writeString(dir.resolve("whole.json"), BenchMachine.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        System.out.println("wrote " + csvFile + ", " + jsonFile);
    }

    /** One row of whole.json: the medians, the median round's breakdown, and every round's wall time and timings. */
    static Map<String, Object> row(WholeBench.Command c, String impl, List<WholeBench.Measured> mine, Breakdown b, double ratio, WholeBench.Measured first, double load) {
        var row = new LinkedHashMap<String, Object>();
        row.put("command", c.name());
        row.put("command_line", c.line());
        row.put("impl", impl);
        row.put("wall_s", num(BenchMachine.median(mine.stream().mapToDouble(WholeBench.Measured::wallSecs).toArray())));
        row.put("cpu_s", num(BenchMachine.median(mine.stream().mapToDouble(WholeBench.Measured::cpuSecs).toArray())));
        if (impl.equals(WholeBench.OURS)) row.put("ratio_vs_pytorch", num(ratio));
        var parts = new LinkedHashMap<String, Object>();
        parts.put("wall_s", num(b.wall()));
        parts.put("startup_s", num(b.startup()));
        parts.put("launcher_s", num(b.launcher()));
        parts.put("training_s", num(b.training()));
        parts.put("evaluation_s", num(b.evaluation()));
        parts.put("diagnostics_s", num(b.diagnostics()));
        parts.put("loop_s", num(b.loop()));
        parts.put("figures_s", num(b.figures()));
        b.figureParts().forEach((part, v) -> parts.put((part.equals(Timings.FIGURES) ? "figures_draw" : part.replace('.', '_')) + "_s", num(v)));
        parts.put("writing_s", num(b.writing()));
        parts.put("other_s", num(b.other()));
        parts.put("alongside_s", num(b.alongside()));
        parts.put("waiting_s", num(b.waiting()));
        var alongside = new LinkedHashMap<String, Object>();
        b.alongsideParts().forEach((phase, v) -> alongside.put(phase, num(v)));
        parts.put("alongside", alongside);
        parts.put("exit_s", num(b.exit()));
        parts.put("loop_is_training", b.loopIsTraining());
        row.put("breakdown", parts);
        row.put("loadavg", num(load));
        row.put("files", first.files());
        row.put("output_bytes", first.bytes());
        var rounds = new ArrayList<Map<String, Object>>();
        for (WholeBench.Measured m : mine) {
            var r = new LinkedHashMap<String, Object>();
            r.put("round", m.round());
            r.put("wall_s", num(m.wallSecs()));
            r.put("cpu_s", num(m.cpuSecs()));
            r.put("launch_ms", m.launchMs());
            r.put("exit_ms", m.exitMs());
            r.put("loadavg", num(m.load()));
            r.put("timings", m.timings());
            rounds.add(r);
        }
        row.put("rounds", rounds);
        return row;
    }

    /**
     * Whether both wrote every file the command declares ({@link WholeBench.Command#files}), and their sizes; a file only
     * one side writes is named, not compared.
     */
    static String compareFiles(WholeBench.Command c, WholeBench.Measured ours, WholeBench.Measured theirs) {
        String sizes = String.format(Locale.ROOT, " (ours %.2f MB, PyTorch's %.2f MB)", ours.bytes() / 1e6, theirs.bytes() / 1e6);
        var missing = new ArrayList<String>();
        for (var side : List.of(ours, theirs)) {
            var absent = c.files().stream().filter(f -> !side.files().contains(f)).toList();
            if (!absent.isEmpty()) missing.add((side == ours ? "ours" : "PyTorch's") + " lacks " + absent);
        }
        var extra = new ArrayList<String>();
        for (var side : List.of(ours, theirs)) {
            var more = side.files().stream().filter(f -> !c.files().contains(f)).toList();
            if (!more.isEmpty()) extra.add("only " + (side == ours ? "ours" : "PyTorch's") + " writes " + more + " (not compared)");
        }
        String others = extra.isEmpty() ? "" : "; " + String.join(", ", extra);
        if (missing.isEmpty()) return "outputs of " + c.name() + ": both wrote the " + c.files().size() + " declared files" + sizes + others;
        return "outputs of " + c.name() + " differ from the declared " + c.files() + sizes + ": " + String.join(", ", missing) + others
                + " (WholeBench.wholeCommands declares what both write)";
    }

    static Object num(double x) {
        return Double.isFinite(x) ? x : null;
    }

    /**
     * Where one process's time went, in seconds: start-up from the launch to ready-to-train, of it the launcher (to the
     * JVM's start, or to the Python script's first line); the phases Timings counted; the loop (ready to the first figure
     * or file: the training loop, which for train-manual, whose loop is the script's own, stands for training and
     * evaluation together); waiting = the main path waiting for work done alongside it; other = the wall time the rest
     * leaves; alongside = the seconds threads spent beside the main path (figures drawn on the other core while the net
     * trains: not part of the wall time's sum, which they overlap), by phase in {@code alongsideParts}; exit = from the
     * last mark to the process's end.
     */
    record Breakdown(double wall, double startup, double launcher, double training, double evaluation, double diagnostics,
                     double loop, double figures, Map<String, Double> figureParts, double writing, double waiting, double other,
                     double alongside, Map<String, Double> alongsideParts, double exit, boolean loopIsTraining) {
        static Breakdown of(WholeBench.Measured m) {
            JsonNode t = m.timings(), phases = t.path("phases");
            double ready = ms(t, "ready_ms");
            double startup = (ready - m.launchMs()) / 1000;
            double start = Double.isFinite(ms(t, "jvm_start_ms")) ? ms(t, "jvm_start_ms") : ms(t, "interpreter_start_ms");
            double loop = (ms(t, "first_output_ms") - ready) / 1000;
            boolean loopIsTraining = !phases.has(Timings.TRAINING);
            double training = loopIsTraining ? loop : phases.path(Timings.TRAINING).asDouble();
            double evaluation = loopIsTraining ? Double.NaN : phases.path(Timings.EVALUATION).asDouble(0);
            double diagnostics = phases.path(Timings.DIAGNOSTICS).asDouble(0);
            var parts = new LinkedHashMap<String, Double>();
            for (String part : FIGURE_PARTS.keySet()) parts.put(part, phases.path(part).asDouble(0));
            double figures = parts.values().stream().mapToDouble(Double::doubleValue).sum(), writing = phases.path(Timings.WRITING).asDouble(0);
            double waiting = phases.path(Timings.WAITING).asDouble(0);
            double other = m.wallSecs() - startup - training - (loopIsTraining ? 0 : evaluation) - diagnostics - figures - writing - waiting;
            var alongsideParts = new LinkedHashMap<String, Double>();
            t.path("alongside").fields().forEachRemaining(f -> alongsideParts.put(f.getKey(), f.getValue().asDouble()));
            double alongside = alongsideParts.values().stream().mapToDouble(Double::doubleValue).sum();
            return new Breakdown(m.wallSecs(), startup, (start - m.launchMs()) / 1000, training, evaluation, diagnostics, loop, figures,
                    parts, writing, waiting, other, alongside, alongsideParts, (m.exitMs() - ms(t, "end_ms")) / 1000, loopIsTraining);
        }

        static double ms(JsonNode t, String key) {
            JsonNode v = t.get(key);
            return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
        }
    }
}
