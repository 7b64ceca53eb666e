import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import notebook.Kernelspec;

/**
 * The notebooks' kernel against Jupyter's own clients, as a student's Jupyter runs it: installed by
 * {@code ./jbang notebook --install-only} (into a temporary JUPYTER_DATA_DIR), checked by the Jupyter project's
 * conformance suite, every notebook executed headless by nbclient on a small workload (its errors, its figures, its
 * numbers against the scripts'), and interrupt, restart, shutdown and a client that goes away. Skipped, with the
 * reason, where Jupyter's Python packages are not installed (CI's .ci/run installs Debian's).
 */
class NotebookKernelTest {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    static final Path NOTEBOOKS = CHECKOUT.resolve("notebooks");
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final String EPOCHS = "3", RUNS = "1";
    /** The figures each notebook shows (image/png outputs) on the small workload. */
    static final Map<String, Integer> FIGURES = Map.of("1-lecture", 4, "2-deep", 3, "3-gradnorms", 3, "4-depth", 1, "5-forward", 1,
            "6-backward", 1, "7-train-manual", 3);

    static Path jupyter;

    @BeforeAll
    static void installTheKernel() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON + ": the notebook tests need Debian's Python with Jupyter "
                + "(apt-get install jupyter-notebook python3-nbclient python3-jupyter-kernel-test)");
        Run probe = run(List.of(PYTHON.toString(), "-c", "import jupyter_client, nbclient, nbformat, jupyter_kernel_test"), CHECKOUT, Map.of(), 60);
        assumeTrue(probe.code() == 0, "Jupyter's Python packages are not installed (apt-get install jupyter-notebook python3-nbclient "
                + "python3-jupyter-kernel-test; .ci/run does): " + probe.out().strip());
        jupyter = Files.createTempDirectory("moons-jupyter");
        Run install = run(List.of("./jbang", "notebook", "--install-only"), CHECKOUT, env(), 900);
        assertEquals(0, install.code(), install.out());
        Path spec = jupyter.resolve("data").resolve("kernels").resolve(Kernelspec.NAME).resolve("kernel.json");
        assertTrue(install.out().contains("installed the Java kernel '" + Kernelspec.NAME + "' for Jupyter: " + spec), install.out());
        assertTrue(Files.readString(spec).contains("\"interrupt_mode\": \"message\""));
    }

    @AfterAll
    static void removeTheKernel() throws IOException {
        if (jupyter == null) return;
        try (Stream<Path> files = Files.walk(jupyter)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Jupyter's folders in the temporary one: the kernelspec, and the connection files of the kernels started. */
    static Map<String, String> env() {
        return Map.of("JUPYTER_DATA_DIR", jupyter.resolve("data").toString(), "JUPYTER_RUNTIME_DIR", jupyter.resolve("runtime").toString(),
                "JUPYTER_CONFIG_DIR", jupyter.resolve("config").toString());
    }

    @Test
    void passesJupytersConformanceSuite() throws Exception {
        Run suite = run(List.of(PYTHON.toString(), CHECKOUT.resolve("tests/jupyter/kernel_conformance.py").toString()), NOTEBOOKS, env(), 600);
        System.out.print(suite.out());
        assertEquals(0, suite.code(), suite.out());
        // what it does not support is listed there, with the reason: only the pager
        List<String> skipped = suite.out().lines().filter(l -> l.startsWith("skipped ")).toList();
        assertEquals(1, skipped.size(), suite.out());
        assertTrue(skipped.get(0).startsWith("skipped test_pager (no pager payloads"), suite.out());
        assertTrue(suite.out().contains("12 run, 0 failed, 0 errors, 1 skipped"), suite.out());
    }

    @Test
    void interruptRestartShutdownAndAClientThatGoesAway() throws Exception {
        Run checks = run(List.of(PYTHON.toString(), CHECKOUT.resolve("tests/jupyter/interrupt_restart.py").toString()), NOTEBOOKS, env(), 600);
        System.out.print(checks.out());
        assertEquals(0, checks.code(), checks.out());
        assertTrue(checks.out().contains("ok      the kernel shuts down when its client goes away"), checks.out());
    }

    @Test
    void everyNotebookRunsHeadlessWithItsFiguresAndTheScriptsNumbers() throws Exception {
        var command = new ArrayList<>(List.of(PYTHON.toString(), CHECKOUT.resolve("tests/jupyter/run_notebooks.py").toString()));
        NotebooksTest.notebooks().forEach(nb -> command.add(nb.toString()));
        var environment = new LinkedHashMap<>(env());
        environment.put("NOTEBOOK_EPOCHS", EPOCHS);
        environment.put("NOTEBOOK_RUNS", RUNS);
        Run executed = run(command, NOTEBOOKS, environment, 1800);
        assertEquals(0, executed.code(), executed.out());
        var stdout = new LinkedHashMap<String, String>();
        for (String line : executed.out().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonObject report = JsonParser.parseString(line).getAsJsonObject();
            String name = report.get("notebook").getAsString().replace(".ipynb", "");
            var figures = report.getAsJsonArray("figures");
            System.out.printf(Locale.ROOT, "notebook %-16s %6.1f s (kernel ready after %.1f s), %d figures, kernel peak %s MB%n", name,
                    report.get("seconds").getAsDouble(), report.has("started") ? report.get("started").getAsDouble() : Double.NaN,
                    figures.size(), report.get("peak_kb") == null || report.get("peak_kb").isJsonNull() ? "?"
                            : Long.toString(report.get("peak_kb").getAsLong() / 1024));
            assertEquals(0, report.getAsJsonArray("errors").size(), name + ": " + report.get("errors"));
            assertEquals(FIGURES.get(name), figures.size(), name + ": figures " + figures);
            for (JsonElement f : figures) {
                var size = f.getAsJsonObject().getAsJsonArray("size");
                // a PNG drawn at twice the size it is shown at
                assertTrue(size.get(0).getAsInt() >= 500 && size.get(1).getAsInt() >= 400, name + ": " + f);
                assertEquals(size.get(0).getAsInt(), 2 * f.getAsJsonObject().getAsJsonObject("shown").get("width").getAsInt(), name + ": " + f);
            }
            stdout.put(name, report.get("stdout").getAsString());
        }
        assertEquals(FIGURES.keySet(), stdout.keySet());
        sameNumbersAsTheScripts(stdout);
    }

    /**
     * The notebooks print what the scripts print for the same workload: the same seeds and library calls give the same
     * numbers. Each step runs in-process on {@link #EPOCHS} epochs and {@link #RUNS} run, as the notebooks did.
     */
    static void sameNumbersAsTheScripts(Map<String, String> notebooks) throws Exception {
        Path out = Files.createTempDirectory(jupyter, "scripts");
        Predicate<String> tableRow = l -> l.matches("^(relu|sigmoid|ReLU|Sigmoid|Tanh)\\s+[\\d ].*");
        check(notebooks, "1-lecture", lecture::new, l -> l.startsWith("Epoch ") || l.startsWith("final:") || l.startsWith("check: "),
                "--epochs", EPOCHS, "--out", out.resolve("lecture").toString());
        check(notebooks, "2-deep", deep::new, tableRow.or(l -> l.startsWith("No, ") || l.startsWith("Yes, ")),
                "--epochs", EPOCHS, "--runs", RUNS, "--out", out.resolve("deep").toString());
        check(notebooks, "3-gradnorms", gradnorms::new, tableRow.or(l -> l.startsWith("Yes, ") || l.startsWith("No, ")),
                "--epochs", EPOCHS, "--runs", RUNS, "--out", out.resolve("gradnorms").toString());
        check(notebooks, "4-depth", depth::new, tableRow, "--epochs", EPOCHS, "--runs", RUNS, "--out", out.resolve("depth").toString());
        check(notebooks, "5-forward", forward::new, l -> !l.isBlank());
        check(notebooks, "6-backward", backward::new, l -> !l.isBlank());
        check(notebooks, "7-train-manual", train_manual::new, l -> l.startsWith("final (epoch"), "--epochs", EPOCHS, "--out",
                out.resolve("train-manual").toString());
    }

    static void check(Map<String, String> notebooks, String name, Supplier<? extends Callable<Integer>> script, Predicate<String> compared,
            String... args) {
        ScriptRun run = ScriptRun.of(script, args);
        assertEquals(0, run.code(), name + ": " + run.err());
        List<String> expected = run.out().lines().filter(compared).map(l -> l.startsWith("check: ") ? l.substring("check: ".length()) : l)
                .toList();
        assertTrue(!expected.isEmpty(), name + ": nothing to compare in\n" + run.out());
        String notebook = notebooks.get(name);
        for (String line : expected) assertTrue(notebook.contains(line), name + ": the script printed\n" + line + "\nthe notebook\n" + notebook);
        System.out.printf(Locale.ROOT, "notebook %-16s prints the script's %d lines (%s)%n", name, expected.size(), String.join(" ", args));
    }

    record Run(int code, String out) {}

    /** Runs {@code command} in {@code dir} with these environment variables, stdout and stderr together; killed after {@code seconds}. */
    static Run run(List<String> command, Path dir, Map<String, String> env, int seconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("moons-notebook-test", ".log");
        try {
            var builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end within " + seconds + " s:\n" + Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
