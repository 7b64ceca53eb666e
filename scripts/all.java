///usr/bin/env jbang "$0" "$@" ; exit $?
// The main job: the whole exercise sheet, every step in order with its defaults (or shorter with --quick), in this
// one JVM, then report.md: what ran, its figures and tables, and the answers to the sheet's questions, written from
// the steps' own records of this run. A step that fails is reported; the steps after it still run.
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
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
//SOURCES ../shared/sources.java
//SOURCES moons.java lecture.java deep.java gradnorms.java depth.java forward.java backward.java train_manual.java
//FILES backprop.md
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (JVM options: a class-data archive (//CDS) halves the start; serial GC with a small young generation keeps memory flat.)

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import cli.Cli;
import cli.OutputFolder;
import io.Output;
import io.Progress;
import report.Report;
import report.StepCommand;
import report.StepResult;
import speed.Nd4jSetup;

@Command(name = "all", mixinStandardHelpOptions = true,
        description = "Runs every exercise step (moons, lecture, deep, gradnorms, depth, forward, backward, train-manual) with "
                + "its defaults and writes report.md beside the steps' output folders. gradnorms reads the nets deep trained "
                + "(--from) rather than training the same nets again.")
public class all implements Callable<Integer> {
    /** Exit code when a step failed (any reason: bad input, divergence, a bug); the report says which and why. */
    static final int STEP_FAILED = 1;

    @Option(names = "--out", paramLabel = "DIR", description = "Root folder: step S writes DIR/S/, the report DIR/report.md (default: scripts/out).")
    Path out;

    @Option(names = "--quick", description = "Fewer epochs and runs (lecture 300 epochs; deep and gradnorms 2 runs x 300 epochs; "
            + "train-manual 300 epochs): the same steps and report in under a minute.")
    boolean quick;

    public static void main(String... args) {
        System.exit(Cli.run(new all(), args));
    }

    /**
     * One exercise step as this script runs it: its alias (= its output folder), its heading in the report, the options
     * that shorten it for --quick, and a fresh command of it, whose options are parsed and whose run() gives its record.
     */
    record Step(String alias, String heading, List<String> quickArgs, Supplier<StepCommand> command) {
        /** Whether the step writes files (it has an --out option). */
        boolean writesFiles() {
            return new CommandLine(command.get()).getCommandSpec().findOption("--out") != null;
        }
    }

    static List<Step> steps() {
        return List.of(
                new Step("moons", "Data: two moons", List.of(), moons::new),
                new Step("lecture", "Vanishing gradient, step 1: the lecture's network", List.of("--epochs", "300"), lecture::new),
                new Step("deep", "Vanishing gradient, step 2: deeper nets, ReLU vs Sigmoid", List.of("--runs", "2", "--epochs", "300"), deep::new),
                new Step("gradnorms", "Vanishing gradient, step 3: gradient norms per layer", List.of("--runs", "2", "--epochs", "300"), gradnorms::new),
                new Step("depth", "Vanishing gradient, beyond the sheet: the first layer's gradient against depth", List.of("--runs", "2",
                        "--epochs", "3"), depth::new),
                new Step("forward", "Backpropagation, step 2: the forward pass", List.of(), forward::new),
                new Step("backward", "Backpropagation, step 3: the backward pass and its gradient check", List.of(), backward::new),
                new Step("train-manual", "Backpropagation, step 4: training by hand", List.of("--epochs", "300"), train_manual::new));
    }

    @Override
    public Integer call() {
        List<Report.Section> sections = run(out != null ? out : Output.defaultDir("all").getParent(), steps(), quick);
        return sections.stream().allMatch(Report.Section::ok) ? Cli.OK : STEP_FAILED;
    }

    /** What all writes into its folder: report.md, the steps' console logs, and every step's folder. */
    static List<String> outputs(List<Step> steps) {
        var globs = new ArrayList<>(List.of("report.md", "logs/*.txt"));
        for (Step step : steps) {
            if (step.writesFiles()) for (String glob : step.command().get().outputs()) globs.add(step.alias() + "/" + glob);
        }
        return globs;
    }

    /**
     * Runs {@code steps} in order into {@code rootDir} and writes report.md; returns what each gave. gradnorms reads the
     * nets deep trained (--from its folder: same seeds, settings and recorded norms) when deep succeeded. Everything is
     * written into a staging folder and appears at the end, at once: an interrupted run (Ctrl-C, kill, a fault of all
     * itself) leaves the previous complete run's folder as it was, every step and the report from that one run. A run in
     * which steps failed is complete: its report says which and why, and a failed step's folder holds what it wrote
     * (a diverged run's history) or nothing.
     */
    static List<Report.Section> run(Path rootDir, List<Step> steps, boolean quick) {
        OutputFolder folder = OutputFolder.open(rootDir, "--out", outputs(steps));
        Path root = folder.dir();
        long start = System.nanoTime();
        var sections = new ArrayList<Report.Section>();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            var args = new ArrayList<String>();
            if (step.writesFiles()) args.addAll(List.of("--out", root.resolve(step.alias()).toString()));
            boolean deepOk = sections.stream().anyMatch(s -> s.alias().equals("deep") && s.ok());
            if (step.alias().equals("gradnorms") && deepOk) args.addAll(List.of("--from", root.resolve("deep").toString()));
            else if (quick) args.addAll(step.quickArgs());
            System.out.printf(Locale.ROOT, "== [%d/%d] %s: %s%n   ./jbang %s %s%n", i + 1, steps.size(), step.alias(), step.heading(), step.alias(),
                    OutputFolder.inTargetTerms(String.join(" ", args)));
            Report.Section section = runStep(step, args, folder.mkdirs("logs").resolve(step.alias() + ".txt"), folder);
            sections.add(section);
            System.out.printf(Locale.ROOT, "-- %s: %s in %s%n%n", step.alias(), section.ok() ? "ok" : "FAILED, " + section.failure(),
                    Progress.duration(section.seconds()));
        }
        double total = (System.nanoTime() - start) / 1e9;
        String workload = quick ? "`--quick`: fewer epochs and runs than the defaults, for a first look" : "full workloads, each step with its defaults";
        System.out.println();
        for (Report.Section s : sections) {
            System.out.printf(Locale.ROOT, "  %-13s %-6s %8s%s%n", s.alias(), s.ok() ? "ok" : "FAILED", Progress.duration(s.seconds()),
                    s.ok() ? "" : "  " + s.failure());
        }
        long failed = sections.stream().filter(s -> !s.ok()).count();
        System.out.printf(Locale.ROOT, "  %-13s %-6s %8s%n", "total", failed == 0 ? "ok" : failed + " failed", Progress.duration(total));
        // (a report that cannot be written, e.g. on a full disk, ends the run with one line, after the summary above)
        var written = new ArrayList<Path>(List.of(Output.writeString(root.resolve("report.md"), Report.markdown(root, workload, sections, total))));
        sections.stream().filter(s -> s.log() != null).forEach(s -> written.add(s.log()));
        // every step's folder, so that the previous run's files of a step that failed this time go too
        for (Step step : steps) if (step.writesFiles()) written.add(folder.mkdirs(step.alias()));
        Path report = folder.commit(written).get(0);
        System.out.println("report: " + report);
        return sections;
    }

    /**
     * Runs one step in-process, its console output also kept in {@code log}. Bad input, a divergence or a bug in one step
     * is its failure, reported; it does not stop the others.
     */
    static Report.Section runStep(Step step, List<String> args, Path log, OutputFolder root) {
        var console = new ByteArrayOutputStream();
        PrintStream originalOut = System.out, originalErr = System.err;
        int[] threads = Nd4jSetup.current();
        long start = System.nanoTime();
        StepResult result = null;
        String failure = null;
        try {
            System.setOut(new PrintStream(new InTargetTerms(new Tee(originalOut, console)), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new InTargetTerms(new Tee(originalErr, console)), true, StandardCharsets.UTF_8));
            result = Cli.parse(step.command().get(), args.toArray(String[]::new)).run();
            if (result.failure() != null) failure = "diverged: " + result.failure();
        } catch (RuntimeException | Error e) {   // bad input, a divergence, a fault or a bug: the step's failure, not all's
            Cli.Failure f = Cli.failure(e);
            failure = switch (f.code()) {
                case Cli.BAD_INPUT -> "bad input: " + f.message();
                case Cli.DIVERGED -> "diverged: " + f.message();
                default -> f.message().replace("MOONS_TRACE=1 shows where", "its trace is in the step's log");
            };
            if (f.code() == Cli.FAILED) e.printStackTrace(new PrintStream(console, true, StandardCharsets.UTF_8));   // the log only
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            Nd4jSetup.restore(threads);   // a step may pin ND4J to one thread; the next one starts as this one did
            OutputFolder.discardOpenedAfter(root);   // a step that failed leaves its output folder as it was
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        try {
            Output.writeString(log, Progress.lastStates(console.toString(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {   // e.g. a full disk: the step's own outcome is still reported
            log = null;
            System.out.println("   (its console log could not be written: " + e.getMessage() + ")");
        }
        String derivation = step.alias().equals("forward") ? derivation() : null;
        return new Report.Section(step.alias(), step.heading(), args, seconds, result, failure, derivation, log);
    }

    /** Backpropagation, step 1 (on paper): scripts/backprop.md, packed into this script's jar by //FILES. */
    static String derivation() {
        try (InputStream in = all.class.getResourceAsStream("/backprop.md")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // its headings sit under the report's step heading (level 2)
            return "The derivation, as scripts/backprop.md has it (the code of the next steps follows it line by line):\n\n"
                + text.replaceFirst("^# [^\n]*\n", "").replaceAll("(?m)^#", "##");
        } catch (IOException | NullPointerException e) {
            return "The derivation is in scripts/backprop.md.";
        }
    }

    /** Names files by where they will be, not by their place in the staging folder (OutputFolder.inTargetTerms), line by line. */
    static final class InTargetTerms extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        InTargetTerms(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            line.write(b);
            if (b == '\n' || b == '\r') flush();
        }

        @Override
        public void flush() throws IOException {
            out.write(OutputFolder.inTargetTerms(line.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            line.reset();
            out.flush();
        }
    }

    /** Writes to the console and to a copy. */
    static final class Tee extends OutputStream {
        private final OutputStream console, copy;

        Tee(OutputStream console, OutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            console.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            console.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            console.flush();
        }
    }
}
