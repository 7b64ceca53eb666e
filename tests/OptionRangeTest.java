import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every allowed option value works: each numeric option of every step at both ends of the range its --help states
 * (issue 18: {@code gradnorms --width 1}, inside the documented range, was an internal error). The other options keep
 * the run short, so that a wrongly refused or failing end shows in seconds. A maximum learning rate diverges at once:
 * exit 3, the documented outcome of a diverged run.
 */
class OptionRangeTest {
    static final String MIN_DOUBLE = String.valueOf(Double.MIN_VALUE), MAX_DOUBLE = String.valueOf(Double.MAX_VALUE);
    static final String BELOW_ONE = String.valueOf(Math.nextDown(1.0));
    static final String MIN_LONG = String.valueOf(Long.MIN_VALUE), MAX_LONG = String.valueOf(Long.MAX_VALUE);

    /** One end of one option's range: the value, the other options of the run, the exit code expected. */
    record End(String script, String option, String end, String value, List<String> with, int exit) {
        @Override
        public String toString() {
            return script + " " + option + " " + value + " (" + end + ")";
        }
    }

    static final Map<String, Supplier<? extends Callable<Integer>>> SCRIPTS = new LinkedHashMap<>();
    static final List<End> ENDS = new ArrayList<>();

    static {
        SCRIPTS.putAll(FuzzTest.SCRIPTS);
        SCRIPTS.remove("all");   // no numeric option
        both("moons", "--samples", "2", "100000", List.of());
        both("moons", "--noise", "0", "1000", List.of("--samples", "200"));
        both("moons", "--seed", "0", "4294967295", List.of("--samples", "200"));
        both("moons", "--split-seed", "0", "4294967295", List.of("--samples", "200"));
        // (0, 1) excluded, with ceil(F N) < N: at N = 256 the largest is 255/256
        both("moons", "--test-size", MIN_DOUBLE, String.valueOf(255.0 / 256), List.of("--samples", "256"));

        List<String> lecture = List.of("--epochs", "2", "--width", "4");
        both("lecture", "--epochs", "1", "20000", List.of("--width", "1"));
        both("lecture", "--width", "1", "4096", List.of("--epochs", "1"));
        both("lecture", "--momentum", "0", BELOW_ONE, lecture);
        both("lecture", "--seed", MIN_LONG, MAX_LONG, lecture);
        ENDS.add(new End("lecture", "--lr", "min", MIN_DOUBLE, lecture, 0));
        ENDS.add(new End("lecture", "--lr", "max", MAX_DOUBLE, lecture, 3));

        for (String study : List.of("deep", "gradnorms")) {
            List<String> small = List.of("--epochs", "2", "--width", "4", "--depth", "1", "--runs", "1", "--activation", "relu");
            both(study, "--epochs", "1", "20000", List.of("--width", "1", "--depth", "1", "--runs", "1", "--activation", "relu"));
            both(study, "--width", "1", "4096", List.of("--epochs", "1", "--depth", "1", "--runs", "1", "--activation", "relu"));
            both(study, "--depth", "1", "64", List.of("--epochs", "1", "--width", "1", "--runs", "1", "--activation", "relu"));
            both(study, "--runs", "1", "20", List.of("--epochs", "1", "--width", "1", "--depth", "1", "--activation", "relu"));
            both(study, "--jobs", "1", "256", List.of("--epochs", "2", "--width", "4", "--depth", "1", "--runs", "2"));
            both(study, "--seed", "0", MAX_LONG, small);
            both(study, "--momentum", "0", BELOW_ONE, small);
            ENDS.add(new End(study, "--lr", "min", MIN_DOUBLE, small, 0));
            ENDS.add(new End(study, "--lr", "max", MAX_DOUBLE, small, 3));
        }

        List<String> sweep = List.of("--depths", "1", "--runs", "1", "--epochs", "2", "--width", "4", "--activations", "relu");
        both("depth", "--depths", "1", "64", List.of("--runs", "1", "--epochs", "1", "--width", "1", "--activations", "relu"));
        both("depth", "--runs", "1", "1000", List.of("--depths", "1", "--epochs", "1", "--width", "1", "--activations", "relu"));
        both("depth", "--epochs", "1", "20000", List.of("--depths", "1", "--runs", "1", "--width", "1", "--activations", "relu"));
        both("depth", "--width", "1", "4096", List.of("--depths", "1", "--runs", "1", "--epochs", "1", "--activations", "relu"));
        both("depth", "--jobs", "1", "256", List.of("--depths", "1", "--runs", "2", "--epochs", "1", "--width", "1", "--activations", "relu"));
        both("depth", "--momentum", "0", BELOW_ONE, sweep);
        ENDS.add(new End("depth", "--lr", "min", MIN_DOUBLE, sweep, 0));
        ENDS.add(new End("depth", "--lr", "max", MAX_DOUBLE, sweep, 3));

        both("forward", "--hidden", "1", "65536", List.of());
        both("forward", "--batch", "1", "800", List.of());
        both("forward", "--seed", MIN_LONG, MAX_LONG, List.of());
        both("backward", "--hidden", "1", "256", List.of());
        both("backward", "--seed", MIN_LONG, MAX_LONG, List.of("--hidden", "4"));

        List<String> manual = List.of("--epochs", "2", "--hidden", "4");
        both("train-manual", "--hidden", "1", "1024", List.of("--epochs", "1"));
        both("train-manual", "--epochs", "0", "5000", List.of("--hidden", "1"));
        both("train-manual", "--seed", MIN_LONG, MAX_LONG, manual);
        both("train-manual", "--snapshots", "0", "2", manual);
        ENDS.add(new End("train-manual", "--lr", "min", MIN_DOUBLE, manual, 0));
        ENDS.add(new End("train-manual", "--lr", "max", MAX_DOUBLE, manual, 3));
    }

