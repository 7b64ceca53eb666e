package report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.nd4j.linalg.factory.Nd4j;
import io.Progress;
import speed.Nd4jSetup;

/**
 * report.md of a whole run of the sheet: a summary table, then one section per step, top to bottom as the sheet goes,
 * each written by its {@link StepResult} (so every number and answer comes from that run's records), and the machine.
 */
public final class Report {
    private Report() {}

    /**
     * One step as it ran: its alias, heading, the command line that ran it, its wall time, and its result, or why it
     * failed (then {@code result} is null). {@code derivation}: Markdown shown before the step's own section (the
     * paper-and-pencil part of the sheet), or null.
     */
    public record Section(String alias, String heading, List<String> command, double seconds, StepResult result, String failure,
            String derivation, Path log) {
        public boolean ok() {
            return failure == null;
        }
    }

    /** The whole report; {@code root} is the folder it is saved in, {@code workload} says what kind of run it was. */
    public static String markdown(Path root, String workload, List<Section> sections, double totalSeconds) {
        var md = new Markdown(root);
        md.heading(1, "Two moons, two lessons: the exercise sheet, run");
        long failed = sections.stream().filter(s -> !s.ok()).count();
        md.paragraph((failed == 0 ? "Every step ran without error" : "**" + failed + " of " + sections.size() + " steps failed**")
                + " (" + workload + "), in " + Progress.duration(totalSeconds) + ".");
        var rows = new ArrayList<List<String>>();
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            Path dir = root.resolve(s.alias());
            rows.add(List.of("[" + s.alias() + "](#" + Markdown.anchor(title(i, s)) + ")", s.ok() ? "ok" : "**failed**: " + s.failure(),
                    Progress.duration(s.seconds()), Files.isDirectory(dir) ? "[" + s.alias() + "/](" + md.relative(dir) + ")" : "console only"));
        }
        md.table(List.of("step", "status", "wall time", "outputs"), rows);
        for (int i = 0; i < sections.size(); i++) {
            Section s = sections.get(i);
            if (s.derivation() != null) md.heading(2, "Backpropagation, step 1: the forward and backward pass on paper").paragraph(s.derivation());
            md.heading(2, title(i, s));
            String command = String.join(" ", s.command().stream().map(a -> Files.exists(Path.of(a)) ? md.relative(Path.of(a)) : a).toList());
            md.paragraph("Ran `./jbang " + s.alias() + (command.isEmpty() ? "" : " " + command) + "` in " + Progress.duration(s.seconds())
                    + (s.log() != null ? " (" + md.link(s.log(), "console output") + ")." : "."));
            if (!s.ok()) md.paragraph("> **This step failed:** " + s.failure());
            if (s.result() != null) s.result().markdown(md);
        }
        environment(md, sections, totalSeconds);
        return md.toString();
    }

    /** e.g. {@code 2. Vanishing gradient, step 1: the lecture's network (`lecture`)}. */
    static String title(int index, Section s) {
        return (index + 1) + ". " + s.heading() + " (`" + s.alias() + "`)";
    }

    static void environment(Markdown md, List<Section> sections, double totalSeconds) {
        md.heading(2, "Environment");
        var rows = new ArrayList<List<String>>();
        rows.add(List.of("JDK", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"));
        rows.add(List.of("ND4J", nd4jVersion()));
        rows.add(List.of("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")));
        rows.add(List.of("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical cores available"));
        rows.add(List.of("threads", Nd4jSetup.describe() + " at the start of every step"));
        rows.add(List.of("load average", loadAverage()));
        for (Section s : sections) rows.add(List.of("wall time " + s.alias(), Progress.duration(s.seconds())));
        rows.add(List.of("wall time, all steps", Progress.duration(totalSeconds)));
        md.table(List.of("what", "value"), rows);
    }

    static String nd4jVersion() {
        try (var in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            var p = new Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown") + " (" + Nd4j.getBackend().getClass().getSimpleName() + ", BLAS "
                    + Nd4j.factory().blas().getBlasVendor() + ")";
        } catch (IOException | RuntimeException e) {
            return "unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** Other processes' share of the CPU changes every wall time above; the load says how busy the machine was. */
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
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
