///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1:${os.detected.classifier}
//DEPS org.bytedeco:openblas:0.3.31-1.5.13
//DEPS org.bytedeco:openblas:0.3.31-1.5.13:${os.detected.classifier}
//DEPS org.bytedeco:javacpp:1.5.13
//DEPS org.bytedeco:javacpp:1.5.13:${os.detected.classifier}
//DEPS org.knowm.xchart:xchart:3.8.8
//DEPS de.erichseifert.vectorgraphics2d:VectorGraphics2D:0.13
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES ../shared/**/*.java
//SOURCES moons.java lecture.java deep.java gradnorms.java forward.java backward.java train_manual.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (//CDS: JBang keeps a class-data archive of the script, which halves the JVM's start; -Xlog:cds=off silences the
// run that writes it. Serial GC with a small young generation keeps memory flat and low: deep peaks at 350 MB, not 770.)

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import cli.Cli;
import cli.Output;
import cli.Progress;
import speed.Nd4jSetup;

/**
 * The main job: every exercise step in order, in this one JVM (ND4J starts once), each with its defaults, then
 * {@code report.md}: what ran, its figures and tables, and the answers to the sheet's questions written from this run's
 * numbers. A step that fails is reported and makes the exit code non-zero; the steps after it still run.
 */
@Command(name = "all", mixinStandardHelpOptions = true,
        description = "Runs every exercise step (moons, lecture, deep, gradnorms, forward, backward, train-manual) with "
                + "its defaults and writes report.md beside the steps' output folders. gradnorms reads the nets deep trained "
                + "(--from) rather than training the same nets again.")
public class all implements Callable<Integer> {
    /** Exit code when a step failed (any reason: bad input, divergence, a bug); the report says which and why. */
    static final int STEP_FAILED = 1;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Root folder: step S writes DIR/S/, the report DIR/report.md (default: scripts/out).")
    Path out;

    @Option(names = "--quick", description = "Fewer epochs and runs (lecture 300 epochs; deep and gradnorms 2 runs x 300 "
            + "epochs; train-manual 300 epochs): the same steps and report in under a minute.")
    boolean quick;

    /** Tests: the same steps and report with toy workloads (a few seconds per step). */
    @Option(names = "--smoke", hidden = true)
    boolean smoke;

    /** Tests: STEP=ARG appends ARG to that step's arguments (repeatable), e.g. to make it fail on bad input. */
    @Option(names = "--test-step-arg", hidden = true, paramLabel = "STEP=ARG")
    List<String> testStepArgs = List.of();

    /** Tests: these steps throw instead of running, as a bug in them would. */
    @Option(names = "--test-throw", hidden = true, paramLabel = "STEP")
    List<String> testThrow = List.of();

