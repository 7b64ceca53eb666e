import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import cli.Cli;
import speed.Timings;

/** The benchmark runs and reports; no timing is asserted (the machine is shared, and speed is BENCHMARKS.md's job). */
class BenchTest {
    @Test
    void tinyRunWritesBenchCsvWithEveryWorkload(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench");
        ScriptRun run = ScriptRun.of(bench::new, "--epochs", "3", "--repeat", "1", "--no-pytorch", "--out", out.toString());
        String err = run.err();
        assertEquals(0, run.code(), err);
        List<String> lines = Files.readAllLines(out.resolve("bench.csv"));
        assertEquals(bench.CSV_HEADER, lines.get(0));
        List<String> columns = List.of(lines.get(0).split(","));
        for (String column : List.of("workload", "impl", "threads", "epochs", "ms_per_epoch", "total_s", "gflops",
                "sgemm_peak_gflops", "pct_of_sgemm_peak", "rss_mb_at_100", "rss_mb_at_end", "peak_rss_mb",
                "wall_ratio_vs_pytorch", "startup_s")) {
            assertTrue(columns.contains(column), column + " missing from " + columns);
        }
        assertEquals(1 + bench.WORKLOADS.size(), lines.size(), String.join("\n", lines));
        for (int i = 1; i < lines.size(); i++) {
            String[] row = lines.get(i).split(",", -1);
            assertEquals(columns.size(), row.length, lines.get(i));
            assertEquals(bench.WORKLOADS.get(i - 1), row[columns.indexOf("workload")]);
            assertEquals("ours", row[columns.indexOf("impl")]);
            assertEquals(row[0].equals("manual") ? "6" : "3", row[columns.indexOf("epochs")]);
            assertTrue(Double.parseDouble(row[columns.indexOf("ms_per_epoch")]) > 0, lines.get(i));
            assertTrue(Double.isFinite(Double.parseDouble(row[columns.indexOf("final_loss")])), lines.get(i));
        }
        try (var files = Files.list(out)) {
            assertEquals(List.of(out.resolve("bench.csv")), files.toList(), "only bench.csv, no temp files left");
        }
    }

