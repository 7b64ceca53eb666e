import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of every script, driven with generated bad values (empty, negative, zero, huge, NaN, Infinity, text,
 * repeated; for --out also a dangling link, a link to a file, a folder holding the user's file of an output's name, a
 * place that cannot be made, a name too long, a read-only file system): each is exit code 2, one line on stderr that
 * names the option, and an unchanged file tree, the user's files and links in it included. And every script that writes a
 * folder runs, twice, into a folder on a second file system (a tmpfs mount point), reached through a link, that holds
 * the user's files and links: they stay byte for byte, the folder holds one run, no staging. The options and their types
 * come from the scripts' picocli specs, so a new option is fuzzed without a change here.
 */
class FuzzTest {
    /** Each script with a small workload around the fuzzed option, so a value wrongly accepted would still end soon. */
    static final Map<String, Supplier<? extends Callable<Integer>>> SCRIPTS = new LinkedHashMap<>();
    static final Map<String, List<String>> TOY = Map.of(
            "lecture", List.of("--epochs", "2", "--width", "4"),
            "deep", List.of("--epochs", "2", "--width", "4", "--runs", "1"),
            "gradnorms", List.of("--epochs", "2", "--width", "4", "--runs", "1"),
            "backward", List.of("--hidden", "2"),
            "train-manual", List.of("--epochs", "2", "--hidden", "4"),
            "moons", List.of("--samples", "20"),
            "depth", List.of("--depths", "1", "--runs", "1", "--epochs", "2", "--width", "4", "--activations", "relu"));

    static {
        SCRIPTS.put("moons", moons::new);
        SCRIPTS.put("lecture", lecture::new);
        SCRIPTS.put("deep", deep::new);
        SCRIPTS.put("gradnorms", gradnorms::new);
        SCRIPTS.put("depth", depth::new);
        SCRIPTS.put("forward", forward::new);
        SCRIPTS.put("backward", backward::new);
        SCRIPTS.put("train-manual", train_manual::new);
        SCRIPTS.put("all", all::new);
    }

    /** Where a value is not bad: torch takes any seed, numpy and --split-seed 0, train-manual 0 steps and a snapshot at epoch 0. */
    static boolean valid(String script, String option, String value) {
        boolean seed = option.equals("--seed") || option.equals("--split-seed");
        if (seed && (value.equals("0") || value.equals("2147483647"))) return true;
        if (seed && value.equals("-1") && (script.equals("lecture") || script.equals("forward") || script.equals("backward")
                || script.equals("train-manual"))) return true;
        return script.equals("train-manual") && (option.equals("--epochs") || option.equals("--snapshots")) && value.equals("0");
    }

    @TempDir
    Path tmp;

    int tried, promised;

    @TestFactory
    Stream<DynamicTest> everyOptionRejectsBadValues() {
        var tests = new ArrayList<DynamicTest>();
        for (var script : SCRIPTS.entrySet()) {
            for (OptionSpec option : new CommandLine(script.getValue().get()).getCommandSpec().options()) {
                String name = option.longestName();
                if (option.usageHelp() || option.versionHelp()) continue;
                tests.add(DynamicTest.dynamicTest(script.getKey() + " " + name, () -> fuzz(script.getKey(), script.getValue(), option)));
            }
        }
        assertTrue(tests.size() > 50, "options found: " + tests.size());
        return tests.stream();
    }

