import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cli.Cli;

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

    @Test
    void badOptionsExitTwoWithOneLineAndWriteNothing(@TempDir Path dir) {
        Path out = dir.resolve("never");
        String[][] bad = {
            {"--threads", "0"}, {"--threads", "x"}, {"--epochs", "0"}, {"--epochs", "-5"}, {"--repeat", "0"},
            {"--only", "resnet"}, {"--bogus"}, {"--repeat"},
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