    @Test
    void onlyRunsOneWorkload(@TempDir Path dir) throws Exception {
        int code = Cli.run(new bench(), "--epochs", "2", "--repeat", "1", "--no-pytorch", "--only", "lecture", "--out", dir.toString());
        assertEquals(0, code);
        List<String> lines = Files.readAllLines(dir.resolve("bench.csv"));
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("lecture,ours,1,2,1,"), lines.get(1));
    }

    /**
     * --whole on a tiny workload: every command's row (ours, and PyTorch's where /usr/bin/python3 has torch and
     * matplotlib), the timings line of every process parsed, its marks in order and its phases within its wall time
     * (they count exclusively), and both sides writing the same files.
     */
    @Test
    @NeedsBash
    void wholeProcessReportsEveryCommandWithItsTimings(@TempDir Path dir) throws Exception {
        boolean torch = bench.findPython("torch, sklearn, matplotlib, PIL") != null;
        var args = new ArrayList<>(List.of("--whole", "--epochs", "3", "--repeat", "1", "--no-warmup", "--out", dir.toString()));
        if (!torch) args.add("--no-pytorch");
        ScriptRun run = ScriptRun.of(bench::new, args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err() + run.out());
        assertTrue(run.out().contains("| command | ours | PyTorch + matplotlib | ratio |"), run.out());
        assertTrue(run.out().contains("| command | impl | wall | cpu | start-up (launcher) | training |"), run.out());
        List<String> impls = torch ? List.of(bench.OURS, bench.THEIRS) : List.of(bench.OURS);

        List<String> lines = Files.readAllLines(dir.resolve("whole.csv"));
        assertEquals(bench.WHOLE_CSV_HEADER, lines.get(0));
        assertEquals(1 + bench.WHOLE_COMMANDS.size() * impls.size(), lines.size(), String.join("\n", lines));
        List<String> columns = List.of(lines.get(0).split(","));
        for (int i = 1; i < lines.size(); i++) {
            String[] row = lines.get(i).split(",", -1);
            assertEquals(columns.size(), row.length, lines.get(i));
            java.util.function.ToDoubleFunction<String> value = c -> Double.parseDouble(row[columns.indexOf(c)]);
            assertEquals(bench.WHOLE_COMMANDS.get((i - 1) / impls.size()), row[columns.indexOf("command")]);
            assertEquals(impls.get((i - 1) % impls.size()), row[columns.indexOf("impl")]);
            assertEquals("1", row[columns.indexOf("rounds")]);
            double wall = value.applyAsDouble("wall_s"), startup = value.applyAsDouble("startup_s");
            assertTrue(wall > 0 && startup > 0 && startup < wall, lines.get(i));
            double phases = startup + value.applyAsDouble("training_s") + value.applyAsDouble("diagnostics_s")
                    + value.applyAsDouble("figures_s") + value.applyAsDouble("writing_s")
                    + (row[columns.indexOf("evaluation_s")].isEmpty() ? 0 : value.applyAsDouble("evaluation_s"));
            assertTrue(phases <= wall + 0.05, "phases add up to more than the wall time: " + lines.get(i));
            assertTrue(value.applyAsDouble("figures_s") > 0 && value.applyAsDouble("writing_s") >= 0, lines.get(i));
            assertTrue(Integer.parseInt(row[columns.indexOf("files")]) >= 7, lines.get(i));
            boolean oursRow = row[columns.indexOf("impl")].equals(bench.OURS);
            assertEquals(oursRow && torch, !row[columns.indexOf("ratio_vs_pytorch")].isEmpty(), lines.get(i));
        }

        JsonNode json = new ObjectMapper().readTree(dir.resolve("whole.json").toFile());
        assertEquals(lines.size() - 1, json.get("rows").size());
        for (JsonNode row : json.get("rows")) {
            JsonNode t = row.get("rounds").get(0).get("timings");
            String what = row.get("impl").asText() + " " + row.get("command_line").asText() + ": " + t;
            assertEquals(1, t.get(Timings.MARKER).asInt(), what);
            assertTrue(t.get("phases").isObject(), what);
            double ready = t.get("ready_ms").asDouble(), output = t.get("first_output_ms").asDouble(), end = t.get("end_ms").asDouble();
            assertTrue(ready <= output && output <= end, what);
            if (row.get("impl").asText().equals(bench.OURS)) {
                assertTrue(t.get("alongside").isObject(), what);
                double process = t.get("process_start_ms").asDouble(), jvm = t.get("jvm_start_ms").asDouble();
                assertTrue(process <= jvm && jvm <= ready, what);
                boolean scriptLoop = row.get("command").asText().equals("train-manual");
                assertEquals(scriptLoop, row.get("breakdown").get("loop_is_training").asBoolean(), what);
                for (String phase : scriptLoop ? List.of(Timings.FIGURES, Timings.WRITING)
                        : List.of(Timings.TRAINING, Timings.EVALUATION, Timings.DIAGNOSTICS, Timings.FIGURES, Timings.WRITING)) {
                    assertTrue(t.get("phases").get(phase).asDouble() > 0, phase + " missing: " + what);
                }
            }
        }
        if (torch) {
            for (String command : bench.WHOLE_COMMANDS) {
                assertTrue(run.out().contains("outputs of " + command + ": the same"), run.out());
            }
        }
    }

    @Test
    void badOptionsExitTwoWithOneLineAndWriteNothing(@TempDir Path dir) {
        Path out = dir.resolve("never");
        String[][] bad = {
            {"--threads", "0"}, {"--threads", "x"}, {"--epochs", "0"}, {"--epochs", "-5"}, {"--repeat", "0"},
            {"--only", "resnet"}, {"--bogus"}, {"--repeat"}, {"--threads", "2", "--whole"}, {"--only", "manual", "--whole"},
            {"--only", "train-manual"}, {"--no-warmup"},
        };
        for (String[] args : bad) {
            String[] full = new String[args.length + 3];
            System.arraycopy(args, 0, full, 0, args.length);
            full[args.length] = "--no-pytorch";
            full[args.length + 1] = "--out";
            full[args.length + 2] = out.toString();
            ScriptRun run = ScriptRun.of(bench::new, full);
            String err = run.err();
            assertEquals(2, run.code(), String.join(" ", args) + ": " + err);
            assertEquals(1, err.strip().lines().count(), err);
            assertTrue(err.startsWith("error: ") && err.contains(args[0]), err);
            assertFalse(Files.exists(out), String.join(" ", args) + " created " + out);
        }
    }
}