    void fuzz(String script, Supplier<? extends Callable<Integer>> command, OptionSpec option) throws IOException {
        String name = option.longestName();
        var cases = new ArrayList<List<String>>();
        if (option.arity().max() == 0) {
            cases.add(List.of(name, name));   // a flag given twice
        } else {
            Class<?> type = option.isMultiValue() ? option.auxiliaryTypes()[0] : option.type();
            boolean number = type == int.class || type == Integer.class || type == long.class || type == Long.class
                    || type == double.class || type == Double.class;
            boolean integer = number && type != double.class && type != Double.class;
            var values = new ArrayList<>(List.of(""));
            if (name.equals("--out")) {
                Path w = work();
                values.addAll(List.of("/", w.resolve("a-file").toString(),   // the root, a file where a folder goes
                        w.resolve("dangling").toString(), w.resolve("link-to-file").toString(), w.resolve("mine").toString(),
                        "/proc/x", w.resolve("a".repeat(300)).toString()));
                if (READ_ONLY != null) values.add(READ_ONLY.resolve("x").toString());
            } else {
                values.add("text");
                if (number) values.addAll(List.of("NaN", "Infinity", "-Infinity", "1e999"));
                if (integer) values.addAll(List.of("-1", "0", "2147483647", "99999999999999999999", "1.5"));
                if (!number && option.splitRegex().isEmpty()) values.add("/");   // a folder where a file goes
            }
            for (String v : values) if (!valid(script, name, v)) cases.add(List.of(name, v));
            String again = option.defaultValue() != null ? option.defaultValue() : integer ? (option.isMultiValue() ? "0" : "1") : "x";
            cases.add(List.of(name, again, name, again));   // repeated
        }
        for (List<String> c : cases) check(script, command, name, c);
        System.out.println("fuzz: " + script + " " + name + ": " + cases.size() + " bad values, each exit 2, one line naming it, nothing written");
    }

    /**
     * A folder for the next case, as a user's: a regular file "a-file", a folder "mine" holding the user's files named as
     * every step's outputs are (history.csv, raw.csv, runs.csv, depth.csv, report.md), links to a file and to a folder,
     * and a dangling link.
     */
    Path work() throws IOException {
        Path work = tmp.resolve("w" + tried);
        if (Files.exists(work)) return work;
        Files.createDirectories(work.resolve("mine"));
        Files.writeString(work.resolve("a-file"), "not a folder");
        for (String name : List.of("history.csv", "raw.csv", "runs.csv", "depth.csv", "report.md")) Files.writeString(work.resolve("mine").resolve(name), "mine");
        Files.createSymbolicLink(work.resolve("link-to-file"), work.resolve("a-file"));
        Files.createSymbolicLink(work.resolve("link-to-folder"), work.resolve("mine"));
        Files.createSymbolicLink(work.resolve("dangling"), work.resolve("nowhere"));
        return work;
    }

    /** A read-only file system (a tmpfs mounted ro), null where mount is not permitted; and a second file system for outputs. */
    static Path READ_ONLY, DISK;
    static Path mounts;

    @BeforeAll
    static void mount() throws Exception {
        mounts = Files.createTempDirectory("fuzz-mounts");
        Path ro = Files.createDirectories(mounts.resolve("ro")), disk = Files.createDirectories(mounts.resolve("disk"));
        if (OutputFolderTest.mount(ro, "size=100k,ro")) READ_ONLY = ro;
        if (OutputFolderTest.mount(disk, "size=64m")) DISK = disk;
    }