    static void both(String script, String option, String min, String max, List<String> with) {
        ENDS.add(new End(script, option, "min", min, with, 0));
        ENDS.add(new End(script, option, "max", max, with, 0));
    }

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyOptionWorksAtBothEndsOfItsRange() {
        return ENDS.stream().map(end -> DynamicTest.dynamicTest(end.toString(), () -> {
            var args = new ArrayList<>(List.of(end.option(), end.value()));
            args.addAll(end.with());
            Supplier<? extends Callable<Integer>> command = SCRIPTS.get(end.script());
            if (new CommandLine(command.get()).getCommandSpec().findOption("--out") != null) args.addAll(List.of("--out", tmp.resolve("out").toString()));
            long start = System.nanoTime();
            ScriptRun run = ScriptRun.of(command, args.toArray(String[]::new));
            assertEquals(end.exit(), run.code(), end + ": " + run.err());
            System.out.printf(java.util.Locale.ROOT, "range: %s %s -> exit %d in %.1f s%n", end.script(), String.join(" ", args.subList(0, 2)),
                    run.code(), (System.nanoTime() - start) / 1e9);
        }));
    }

    /** Every numeric option of every script has both ends here, and where --help states "A to B" they are A and B. */
    @Test
    void everyNumericOptionIsDrivenAtTheEndsItsHelpStates() {
        Pattern range = Pattern.compile("(\\d+) to (\\d+)");
        for (var script : SCRIPTS.entrySet()) {
            for (OptionSpec option : new CommandLine(script.getValue().get()).getCommandSpec().options()) {
                Class<?> type = option.isMultiValue() ? option.auxiliaryTypes()[0] : option.type();
                boolean numeric = List.of(int.class, Integer.class, long.class, Long.class, double.class, Double.class).contains(type);
                if (!numeric) continue;
                String name = option.longestName();
                List<End> ends = ENDS.stream().filter(e -> e.script().equals(script.getKey()) && e.option().equals(name)).toList();
                assertTrue(ends.stream().anyMatch(e -> e.end().equals("min")) && ends.stream().anyMatch(e -> e.end().equals("max")),
                        script.getKey() + " " + name + ": both ends driven");
                Matcher m = range.matcher(String.join(" ", option.description()));
                if (m.find()) {
                    String doc = script.getKey() + " " + name + " documents " + m.group();
                    assertEquals(m.group(1), ends.stream().filter(e -> e.end().equals("min")).findFirst().orElseThrow().value(), doc);
                    if (!name.equals("--hidden") && !name.equals("--batch")) {   // (those state each step's own maximum after the first)
                        assertEquals(m.group(2), ends.stream().filter(e -> e.end().equals("max")).findFirst().orElseThrow().value(), doc);
                    }
                }
            }
        }
    }
}