    public static void main(String... args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new all(), args);
    }

    // ---- the steps, in the order of the exercise sheet ----

    enum Workload { FULL, QUICK, SMOKE }

    /**
     * One exercise step: its alias (= its output folder), the heading in the report, a fresh picocli command (to learn
     * its options), its {@code run}, the options that shorten it for --quick and --smoke, and the earlier step (if any)
     * whose output folder it reads with {@code --from} instead of training the same nets again, when that step succeeded.
     */
    record Step(String alias, String heading, Supplier<Object> command, Function<String[], Integer> run,
            List<String> quickArgs, List<String> smokeArgs, String readsFrom) {
        Step(String alias, String heading, Supplier<Object> command, Function<String[], Integer> run, List<String> quickArgs,
                List<String> smokeArgs) {
            this(alias, heading, command, run, quickArgs, smokeArgs, null);
        }

        List<String> shortening(Workload workload) {
            return workload == Workload.QUICK ? quickArgs : workload == Workload.SMOKE ? smokeArgs : List.of();
        }
    }

    static List<Step> steps() {
        return List.of(
                new Step("moons", "Data: two moons", moons::new, moons::run, List.of(), List.of()),
                new Step("lecture", "Vanishing gradient, step 1: the lecture's network", lecture::new, lecture::run,
                        List.of("--epochs", "300"), List.of("--epochs", "5", "--width", "16")),
                new Step("deep", "Vanishing gradient, step 2: deeper nets, ReLU vs Sigmoid", deep::new, deep::run,
                        List.of("--runs", "2", "--epochs", "300"), List.of("--runs", "1", "--epochs", "5", "--width", "16")),
                new Step("gradnorms", "Vanishing gradient, step 3: gradient norms per layer", gradnorms::new, gradnorms::run,
                        List.of("--runs", "2", "--epochs", "300"), List.of("--runs", "1", "--epochs", "5", "--width", "16"),
                        "deep"),   // deep trains the same nets (seeds, settings) and records the same norms
                new Step("forward", "Backpropagation, step 2: the forward pass", forward::new, forward::run, List.of(), List.of()),
                new Step("backward", "Backpropagation, step 3: the backward pass and its gradient check",
                        backward::new, backward::run, List.of(), List.of("--hidden", "8")),
                new Step("train-manual", "Backpropagation, step 4: training by hand",
                        train_manual::new, train_manual::run, List.of("--epochs", "300"), List.of("--epochs", "5", "--hidden", "8")));
    }

    /**
     * What running one step gave. {@code error} is set when it threw; {@code exitCode} is then -1. {@code source}: the
     * earlier step whose output it read (--from), or null when it ran its own workload.
     */
    record Outcome(Step step, Outcome source, List<String> args, List<String> unsupported, Path dir, long startMillis, double seconds,
            int exitCode, Throwable error, String stdout, String stderr, String console) {
        boolean ok() {
            return exitCode == 0 && error == null;
        }

        /** One line saying why the step failed: its "error: ..." line, the exception, or its exit code. */
        String failure() {
            if (error != null) return "threw " + error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + oneLine(error.getMessage()));
            String errorLine = stderr.lines().filter(l -> l.startsWith("error: ")).reduce((a, b) -> b).orElse(null);
            return "exit code " + exitCode + (errorLine != null ? " (" + errorLine + ")" : "");
        }
    }

    @Override
    public Integer call() {
        Cli.require(!(quick && smoke), "--quick and --smoke exclude each other");
        Workload workload = smoke ? Workload.SMOKE : quick ? Workload.QUICK : Workload.FULL;
        List<Step> steps = steps();
        Map<String, List<String>> extra = testStepArgs(steps);
        for (String name : testThrow) Cli.require(find(steps, name) != null, "--test-throw: no step '" + name + "'; steps: " + aliases(steps));
        Path root = Output.prepareDir(out != null ? out : Output.defaultDir("all").getParent(), "--out");

        long start = System.nanoTime();
        var outcomes = new ArrayList<Outcome>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            Outcome source = outcomes.stream().filter(o -> o.step().alias().equals(step.readsFrom()) && o.ok()).findFirst().orElse(null);
            Outcome outcome = runStep(step, source, root, workload, extra.getOrDefault(step.alias(), List.of()), i + 1, steps.size());
            outcomes.add(outcome);
            Output.writeString(root.resolve("logs").resolve(step.alias() + ".txt"), withoutRedraws(outcome.console()));
        }
        double total = (System.nanoTime() - start) / 1e9;

        Path report = root.resolve("report.md");
        Output.writeString(report, new Report(root, workload, outcomes, total).markdown());
        long failed = outcomes.stream().filter(o -> !o.ok()).count();
        System.out.println();
        for (Outcome o : outcomes) {
            System.out.printf(Locale.ROOT, "  %-13s %-6s %8s%s%n", o.step().alias(), o.ok() ? "ok" : "FAILED",
                    Progress.duration(o.seconds()), o.ok() ? "" : "  " + o.failure());
        }
        System.out.printf(Locale.ROOT, "  %-13s %-6s %8s%n", "total", failed == 0 ? "ok" : failed + " failed", Progress.duration(total));
        System.out.println("report: " + report.toAbsolutePath().normalize());
        return failed == 0 ? Cli.OK : STEP_FAILED;
    }

    /**
     * Runs one step in-process with stdout and stderr copied into buffers; a throwing step is caught and reported. With a
     * {@code source} it reads that step's output (--from) and takes no shortening options (its workload is the source's).
     */
    Outcome runStep(Step step, Outcome source, Path root, Workload workload, List<String> extra, int number, int count) {
        CommandLine.Model.CommandSpec spec = new CommandLine(step.command().get()).getCommandSpec();
        Path dir = root.resolve(step.alias());
        var args = new ArrayList<String>();
        var unsupported = new ArrayList<String>();
        if (spec.findOption("--out") != null) args.addAll(List.of("--out", dir.toString()));
        if (source != null) args.addAll(List.of("--from", source.dir().toString()));
        List<String> shortening = source != null ? List.of() : step.shortening(workload);
        for (int k = 0; k < shortening.size(); k += 2) {
            // A step that lacks an option (yet) runs without it, and the report says so.
            if (spec.findOption(shortening.get(k)) != null) args.addAll(shortening.subList(k, k + 2));
            else unsupported.add(shortening.get(k));
        }
        args.addAll(extra);
        System.out.printf("== [%d/%d] %s: %s%n   ./jbang %s %s%n", number, count, step.alias(), step.heading(), step.alias(),
                String.join(" ", args));

        var stdout = new ByteArrayOutputStream();
        var stderr = new ByteArrayOutputStream();
        var console = new ByteArrayOutputStream();   // both, interleaved as they were printed
        PrintStream originalOut = System.out, originalErr = System.err;
        long startMillis = System.currentTimeMillis() / 1000 * 1000;  // whole seconds: some file systems keep no more
        long start = System.nanoTime();
        int exitCode = -1;
        Throwable error = null;
        try {
            System.setOut(new PrintStream(new Tee(originalOut, stdout, console), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(originalErr, stderr, console), true, StandardCharsets.UTF_8));
            if (testThrow.contains(step.alias())) throw new IllegalStateException("--test-throw " + step.alias());
            int[] threads = Nd4jSetup.current();
            try {
                exitCode = step.run().apply(args.toArray(String[]::new));
            } finally {
                Nd4jSetup.restore(threads);  // a step may pin ND4J to one thread (small matrices); the next one starts as this one did
            }
        } catch (Throwable e) {  // a bug in one step must not stop the others; the stack trace goes to its log
            error = e;
            e.printStackTrace();
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        var outcome = new Outcome(step, source, List.copyOf(args), List.copyOf(unsupported), dir, startMillis, seconds, exitCode, error,
                stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8), console.toString(StandardCharsets.UTF_8));
        System.out.printf(Locale.ROOT, "-- %s: %s in %s%n%n", step.alias(), outcome.ok() ? "ok" : "FAILED, " + outcome.failure(),
                Progress.duration(seconds));
        return outcome;
    }

    Map<String, List<String>> testStepArgs(List<Step> steps) {
        var extra = new LinkedHashMap<String, List<String>>();
        for (String pair : testStepArgs) {
            int eq = pair.indexOf('=');
            Cli.require(eq > 0 && find(steps, pair.substring(0, eq)) != null,
                    "--test-step-arg must be STEP=ARG with STEP one of " + aliases(steps) + ", got '" + pair + "'");
            extra.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
        }
        return extra;
    }

    static Step find(List<Step> steps, String alias) {
        return steps.stream().filter(s -> s.alias().equals(alias)).findFirst().orElse(null);
    }

    static String aliases(List<Step> steps) {
        return String.join(", ", steps.stream().map(Step::alias).toList());
    }

    static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** A console text as a file should keep it: of a line redrawn with carriage returns (a progress bar), its last state. */
    static String withoutRedraws(String text) {
        var out = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.replaceAll("\r+$", "");
            out.append(trimmed.substring(trimmed.lastIndexOf('\r') + 1).stripTrailing()).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    /** Writes to the console and to buffers. */
    static final class Tee extends OutputStream {
        private final OutputStream console;
        private final OutputStream[] copies;

        Tee(OutputStream console, OutputStream... copies) {
            this.console = console;
            this.copies = copies;
        }

        @Override
        public void write(int b) throws IOException {
            console.write(b);
            for (OutputStream copy : copies) copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            for (OutputStream copy : copies) copy.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            console.flush();
        }
    }

    // ---- the report ----

    /** report.md: one page, top to bottom as the exercise sheet goes; every number in it comes from this run. */
    static final class Report {
        final Path root;
        final Workload workload;
        final List<Outcome> outcomes;
        final double totalSeconds;
        final StringBuilder md = new StringBuilder();

        Report(Path root, Workload workload, List<Outcome> outcomes, double totalSeconds) {
            this.root = root;
            this.workload = workload;
            this.outcomes = outcomes;
            this.totalSeconds = totalSeconds;
        }

        String markdown() {
            md.append("# Two moons, two lessons: the exercise sheet, run\n\n");
            long failed = outcomes.stream().filter(o -> !o.ok()).count();
            md.append(failed == 0 ? "Every step ran without error" : "**" + failed + " of " + outcomes.size() + " steps failed**")
                    .append(" (").append(switch (workload) {
                        case FULL -> "full workloads, each step with its defaults";
                        case QUICK -> "`--quick`: fewer epochs and runs than the defaults, for a first look";
                        case SMOKE -> "`--smoke`: toy workloads for the tests; the numbers mean nothing";
                    }).append("), in ").append(Progress.duration(totalSeconds)).append(".\n\n");
            md.append("| step | status | wall time | outputs |\n|---|---|---:|---|\n");
            for (Outcome o : outcomes) {
                md.append("| [").append(o.step().alias()).append("](#").append(anchor(o)).append(") | ")
                        .append(o.ok() ? "ok" : "**failed**: " + cell(o.failure())).append(" | ").append(Progress.duration(o.seconds()))
                        .append(" | ").append(Files.isDirectory(o.dir()) ? "[" + o.step().alias() + "/](" + link(o.dir()) + ")" : "console only")
                        .append(" |\n");
            }
            md.append('\n');
            for (Outcome o : outcomes) section(o);
            environment();
            return md.toString();
        }

        void section(Outcome o) {
            md.append("## ").append(heading(o)).append("\n\n");
            md.append("Ran `./jbang ").append(o.step().alias());
            for (String a : o.args()) {
                Path folder = outcomes.stream().map(Outcome::dir).filter(d -> d.toString().equals(a)).findFirst().orElse(null);
                md.append(' ').append(folder != null ? link(folder) : a);
            }
            md.append("` in ").append(Progress.duration(o.seconds())).append(" ([console output](").append(link(root.resolve("logs")
                    .resolve(o.step().alias() + ".txt"))).append(")).");
            if (!o.unsupported().isEmpty()) {
                md.append(" The step has no ").append(String.join(", ", o.unsupported()))
                        .append(" option yet, so it ran its full default workload.");
            }
            md.append("\n\n");
            if (!o.ok()) md.append("> **This step failed:** ").append(o.failure()).append(". What it wrote before failing is shown below.\n\n");
            try {
                switch (o.step().alias()) {
                    case "moons" -> moonsSection(o);
                    case "lecture" -> lectureSection(o);
                    case "deep" -> deepSection(o);
                    case "gradnorms" -> gradnormsSection(o);
                    case "forward" -> forwardSection(o);
                    case "backward" -> backwardSection(o);
                    case "train-manual" -> trainManualSection(o);
                    default -> {}
                }
            } catch (RuntimeException e) {
                md.append("> The report could not read this step's results: ").append(oneLine(String.valueOf(e.getMessage()))).append("\n\n");
            }
            figures(o);
        }

        // ---- data ----

        void moonsSection(Outcome o) {
            settingsLine(o, "moons: ");
            var rows = new ArrayList<List<String>>();
            for (String split : List.of("train", "test")) {
                Csv csv = Csv.readIfNew(o.dir().resolve(split + ".csv"), o.startMillis());
                if (csv == null) continue;
                int label = csv.column("label");
                long ones = csv.rows().stream().filter(r -> r[label].equals("1")).count();
                rows.add(List.of(split, link(o.dir().resolve(split + ".csv"), split + ".csv"), String.valueOf(csv.rows().size()),
                        String.valueOf(csv.rows().size() - ones), String.valueOf(ones)));
            }
            if (!rows.isEmpty()) table(List.of("split", "file", "points", "class 0", "class 1"), rows);
        }

        // ---- vanishing gradient ----

        void deepSection(Outcome o) {
            settingsLine(o, "deep: ");
            JsonNode summary = Json.readIfNew(o.dir().resolve("summary.json"), o.startMillis());
            if (summary != null) {
                var rows = new ArrayList<List<String>>();
                summary.get("activations").fields().forEachRemaining(e -> {
                    JsonNode a = e.getValue(), acc = a.get("test_acc"), loss = a.get("final_loss");
                    int finished = a.get("runs").asInt() - a.get("diverged").asInt();
                    rows.add(List.of(display(e.getKey()), a.get("runs").asText(), percent(acc.get("mean")) + " ± " + percent(acc.get("std")),
                            percent(acc.get("min")), percent(acc.get("max")), a.get("at_chance").asText() + " of " + finished,
                            a.get("diverged").asText(), number(loss.get("mean")) + " ± " + number(loss.get("std"))));
                });
                md.append("Final test accuracy per activation (").append(link(o.dir().resolve("summary.json"), "summary.json"))
                        .append("; std is the sample standard deviation; \"at chance\": final test accuracy ≤ ")
                        .append(percent(summary.path("chance_threshold"))).append("):\n\n");
                table(List.of("activation", "runs", "test acc mean ± std", "min", "max", "at chance", "diverged", "final loss mean ± std"), rows);
            }
            Csv runs = Csv.readIfNew(o.dir().resolve("runs.csv"), o.startMillis());
            if (runs != null) {
                md.append("Every run (").append(link(o.dir().resolve("runs.csv"), "runs.csv"))
                        .append("; run r of both activations starts from the same weights):\n\n");
                fullTable(runs);
            }
            question("Is one architecture always better? Why?", answerText(o.dir().resolve("answer.md"), o.startMillis()));
        }

        void gradnormsSection(Outcome o) {
            settingsLine(o, "gradnorms: ");
            Csv nets = Csv.readIfNew(o.dir().resolve("runs.csv"), o.startMillis());
            if (o.source() != null && nets != null) {
                // "step 2" as the sheet numbers it (the source's heading), not the report's section number
                Matcher step = Pattern.compile("step \\d+").matcher(o.source().step().heading());
                md.append(String.format(Locale.ROOT, "These are **the same %d nets as %s** ([%s](#%s)): gradnorms read what %s recorded "
                        + "while training them (`--from`: the same seeds, settings and data, and the gradient norms of every epoch) instead "
                        + "of training them again.%n%n", nets.rows().size(), step.find() ? step.group() : "section " + (outcomes.indexOf(o.source()) + 1),
                        o.source().step().alias(), anchor(o.source()), o.source().step().alias()));
            } else if (o.step().readsFrom() != null) {
                md.append("The step ").append(o.step().readsFrom()).append(" failed, so gradnorms trained its nets itself.\n\n");
            }
            Csv norms = Csv.readIfNew(o.dir().resolve("gradnorms.csv"), o.startMillis());
            if (norms != null) normsAtSomeEpochs(o, norms);
            Path answer = o.dir().resolve("answer.md");
            if (Csv.isNew(answer, o.startMillis())) {
                String table = codeBlock(answer);
                List<List<String>> rows = table == null ? List.of() : fixedWidthRows(table);
                if (!rows.isEmpty()) {
                    List<String> layers = rows.get(0).subList(1, rows.get(0).size() - 2);
                    var header = new ArrayList<String>(List.of("activation"));
                    layers.forEach(l -> header.add("median norm " + l));
                    header.add("median ratio " + layers.get(0) + "/" + layers.get(layers.size() - 1));
                    header.add("shrink per layer");
                    md.append("Median weight-gradient norms over all epochs and runs, and the median ratio of the first to the "
                            + "last hidden layer's norm (").append(link(answer, "answer.md")).append("):\n\n");
                    var body = rows.subList(1, rows.size()).stream().map(r -> {
                        var cells = new ArrayList<>(r);
                        cells.set(0, display(cells.get(0)));
                        return (List<String>) cells;
                    }).toList();
                    table(header, body);
                } else if (table != null) {
                    md.append("```\n").append(table).append("```\n\n");
                }
            }
            question("Does Sigmoid show the vanishing gradient more clearly?", answerText(answer, o.startMillis()));
        }

        /**
         * The weight-gradient norm of every hidden layer in run 1 at a few epochs, per activation: how the norms of the
         * layers relate, straight from gradnorms.csv (activation,run,epoch,layer,norm).
         */
        void normsAtSomeEpochs(Outcome o, Csv norms) {
            int activation = norms.column("activation"), run = norms.column("run"), epoch = norms.column("epoch"),
                    layer = norms.column("layer"), norm = norms.column("norm");
            var layers = new ArrayList<String>();
            int lastEpoch = 0;
            var values = new LinkedHashMap<String, String>();   // "activation epoch layer" -> norm
            for (String[] r : norms.rows()) {
                if (!r[run].equals("1")) continue;
                if (!layers.contains(r[layer])) layers.add(r[layer]);
                lastEpoch = Math.max(lastEpoch, Integer.parseInt(r[epoch]));
                values.put(r[activation] + " " + r[epoch] + " " + r[layer], r[norm]);
            }
            if (layers.isEmpty()) return;
            long every = roundStep(Math.max(1, lastEpoch / 4.0));
            var rows = new ArrayList<List<String>>();
            for (String a : norms.rows().stream().map(r -> r[activation]).distinct().toList()) {
                for (int e = 0; e <= lastEpoch; e++) {
                    if (e % every != 0 && e != lastEpoch) continue;
                    var row = new ArrayList<String>(List.of(display(a), String.valueOf(e)));
                    for (String l : layers) row.add(scientific(values.get(a + " " + e + " " + l)));
                    rows.add(row);
                }
            }
            var header = new ArrayList<String>(List.of("activation", "epoch"));
            header.addAll(layers);
            md.append("Weight-gradient L2 norm of every hidden layer in run 1 at some epochs (all epochs and runs: ")
                    .append(link(o.dir().resolve("gradnorms.csv"), "gradnorms.csv")).append("):\n\n");
            table(header, rows);
        }

        /** The first fenced code block of a Markdown file (a step's fixed-width table), or null. */
        static String codeBlock(Path file) {
            String text = read(file);
            int open = text.indexOf("```\n");
            int close = open < 0 ? -1 : text.indexOf("```", open + 4);
            return close < 0 ? null : text.substring(open + 4, close);
        }

        /**
         * A fixed-width table whose header is "activation", layer names, then two multi-word columns, and whose rows are
         * an activation and numbers: the header's layer names and the rows, each a list of cells; empty if it is not.
         */
        static List<List<String>> fixedWidthRows(String table) {
            List<String> lines = table.lines().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty() || !lines.get(0).startsWith("activation")) return List.of();
            String[] head = lines.get(0).trim().split("\\s+");
            int layers = 0;
            while (1 + layers < head.length && head[1 + layers].matches("hidden\\d+")) layers++;
            if (layers < 2) return List.of();
            var rows = new ArrayList<List<String>>();
            var header = new ArrayList<String>(Arrays.asList(head).subList(0, 1 + layers));
            header.addAll(List.of("ratio", "per layer"));
            rows.add(header);
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.trim().split("\\s+");
                if (line.startsWith("(") || cells.length != layers + 3) continue;
                rows.add(List.of(cells));
            }
            return rows.size() > 1 ? rows : List.of();
        }

        static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** What the lecture reports for its net in PyTorch (20 seeds, 1000 epochs): the yardstick of step 1. */
        static final double LECTURE_MEAN = 0.934, LECTURE_BEST = 0.99, LECTURE_STUCK_SHARE = 0.10;
        static final int LECTURE_SEEDS = 20, LECTURE_EPOCHS = 1000;

        void lectureSection(Outcome o) {
            settingsLine(o, "lecture: ");
            Csv history = Csv.readIfNew(o.dir().resolve("history.csv"), o.startMillis());
            if (history != null) {
                md.append("Loss and accuracy while training (").append(link(o.dir().resolve("history.csv"), "history.csv"))
                        .append(", every epoch; each row is the net before that epoch's update):\n\n");
                sampledTable(history, 10);
            }
            String fin = o.stdout().lines().filter(l -> l.startsWith("final: ")).findFirst().orElse(null);
            String check = o.stdout().lines().filter(l -> l.startsWith("check: ")).findFirst().orElse(null);
            question("Verify that the results are as expected.", lectureAnswer(fin, check, history));
        }

        /**
         * The lecture's numbers next to this run's: the final test accuracy (from the step's "final:" line, else the
         * last history row) placed against the mean, the best and the share of stuck seeds, then the step's own check.
         */
        static String lectureAnswer(String fin, String check, Csv history) {
            double test = Double.NaN;
            int epochs = -1;
            if (fin != null) {
                var m = java.util.regex.Pattern.compile("test acc ([0-9.]+)%").matcher(fin);
                if (m.find()) test = Double.parseDouble(m.group(1)) / 100;
            }
            if (history != null && !history.rows().isEmpty()) {
                String[] last = history.rows().get(history.rows().size() - 1);
                epochs = Integer.parseInt(last[history.column("epoch")]) + 1;
                if (Double.isNaN(test)) test = Double.parseDouble(last[history.column("test_acc")]);
            }
            if (Double.isNaN(test)) return null;
            var s = new StringBuilder(String.format(Locale.ROOT, "The lecture's net in PyTorch reaches %s test accuracy on average over %d "
                    + "seeds after %d epochs, %s at best, and about %s of the seeds stay stuck at 50%%. This run (one seed",
                    percent(LECTURE_MEAN), LECTURE_SEEDS, LECTURE_EPOCHS, percent(LECTURE_BEST), String.format(Locale.ROOT, "%.0f%%", 100 * LECTURE_STUCK_SHARE)));
            if (epochs > 0) s.append(", ").append(epochs).append(" epochs");
            s.append(") ended at ").append(percent(test)).append(" test accuracy: ");
            if (test <= 0.55) {
                s.append("stuck at chance, like the lecture's stuck seeds; another seed (`--seed`) should learn.");
            } else if (test >= LECTURE_BEST - 0.005) {
                s.append("as good as the lecture's best seed.");
            } else if (test >= LECTURE_MEAN) {
                s.append(String.format(Locale.ROOT, "above the lecture's mean and %.1f points below its best, as expected for a seed that learns "
                        + "(the mean is pulled down by the stuck seeds).", 100 * (LECTURE_BEST - test)));
            } else {
                s.append(String.format(Locale.ROOT, "%.1f points below the lecture's mean, although it left chance", 100 * (LECTURE_MEAN - test)))
                        .append(epochs > 0 && epochs < LECTURE_EPOCHS ? String.format(Locale.ROOT,
                                " (it trained %d of the lecture's %d epochs, so it may not have converged).", epochs, LECTURE_EPOCHS)
                                : "; compare the curves below.");
            }
            if (epochs > 0 && epochs != LECTURE_EPOCHS) {
                s.append(String.format(Locale.ROOT, " The lecture's numbers are for %d epochs, this run had %d.", LECTURE_EPOCHS, epochs));
            }
            if (check != null) s.append("\n\nThe step's own check: ").append(check.substring("check: ".length())).append('.');
            return s.toString();
        }

        /** The answer a step wrote into its answer.md: the paragraphs after its table (a code block), or all of it. */
        static String answerText(Path file, long sinceMillis) {
            if (!Csv.isNew(file, sinceMillis)) return null;
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int fence = text.lastIndexOf("```\n");
            String answer = fence >= 0 ? text.substring(fence + 4) : text.replaceFirst("^#[^\n]*\n", "");
            return answer.strip();
        }

        void question(String question, String answer) {
            md.append("**").append(question).append("**\n\n");
            md.append(answer == null || answer.isBlank() ? "_The step wrote no answer in this run._" : answer).append("\n\n");
        }

        // ---- backpropagation ----

        void forwardSection(Outcome o) {
            var rows = new ArrayList<List<String>>();
            for (String line : o.stdout().lines().toList()) {
                // "a1 = X W1^T + b1   (W1 [64, 2])  shape [4, 64]": one intermediate and its shape
                int at = line.lastIndexOf("  shape [");
                if (at > 0) rows.add(List.of("`" + line.substring(0, at).strip() + "`", line.substring(at + "  shape ".length())));
            }
            if (!rows.isEmpty()) {
                md.append("Every intermediate of the forward pass and its shape:\n\n");
                table(List.of("quantity", "shape"), rows);
            }
            o.stdout().lines().filter(l -> l.startsWith("L = ")).findFirst().ifPresent(l -> md.append("Loss: `").append(l).append("`\n\n"));
            if (!o.stdout().isBlank()) {
                md.append("<details><summary>The values (console output)</summary>\n\n```text\n").append(o.stdout().strip())
                        .append("\n```\n\n</details>\n\n");
            }
        }

        void backwardSection(Outcome o) {
            List<String> lines = o.stdout().lines().toList();
            var rows = new ArrayList<List<String>>();
            for (String line : lines) {
                // "dW1    [64,2]    | 1.110e-16    2.097e-16     | 3.527e-10    2.271e-09": one parameter's errors
                if (!line.matches("d\\S+\\s+\\[[0-9,]*\\]\\s+\\|.*")) continue;
                String[] cells = line.replace("|", " ").trim().split("\\s+");
                if (cells.length == 6) rows.add(List.of("`" + cells[0] + "`", cells[1], cells[2], cells[3], cells[4], cells[5]));
            }
            lines.stream().filter(l -> l.startsWith("gradient check of") || l.startsWith("rel error"))
                    .forEach(l -> md.append(l.replace("->", "→")).append("\n\n"));
            if (!rows.isEmpty()) {
                table(List.of("gradient", "shape", "max abs diff vs autodiff", "rel. error vs autodiff",
                        "max abs diff vs finite diff.", "rel. error vs finite diff."), rows);
            }
            lines.stream().filter(l -> l.startsWith("PASS") || l.startsWith("FAIL")).findFirst()
                    .ifPresent(l -> md.append("**").append(l).append("**: the hand-written gradients ").append(l.startsWith("PASS")
                            ? "agree with ND4J's automatic differentiation and with central finite differences."
                            : "disagree with autodiff or finite differences beyond the threshold: the backward pass has a bug.")
                            .append("\n\n"));
        }

        void trainManualSection(Outcome o) {
            o.stdout().lines().filter(l -> l.startsWith("x -> ")).findFirst()
                    .ifPresent(l -> md.append("Settings: ").append(l.replace("->", "→")).append("\n\n"));
            Csv history = Csv.readIfNew(o.dir().resolve("history.csv"), o.startMillis());
            if (history == null) return;
            md.append("Loss and accuracy during training (").append(link(o.dir().resolve("history.csv"), "history.csv"))
                    .append(", every epoch):\n\n");
            sampledTable(history, 8);
            String[] last = history.rows().get(history.rows().size() - 1);
            md.append(String.format(Locale.ROOT, "After %s epochs of plain gradient descent the loss is %.4f (from %.4f), "
                    + "train accuracy %s and test accuracy %s.%n%n", last[0], Double.parseDouble(last[1]),
                    Double.parseDouble(history.rows().get(0)[1]), percent(last[2]), percent(last[3])));
        }

        // ---- building blocks ----

        /** The step's own description of its settings: its first stdout line starting with {@code prefix}. */
        void settingsLine(Outcome o, String prefix) {
            o.stdout().lines().filter(l -> l.startsWith(prefix)).findFirst()
                    .ifPresent(l -> md.append("Settings: `").append(l.substring(prefix.length())).append("`\n\n"));
        }

        /** The figures a student should see first, per step; others follow by name. */
        static final Map<String, List<String>> FIRST_FIGURES = Map.of(
                "lecture", List.of("confidence.png", "loss.png", "accuracy.png"),
                "deep", List.of("boundaries.png", "accuracy.png", "loss.png"),
                "gradnorms", List.of("gradnorms.png", "first_layer.png"),
                "train-manual", List.of("snapshots.png", "loss.png", "boundary.gif"));

        /** Every PNG and GIF the step wrote in this run, embedded by a relative link. */
        void figures(Outcome o) {
            List<String> first = FIRST_FIGURES.getOrDefault(o.step().alias(), List.of());
            List<Path> images = newFiles(o, ".png", ".gif").stream().sorted(java.util.Comparator.comparing((Path f) -> {
                int i = first.indexOf(f.getFileName().toString());
                return i < 0 ? first.size() : i;
            }).thenComparing(Path::toString)).toList();
            for (Path image : images) {
                String name = image.getFileName().toString();
                md.append("![").append(o.step().alias()).append(": ").append(name).append("](").append(link(image)).append(")\n\n");
            }
        }

        List<Path> newFiles(Outcome o, String... suffixes) {
            if (!Files.isDirectory(o.dir())) return List.of();
            try (Stream<Path> files = Files.list(o.dir())) {
                return files.filter(f -> Arrays.stream(suffixes).anyMatch(s -> f.getFileName().toString().endsWith(s)))
                        .filter(f -> Csv.isNew(f, o.startMillis())).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * A long per-epoch CSV in at most about {@code rows} + 2 rows: the first, every k-th with k a round number (1, 2, 5,
         * 10, 20, 50, ...), and the last.
         */
        void sampledTable(Csv csv, int rows) {
            int n = csv.rows().size();
            long every = roundStep(Math.max(1, (n - 1) / (double) rows));
            var picked = new ArrayList<List<String>>();
            for (int i = 0; i < n; i++) {
                if (i % every == 0 || i == n - 1) picked.add(formatRow(csv.header(), csv.rows().get(i)));
            }
            table(csv.header().stream().map(h -> h.replace('_', ' ')).toList(), picked);
        }

        void fullTable(Csv csv) {
            table(csv.header().stream().map(h -> h.replace('_', ' ')).toList(),
                    csv.rows().stream().map(r -> formatRow(csv.header(), r)).toList());
        }

        /** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least {@code x}. */
        static long roundStep(double x) {
            for (long decade = 1; ; decade *= 10) {
                for (long m : new long[] {1, 2, 5}) if (m * decade >= x) return m * decade;
            }
        }

        static List<String> formatRow(List<String> header, String[] row) {
            var cells = new ArrayList<String>();
            for (int c = 0; c < row.length; c++) {
                cells.add(header.get(c).contains("acc") ? percent(row[c]) : header.get(c).equals("activation") ? display(row[c]) : number(row[c]));
            }
            return cells;
        }

        void table(List<String> header, List<List<String>> rows) {
            md.append("| ").append(String.join(" | ", header)).append(" |\n|");
            md.append("---|".repeat(header.size())).append('\n');
            for (List<String> row : rows) md.append("| ").append(String.join(" | ", row.stream().map(Report::cell).toList())).append(" |\n");
            md.append('\n');
        }

        void environment() {
            md.append("## Environment\n\n");
            var rows = new ArrayList<List<String>>();
            rows.add(List.of("JDK", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"));
            rows.add(List.of("ND4J", Environment.nd4jVersion()));
            rows.add(List.of("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")));
            rows.add(List.of("CPU", Environment.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical cores available"));
            rows.add(List.of("threads", Environment.threads()));
            rows.add(List.of("load average", Environment.loadAverage()));
            for (Outcome o : outcomes) rows.add(List.of("wall time " + o.step().alias(), Progress.duration(o.seconds())));
            rows.add(List.of("wall time, all steps", Progress.duration(totalSeconds)));
            table(List.of("what", "value"), rows);
        }

        /** A link relative to the report's folder, with forward slashes (GitHub renders it on any OS). */
        String link(Path file) {
            return root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
        }

        String link(Path file, String text) {
            return "[" + text + "](" + link(file) + ")";
        }

        String heading(Outcome o) {
            return (outcomes.indexOf(o) + 1) + ". " + o.step().heading() + " (`" + o.step().alias() + "`)";
        }

        /** GitHub's anchor of a heading: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
        String anchor(Outcome o) {
            return heading(o).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
        }

        static String cell(String text) {
            return text.replace("|", "\\|").replace("\n", " ");
        }

        static String percent(String fraction) {
            try {
                return percent(Double.parseDouble(fraction));
            } catch (NumberFormatException e) {
                return fraction;
            }
        }

        static String percent(JsonNode fraction) {
            return fraction == null || fraction.isNull() || fraction.isMissingNode() ? "–" : percent(fraction.asDouble());
        }

        static String number(JsonNode value) {
            return value == null || value.isNull() || value.isMissingNode() ? "–" : number(value.asText());
        }

        /** "ReLU" and "Sigmoid" for the CSVs' relu and sigmoid. */
        static String display(String activation) {
            return switch (activation) {
                case "relu" -> "ReLU";
                case "sigmoid" -> "Sigmoid";
                case "tanh" -> "Tanh";
                default -> activation;
            };
        }

        static String scientific(String number) {
            if (number == null) return "–";
            try {
                return String.format(Locale.ROOT, "%.3e", Double.parseDouble(number));
            } catch (NumberFormatException e) {
                return number;
            }
        }

        static String percent(double fraction) {
            return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
        }

        /** Integers as they are, other numbers with 4 significant digits. */
        static String number(String text) {
            if (text.matches("-?\\d+")) return text;
            try {
                double v = Double.parseDouble(text);
                return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : text;
            } catch (NumberFormatException e) {
                return text;
            }
        }
    }

    /** A small CSV with a header line and no quoting (what the steps write). */
    record Csv(List<String> header, List<String[]> rows) {
        /** The CSV, or null when it does not exist or was not written since {@code sinceMillis} (a stale earlier run). */
        static Csv readIfNew(Path file, long sinceMillis) {
            if (!isNew(file, sinceMillis)) return null;
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                List<String[]> rows = lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
                return new Csv(List.of(lines.get(0).split(",", -1)), rows);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static boolean isNew(Path file, long sinceMillis) {
            try {
                return Files.isRegularFile(file) && Files.getLastModifiedTime(file).toMillis() >= sinceMillis;
            } catch (IOException e) {
                return false;
            }
        }

        int column(String name) {
            int i = header.indexOf(name);
            if (i < 0) throw new IllegalStateException("no column '" + name + "' in " + header);
            return i;
        }
    }

    /** summary.json files, read with the JSON parser ND4J ships (shaded Jackson). */
    static final class Json {
        static JsonNode readIfNew(Path file, long sinceMillis) {
            if (!Csv.isNew(file, sinceMillis)) return null;
            try {
                return new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file.getFileName() + ": " + oneLine(e.getMessage()), e);
            }
        }
    }

    /** What the report says about the machine. */
    static final class Environment {
        static String nd4jVersion() {
            try (var in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
                var p = new java.util.Properties();
                if (in != null) p.load(in);
                String backend = Nd4j.getBackend().getClass().getSimpleName();
                return p.getProperty("version", "unknown") + " (" + backend + ", BLAS "
                        + Nd4j.factory().blas().getBlasVendor() + ")";
            } catch (IOException | RuntimeException e) {
                return "unknown (" + e.getClass().getSimpleName() + ")";
            }
        }

        /** Other processes' share of the CPU changes every wall time above; the 1-minute load says how busy it was. */
        static String loadAverage() {
            try {
                String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                return load[0] + " (1 min), " + load[1] + " (5 min), " + load[2] + " (15 min) at the end of the run, on "
                        + Runtime.getRuntime().availableProcessors() + " cores";
            } catch (IOException | RuntimeException e) {
                return "unknown on " + System.getProperty("os.name");
            }
        }

        static String cpuModel() {
            try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
                return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst()
                        .orElse(System.getProperty("os.arch"));
            } catch (IOException | UncheckedIOException e) {
                return System.getProperty("os.arch");
            }
        }

        static String threads() {
            String omp = System.getenv("OMP_NUM_THREADS");
            int[] t = Nd4jSetup.current();
            return t[0] + " OpenMP, " + t[1] + " OpenBLAS, " + t[2] + " ND4J master threads at the start of every step (OMP_NUM_THREADS "
                    + (omp == null ? "not set" : "=" + omp) + "); a step may lower them for itself";
        }
    }
}