    @AfterAll
    static void unmount() throws Exception {
        for (Path m : new Path[] {READ_ONLY, DISK}) if (m != null) OutputFolderTest.umount(m);
        try (var all = Files.walk(mounts)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    void check(String script, Supplier<? extends Callable<Integer>> command, String option, List<String> given) throws IOException {
        Path work = work();
        tried++;
        var args = new ArrayList<>(given);
        for (int i = 0; i < TOY.getOrDefault(script, List.of()).size(); i += 2) {
            List<String> pair = TOY.get(script).subList(i, i + 2);
            if (!pair.get(0).equals(option)) args.addAll(pair);
        }
        boolean hasOut = new CommandLine(command.get()).getCommandSpec().findOption("--out") != null;
        if (hasOut && !option.equals("--out")) args.addAll(List.of("--out", work.resolve("out").toString()));
        Set<String> before = tree(Path.of("").toAbsolutePath().resolve("scripts"));
        Set<String> userFiles = tree(work);
        ScriptRun run = ScriptRun.of(command, args.toArray(String[]::new));
        String what = script + " " + String.join(" ", args) + "\n -> exit " + run.code() + ", stderr: " + run.err();
        assertEquals(2, run.code(), what);
        List<String> lines = run.err().strip().lines().toList();
        assertEquals(1, lines.size(), what);
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(option), "names " + option + ": " + what);
        assertEquals(userFiles, tree(work), "nothing written, the user's files and links as they were: " + what);
        assertEquals(before, tree(Path.of("").toAbsolutePath().resolve("scripts")), "nothing written in the checkout: " + what);
        promised++;
    }

    /** Every file, folder and link below {@code dir} (relative), with its size and a hash of its bytes, or where it points. */
    static Set<String> tree(Path dir) throws IOException {
        var all = new TreeSet<String>();
        if (!Files.exists(dir)) return all;
        try (var files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                if (f.equals(dir)) continue;
                String what = Files.isSymbolicLink(f) ? " -> " + Files.readSymbolicLink(f) : Files.isRegularFile(f) ? " " + Files.size(f)
                        + " #" + java.util.Arrays.hashCode(Files.readAllBytes(f)) : "/";
                all.add(dir.relativize(f) + what);
            }
        }
        return all;
    }

    /**
     * Every script that writes a folder, run twice with its toy workload into a folder of the user's (their files, a
     * link to a file, a link to a folder, a dangling link) on a second file system, reached through a link: exit 0, the
     * user's entries as they were, the folder holding the one last run (its manifest matching every file), no staging.
     */
    @TestFactory
    Stream<DynamicTest> everyScriptWritesBesideTheUsersFilesOnAnotherFileSystem() {
        return SCRIPTS.entrySet().stream().filter(e -> !e.getKey().equals("all") && new CommandLine(e.getValue().get()).getCommandSpec()
                .findOption("--out") != null).map(e -> DynamicTest.dynamicTest(e.getKey(), () -> besideUserFiles(e.getKey(), e.getValue())));
    }

    void besideUserFiles(String script, Supplier<? extends Callable<Integer>> command) throws Exception {
        Path base = DISK != null ? DISK : Files.createDirectories(tmp.resolve("disk"));   // (no second file system where mount is not permitted)
        Path folder = Files.createDirectories(base.resolve(script));
        Files.writeString(folder.resolve("notes.txt"), "the user's notes\n");
        Files.createSymbolicLink(folder.resolve("link-to-notes"), folder.resolve("notes.txt"));
        Files.createSymbolicLink(folder.resolve("link-to-folder"), base);
        Files.createSymbolicLink(folder.resolve("dangling"), folder.resolve("nowhere"));
        Set<String> user = tree(folder);
        Path link = Files.createSymbolicLink(tmp.resolve("link-" + script), folder);
        for (int time = 1; time <= 2; time++) {
            var args = new ArrayList<>(TOY.getOrDefault(script, List.of()));
            args.addAll(List.of("--out", link.toString()));
            ScriptRun run = ScriptRun.of(command, args.toArray(String[]::new));
            assertEquals(0, run.code(), script + " " + args + ": " + run.err());
            Set<String> now = tree(folder);
            assertTrue(now.containsAll(user), "the user's entries stay: " + now);
            assertTrue(now.stream().noneMatch(f -> f.startsWith(".staging-") || f.contains("/.staging-") || f.contains(".tmp")), "no staging: " + now);
            var visible = ReliabilityTest.hashes(folder);
            visible.keySet().removeIf(name -> name.equals("notes.txt") || Files.isSymbolicLink(folder.resolve(name)));
            assertEquals(ReliabilityTest.manifest(folder), visible, "one run, as its manifest says");
        }
        System.out.println("fuzz: " + script + " wrote beside the user's files and links, twice" + (DISK != null ? ", on a tmpfs through a link" : ""));
    }
}
