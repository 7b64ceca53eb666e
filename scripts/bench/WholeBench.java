import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import org.nd4j.shade.jackson.databind.JsonNode;
import cli.Cli;
import speed.Timings;

/**
 * bench --whole: the whole process of four commands as a user waits for it, ./jbang launcher included, ours against
 * scripts/bench_whole.py (PyTorch + scikit-learn + matplotlib writing the same outputs), alternated rounds; each process's
 * timings line (shared/speed/Timings.java; bench_whole.py prints the same) says where its time went. {@link WholeReport}
 * reports them.
 */
final class WholeBench {
    /** The commands of --whole (issue 14), by the names --only takes. */
    static final List<String> WHOLE_COMMANDS = List.of("lecture", "train-manual", "gradnorms-relu", "gradnorms-sigmoid");
    static final String OURS = "ours", THEIRS = "pytorch";

    /**
     * One command of the comparison: our alias and its arguments (scripts/bench_whole.py takes the same ones), and the
     * files both sides write: the comparison's contract, which BenchTest holds both to. A file only one side writes (a
     * figure added to a step, say) is reported, not compared; to compare it, add it here and to bench_whole.py.
     */
    record Command(String name, String alias, List<String> args, List<String> files) {
        String line() {
            return alias + " " + String.join(" ", args);
        }
    }

    /** The figures every command writes, as .png and .svg. */
    static List<String> figures(String... names) {
        var files = new ArrayList<String>();
        for (String name : names) files.addAll(List.of(name + ".png", name + ".svg"));
        return files;
    }

    /** The four commands, with {@code epochs} epochs (train-manual 2 x epochs) instead of the 1000 (2000). */
    static List<Command> wholeCommands(Integer epochs) {
        String e = String.valueOf(epochs == null ? 1000 : epochs), manual = String.valueOf(epochs == null ? 2000 : 2 * epochs);
        var gradnorms = List.of("--depth", "3", "--runs", "1", "--epochs", e, "--seed", "1");
        var gradnormsFiles = concat(figures("gradnorms", "first_layer", "updates"),
                List.of("answer.md", "gradnorms.csv", "history.csv", "runs.csv", "units.csv", "updates.csv"));
        return List.of(new Command("lecture", "lecture", List.of("--epochs", e, "--seed", "1"),
                        concat(figures("accuracy", "confidence", "loss"), List.of("history.csv"))),
                new Command("train-manual", "train-manual", List.of("--hidden", "64", "--epochs", manual, "--lr", "0.5", "--seed", "1"),
                        concat(figures("loss", "snapshots"), List.of("boundary.gif", "history.csv", "weights.npz"))),
                new Command("gradnorms-relu", "gradnorms", concat(List.of("--activation", "relu"), gradnorms), gradnormsFiles),
                new Command("gradnorms-sigmoid", "gradnorms", concat(List.of("--activation", "sigmoid"), gradnorms), gradnormsFiles));
    }

    static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * One process as the user waits for it: wall time from {@code start()} to its exit, the epoch milliseconds of both,
     * its timings line (shared/speed/Timings.java; bench_whole.py prints the same), the load before it and its files.
     */
    record Measured(String command, String impl, int round, double wallSecs, double cpuSecs, double launchMs, double exitMs,
                    JsonNode timings, double load, List<String> files, long bytes) {}

    /**
     * The CPU time of this process's finished children (Linux: cutime + cstime of /proc/self/stat, in 10 ms ticks), all
     * their threads and their own children included (./jbang's JBang JVM, when it runs one); NaN elsewhere.
     */
    static double childrenCpuSecs() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;   // fields 16, 17; USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A command that failed: the bench stops, naming it, with the end of its stderr. */
    static final class CommandFailed extends RuntimeException {
        CommandFailed(String message) {
            super(message);
        }
    }

    private final int repeat;
    private final boolean noWarmup, noPytorch;
    private final Path dir;
    private final Path root;
    private final List<Command> commands;

    /** {@code epochs} (null: the issue's), {@code only} one command or null, {@code repeat} rounds; the reports go to {@code dir}. */
    WholeBench(Integer epochs, String only, int repeat, boolean noWarmup, boolean noPytorch, Path dir) {
        this.repeat = repeat;
        this.noWarmup = noWarmup;
        this.noPytorch = noPytorch;
        this.dir = dir;
        this.root = checkout();
        Cli.require(root != null, "--whole runs ./jbang and scripts/bench_whole.py of the checkout; none found from "
                + Path.of("").toAbsolutePath());
        this.commands = wholeCommands(epochs).stream().filter(c -> only == null || c.name().equals(only)).toList();
    }

