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
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option of every script, driven with generated bad values (empty, negative, zero, huge, NaN, Infinity, text,
 * repeated): each is exit code 2, one line on stderr that names the option, and an unchanged file tree. The options and
 * their types come from the scripts' picocli specs, so a new option is fuzzed without a change here.
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
                values.addAll(List.of("/", work().resolve("a-file").toString()));   // the root, a file where a folder goes
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

    /** A folder for the next case; it holds one regular file, "a-file". */
    Path work() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("w" + tried));
        if (!Files.exists(work.resolve("a-file"))) Files.writeString(work.resolve("a-file"), "not a folder");
        return work;
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
        ScriptRun run = ScriptRun.of(command, args.toArray(String[]::new));
        String what = script + " " + String.join(" ", args) + "\n -> exit " + run.code() + ", stderr: " + run.err();
        assertEquals(2, run.code(), what);
        List<String> lines = run.err().strip().lines().toList();
        assertEquals(1, lines.size(), what);
        assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(option), "names " + option + ": " + what);
        assertEquals(Set.of("a-file 12"), tree(work), "nothing written: " + what);
        assertEquals(before, tree(Path.of("").toAbsolutePath().resolve("scripts")), "nothing written in the checkout: " + what);
        promised++;
    }

    /** Every file and folder below {@code dir} (relative), with its size. */
    static Set<String> tree(Path dir) throws IOException {
        var all = new TreeSet<String>();
        if (!Files.exists(dir)) return all;
        try (var files = Files.walk(dir)) {
            for (Path f : files.toList()) if (!f.equals(dir)) all.add(dir.relativize(f) + (Files.isRegularFile(f) ? " " + Files.size(f) : "/"));
        }
        return all;
    }
}
