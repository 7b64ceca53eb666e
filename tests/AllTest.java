import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cli.Cli;
import io.Progress;
import report.BackwardResult;
import report.Markdown;
import report.Report;

/** The main job, run on toy workloads: every step's section, the failures, the links of report.md. */
class AllTest {
    /** Markdown links to local files: ![alt](path) and [text](path), not web links or #anchors. */
    static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)#:]+)\\)");

    /** Toy workloads, a few seconds per step: the numbers mean nothing, the report's structure is what is tested. */
    static final Map<String, List<String>> TOY = Map.of(
            "lecture", List.of("--epochs", "5", "--width", "16"),
            "deep", List.of("--runs", "1", "--epochs", "5", "--width", "16"),
            "gradnorms", List.of("--runs", "1", "--epochs", "5", "--width", "16"),
            "depth", List.of("--depths", "1,2", "--runs", "1", "--epochs", "2", "--width", "8"),
            "backward", List.of("--hidden", "8"),
            "train-manual", List.of("--epochs", "5", "--hidden", "8"));

    /** The steps of all, with toy workloads as their --quick arguments, {@code extra} appended to some of them. */
    static List<all.Step> toySteps(Map<String, List<String>> extra) {
        var steps = new ArrayList<all.Step>();
        for (all.Step s : all.steps()) {
            var args = new ArrayList<>(TOY.getOrDefault(s.alias(), List.of()));
            args.addAll(extra.getOrDefault(s.alias(), List.of()));
            steps.add(new all.Step(s.alias(), s.heading(), args, s.command()));
        }
        return steps;
    }

    /** Runs the toy sheet into {@code root} with its console output captured (the deliberate failures stay out of the log). */
    static List<Report.Section> runToy(Path root, List<all.Step> steps) {
        PrintStream out = System.out, err = System.err;
        var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        System.setOut(sink);
        System.setErr(sink);
        try {
            return all.run(root, steps, true);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * deep gets a bad option and backward throws: both are reported, every other step still runs, gradnorms trains
     * its own nets (deep failed), and every link in report.md resolves.
     */
    @Test
    void failingStepsAreReportedAndTheOthersStillRun(@TempDir Path tmp) throws IOException {
        var steps = new ArrayList<>(toySteps(Map.of("deep", List.of("--lr=-1"))));
        int backward = steps.indexOf(steps.stream().filter(s -> s.alias().equals("backward")).findFirst().orElseThrow());
        steps.set(backward, new all.Step("backward", steps.get(backward).heading(), List.of(), () -> new backward() {
            @Override
            public BackwardResult run() {
                throw new IllegalStateException("a bug in backward");
            }
        }));
        List<Report.Section> sections = runToy(tmp, steps);

        assertEquals(List.of("deep", "backward"), sections.stream().filter(s -> !s.ok()).map(Report.Section::alias).toList());
        String report = Files.readString(tmp.resolve("report.md"));
        for (all.Step step : all.steps()) assertTrue(report.contains("(`" + step.alias() + "`)\n"), "a section for " + step.alias());
        assertTrue(report.contains("**failed**: bad input: --lr must be"), "deep's bad option in the summary table");
        assertTrue(report.contains("**failed**: internal error, a bug: IllegalStateException: a bug in backward (its trace is in the step's log)"), "backward's exception");
        assertTrue(report.contains("**2 of " + all.steps().size() + " steps failed**"));
        assertTrue(Files.readString(tmp.resolve("logs").resolve("backward.txt")).contains("at AllTest"), "the bug's trace is in the log");
        assertFalse(report.contains("--from"), "no --from when deep failed");
        // the steps after the failures ran, and their figures are in the report
        assertTrue(report.contains("](train-manual/loss.png)"), "train-manual ran after the failing steps");
        assertTrue(report.contains("](moons/moons.png)"));
        assertLinksResolve(tmp, report);
        assertTrue(report.contains("## Environment") && report.contains("| ND4J | 1.0.0-M2.1"), "environment section");
    }

    /** gradnorms reads the nets deep trained (--from) instead of training them again, and the report says so. */
    @Test
    void gradnormsReadsTheNetsDeepTrainedAndEveryQuestionIsAnswered(@TempDir Path tmp) throws IOException {
        List<Report.Section> sections = runToy(tmp, toySteps(Map.of()));
        assertTrue(sections.stream().allMatch(Report.Section::ok), sections.toString());
        String report = Files.readString(tmp.resolve("report.md"));
        assertTrue(report.contains("Ran `./jbang gradnorms --out gradnorms --from deep` in "), "the command with relative folders");
        assertEquals(Files.readString(tmp.resolve("deep").resolve("gradnorms.csv")), Files.readString(tmp.resolve("gradnorms").resolve("gradnorms.csv")));
        for (String question : List.of("Verify that the results are as expected.", "Is one architecture always better", "Does Sigmoid show the vanishing gradient more clearly?")) {
            assertTrue(report.contains("**" + question), question);
        }
        assertTrue(report.contains("## Backpropagation, step 1: the forward and backward pass on paper\n") && report.contains("### 3. Backward pass, batch form"), "the derivation is embedded");
        assertTrue(report.contains("](gradnorms/gradnorms.png)"));
        assertLinksResolve(tmp, report);
    }

    @Test
    void badOptionOfAllWritesNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("out");
        assertEquals(Cli.BAD_INPUT, ScriptRun.of(all::new, "--quick", "--out", out.toString(), "--bogus").code());
        assertFalse(Files.exists(out));
    }

    @Test
    void sampledTablesTakeRoundSteps() {
        assertEquals(List.of(0, 1, 2), Markdown.sample(3, 10));
        assertEquals(List.of(0, 5, 10, 15, 20, 21), Markdown.sample(22, 10));
        assertEquals(List.of(0, 100, 200, 299), Markdown.sample(300, 3));
    }

    @Test
    void logsKeepTheLastStateOfARedrawnLine() {
        assertEquals("a\nbar 3/3 done\nb\n", Progress.lastStates("a\r\nbar 1/3\rbar 2/3   \rbar 3/3 done\nb\n"));
    }

    static void assertLinksResolve(Path root, String report) {
        List<String> links = links(report);
        assertTrue(links.stream().filter(l -> l.endsWith(".png")).count() >= 3, links.toString());
        for (String link : links) {
            assertFalse(link.startsWith("/") || link.contains("\\"), "relative, forward slashes: " + link);
            assertTrue(Files.exists(root.resolve(link)), "link target exists: " + link);
        }
    }

    static List<String> links(String markdown) {
        var links = new ArrayList<String>();
        Matcher m = LINK.matcher(markdown);
        while (m.find()) links.add(m.group(1));
        return links;
    }
}