    /** The folder holding jbang, jbang-catalog.json and scripts/bench_whole.py, from the working directory up. */
    static Path checkout() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("jbang-catalog.json")) && Files.isExecutable(d.resolve("jbang"))
                    && Files.isRegularFile(d.resolve("scripts").resolve("bench_whole.py"))) return d;
        }
        return null;
    }

    int measure() throws IOException, InterruptedException {
        String python = noPytorch ? null : BenchMachine.findPython("torch, sklearn, matplotlib, PIL");
        if (!noPytorch && python == null) {
            System.out.println("PyTorch side skipped: no python3 with torch, scikit-learn, matplotlib and PIL found (tried "
                    + "/usr/bin/python3, python3); on Debian: apt-get install -y python3-torch python3-sklearn python3-matplotlib");
        }
        List<String> impls = python == null ? List.of(OURS) : List.of(OURS, THEIRS);
        Path work = Files.createTempDirectory("bench-whole-");
        var runs = new ArrayList<Measured>();
        var firstFiles = new LinkedHashMap<String, Measured>();
        try {
            System.out.printf(Locale.ROOT, "whole process: %d command(s) x %d round(s), %s; load %.2f%n", commands.size(), repeat,
                    String.join(" vs ", impls), BenchMachine.loadavg());
            if (!noWarmup) {
                // the build of our script and its class-data archive, Python's bytecode and matplotlib's font cache
                for (Command c : commands) {
                    for (String impl : impls) firstFiles.putIfAbsent(c.name() + "/" + impl, warmUp(c, impl, python, work));
                }
                System.out.println("warm-up done (one untimed run of each)");
            }
            for (int round = 0; round < repeat; round++) {
                for (Command c : commands) {
                    // alternated: ours first in even rounds, PyTorch's first in odd ones, so drifts in load hit both
                    List<String> order = round % 2 == 0 ? impls : reversed(impls);
                    for (String impl : order) {
                        Measured m = run(c, impl, round, python, work);
                        firstFiles.putIfAbsent(c.name() + "/" + impl, m);
                        runs.add(m);
                        System.out.printf(Locale.ROOT, "round %d/%d  %-17s %-7s %6.2f s  (load %.2f)%n", round + 1, repeat,
                                c.name(), impl, m.wallSecs(), m.load());
                    }
                }
            }
        } catch (CommandFailed e) {
            System.err.println("error: " + e.getMessage());
            return Cli.FAILED;
        } finally {
            BenchMachine.deleteTree(work);
        }
        new WholeReport(commands, repeat, noWarmup, dir).write(runs, firstFiles, impls, python);
        return Cli.OK;
    }

    /**
     * The untimed first run; ours again (at most twice) while the launcher still took its slow path: after a build
     * the next run writes the class-data archive and the one after it is the first whose start ./jbang has cached.
     */
    Measured warmUp(Command c, String impl, String python, Path work) throws IOException, InterruptedException {
        Measured m = run(c, impl, -1, python, work);
        for (int again = 0; again < 2 && impl.equals(OURS) && !(WholeReport.Breakdown.of(m).launcher() < SLOW_LAUNCHER_S); again++) {
            m = run(c, impl, -1, python, work);
        }
        return m;
    }

    /** A launcher share of more than this means ./jbang ran JBang (its own JVM) before the script's JVM. */
    static final double SLOW_LAUNCHER_S = 0.3;

    /** One process of {@code impl} running {@code c} into a fresh folder, its outputs listed and removed afterwards. */
    Measured run(Command c, String impl, int round, String python, Path work) throws IOException, InterruptedException {
        String id = impl + "-" + c.name() + "-" + (round < 0 ? "warmup" : "r" + round);
        Path outDir = work.resolve(id), stdout = work.resolve(id + ".out"), stderr = work.resolve(id + ".err");
        var cmd = new ArrayList<String>();
        if (impl.equals(OURS)) {
            cmd.addAll(List.of(root.resolve("jbang").toString(), c.alias()));
        } else {
            cmd.addAll(List.of(python, root.resolve("scripts").resolve("bench_whole.py").toString(), c.alias()));
        }
        cmd.addAll(c.args());
        cmd.addAll(List.of("--out", outDir.toString()));
        var pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().put(Timings.ENV, "1");
        if (impl.equals(THEIRS)) {
            for (String v : List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")) pb.environment().put(v, "1");
        }
        double load = BenchMachine.loadavg();
        double cpu0 = childrenCpuSecs();
        long launchMs = System.currentTimeMillis(), t0 = System.nanoTime();
        Process p = pb.start();
        int code = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9, cpu = childrenCpuSecs() - cpu0;
        long exitMs = System.currentTimeMillis();
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        if (code != 0) throw new CommandFailed(impl + " " + c.line() + " failed (exit " + code + "); its stderr ends: " + tail(err));
        JsonNode timings = timingsLine(err);
        if (timings == null) throw new CommandFailed(impl + " " + c.line() + " printed no timings line (" + Timings.ENV + "=1) on stderr");
        var files = new ArrayList<String>();
        long bytes = 0;
        try (var walk = Files.walk(outDir)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                if (f.getFileName().toString().startsWith(".")) continue;   // our folder's manifest (.outputs)
                files.add(outDir.relativize(f).toString());
                bytes += Files.size(f);
            }
        }
        BenchMachine.deleteTree(outDir);
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
        return new Measured(c.name(), impl, round, wall, cpu, launchMs, exitMs, timings, load, List.copyOf(files), bytes);
    }

    /** The last line of {@code stderr} that is a timings record, parsed; null if there is none. */
    static JsonNode timingsLine(String stderr) throws IOException {
        JsonNode found = null;
        for (String line : stderr.lines().toList()) {
            if (line.startsWith("{") && line.contains("\"" + Timings.MARKER + "\"")) found = BenchMachine.JSON.readTree(line);
        }
        return found;
    }

    static List<String> reversed(List<String> list) {
        var copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    static String tail(String text) {
        List<String> lines = text.strip().lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
