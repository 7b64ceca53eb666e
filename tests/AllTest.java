import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cli.Cli;

class AllTest {
    /** Markdown links to local files: ![alt](path) and [text](path), not web links or #anchors. */
    static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)#:]+)\\)");

    /**
     * One toy run of the whole sheet (--smoke) in which deep gets a bad option (exit 2) and backward throws: both are
     * reported, the exit code is non-zero, every other step still runs, and every link in report.md resolves.
     */
    @Test
    void failingStepsAreReportedAndTheOthersStillRun(@TempDir Path tmp) throws IOException {
        Path stale = tmp.resolve("deep").resolve("stale.png");
        Files.createDirectories(stale.getParent());
        Files.write(stale, new byte[] {1});
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));

        // captured, so the deliberate failures do not show up in the test log as if something were broken
        ScriptRun run = ScriptRun.of(all::run, "--smoke", "--out", tmp.toString(), "--test-step-arg", "deep=--lr=-1",
                "--test-throw", "backward");

        assertEquals(all.STEP_FAILED, run.code());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("\\s*deep\\s+FAILED.*exit code 2.*")), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("\\s*backward\\s+FAILED.*IllegalStateException.*")), run.out());
        String report = Files.readString(tmp.resolve("report.md"));
        for (all.Step step : all.steps()) {
            assertTrue(report.contains("(`" + step.alias() + "`)\n"), "a section for " + step.alias());
            assertTrue(Files.isRegularFile(tmp.resolve("logs").resolve(step.alias() + ".txt")), "console log of " + step.alias());
        }
        assertTrue(report.contains("**failed**: exit code 2 (error: --lr must be"), "deep's bad option in the summary table");
        assertTrue(report.contains("**failed**: threw IllegalStateException: --test-throw backward"), "backward's exception");
        assertTrue(report.contains("**2 of " + all.steps().size() + " steps failed**"));
        assertFalse(report.contains("stale.png"), "a figure left by an earlier run is not shown as this run's");

        // the steps after the failures ran and their figures are in the report
        assertTrue(report.contains("](train-manual/loss.png)"), "train-manual ran after the failing steps");
        assertTrue(report.contains("](moons/moons.png)"));
        List<String> links = links(report);
        assertTrue(links.stream().filter(l -> l.endsWith(".png")).count() >= 3, links.toString());
        for (String link : links) {
            assertFalse(link.startsWith("/") || link.contains("\\"), "relative, forward slashes: " + link);
            assertTrue(Files.exists(tmp.resolve(link)), "link target exists: " + link);
        }
        assertTrue(report.contains("## Environment") && report.contains("| ND4J | 1.0.0-M2.1"), "environment section");
        assertTrue(report.contains("The step deep failed, so gradnorms trained its nets itself."), "gradnorms trained without deep's runs");
        assertFalse(report.contains("--from"), "no --from when deep failed");
    }

    /** gradnorms reads the nets deep trained (--from) instead of training them again, and the report says so. */
    @Test
    void gradnormsReadsTheNetsDeepTrained(@TempDir Path tmp) throws IOException {
        assertEquals(Cli.OK, ScriptRun.of(all::run, "--smoke", "--out", tmp.toString()).code());
        String report = Files.readString(tmp.resolve("report.md"));
        assertTrue(report.contains("Ran `./jbang gradnorms --out gradnorms --from deep` in "), "the command with relative folders");
        assertTrue(report.contains("These are **the same 2 nets as step 2** ([deep](#3-vanishing-gradient-step-2-deeper-nets-relu-vs-sigmoid-deep))"),
                "the report says where the nets come from");
        assertEquals(Files.readString(tmp.resolve("deep").resolve("gradnorms.csv")), Files.readString(tmp.resolve("gradnorms").resolve("gradnorms.csv")));
        assertTrue(report.contains("](gradnorms/gradnorms.png)") && report.contains("**Does Sigmoid show the vanishing gradient more clearly?**"));
        for (String link : links(report)) assertTrue(Files.exists(tmp.resolve(link)), "link target exists: " + link);
    }

    @Test
    void badOptionOfAllWritesNothing(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(Cli.BAD_INPUT, ScriptRun.of(all::run, "--smoke", "--out", out.toString(), "--test-step-arg", "nosuch=--x").code());
        assertFalse(Files.exists(out));
        assertEquals(Cli.BAD_INPUT, ScriptRun.of(all::run, "--quick", "--smoke", "--out", out.toString()).code());
        assertFalse(Files.exists(out));
    }

    @Test
    void roundStepsForSampledTables() {
        assertEquals(1, all.Report.roundStep(0.5));
        assertEquals(2, all.Report.roundStep(2));
        assertEquals(5, all.Report.roundStep(2.5));
        assertEquals(100, all.Report.roundStep(99.9));
        assertEquals(200, all.Report.roundStep(125));
    }

    @Test
    void logsKeepTheLastStateOfARedrawnLine() {
        assertEquals("a\nbar 3/3 done\nb\n", all.withoutRedraws("a\r\nbar 1/3\rbar 2/3   \rbar 3/3 done\nb\n"));
    }

    static List<String> links(String markdown) {
        var links = new ArrayList<String>();
        Matcher m = LINK.matcher(markdown);
        while (m.find()) links.add(m.group(1));
        return links;
    }
}
