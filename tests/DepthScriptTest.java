import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cli.Cli;
import nn.Activation;
import nn.WeightInit;
import report.DepthResult;

/**
 * depth end to end: every hidden layer's gradient norm at the initial weights against PyTorch 1.13 for depths 1-8, three
 * activations, seeds 0-2 and every init scheme (tests/fixtures/depth_grad_norms.csv, made by make_diagnostics_fixtures.py),
 * the CSVs' columns, the figure, the typed result, --jobs, and bad input (one line, exit 2, nothing written).
 */
class DepthScriptTest {
    static final Path FIXTURE = Path.of("tests", "fixtures", "depth_grad_norms.csv");
    static final String TRAIN = GradnormsScriptTest.TRAIN.toString();
    static final String TEST = GradnormsScriptTest.TEST.toString();
    static final String[] HELD_OUT = {"--depths", "1,2,3,4,5,6,7,8", "--activations", "relu,sigmoid,tanh", "--runs", "3", "--epochs", "1"};

    @TempDir
    Path tmp;

    /** PyTorch's norms by (init, activation, depth, seed, layer). */
    static Map<String, Double> torchNorms() throws IOException {
        var norms = new HashMap<String, Double>();
        for (String[] r : GradnormsScriptTest.rows(FIXTURE)) norms.put(String.join(",", r[0], r[1], r[2], r[3], r[4]), Double.parseDouble(r[5]));
        return norms;
    }

    static void assertLikeTorch(double torch, double ours, String what) {
        if (torch == 0) assertEquals(0.0, ours, what + ": PyTorch's gradient is exactly 0 (a dead net)");
        else GradnormsScriptTest.assertRelative(torch, ours, 1e-3, what);
    }

    /** The held-out check's command, once per --weight-init: depth.csv's epoch-0 norms and depth_inits.csv's, every scheme. */
    @Test
    void epochZeroNormsMatchPyTorchForEveryInitScheme() throws IOException {
        Map<String, Double> torch = new HashMap<>(torchNorms());
        torch.keySet().removeIf(k -> !List.of("relu", "sigmoid", "tanh").contains(k.split(",")[1]));   // the held-out command's
        for (WeightInit init : WeightInit.values()) {
            Path out = tmp.resolve(init.toString());
            int code = Cli.run(new depth(), GradnormsScriptTest.concat(HELD_OUT, "--weight-init", init.toString(), "--out", out.toString()));
            assertEquals(0, code);
            List<String[]> rows = GradnormsScriptTest.rows(out.resolve("depth.csv"));
            assertEquals(torch.keySet().stream().filter(k -> k.startsWith(init + ",")).count(), rows.size(), "a row per net and hidden layer");
            int zeros = 0;
            for (String[] r : rows) {
                String key = String.join(",", init.toString(), r[0], r[1], r[3], r[4]);
                assertEquals(Integer.parseInt(r[3]) + 1, Integer.parseInt(r[2]), "run r has seed r - 1");
                assertLikeTorch(torch.get(key), Double.parseDouble(r[5]), key);
                if (torch.get(key) == 0) zeros++;
            }
            assertEquals(init == WeightInit.TORCH ? 21 : 0, zeros, "the dead ReLU nets' layers (depth 6, 7 and 8 with PyTorch's default)");
            List<String[]> inits = GradnormsScriptTest.rows(out.resolve("depth_inits.csv"));
            assertEquals(torch.size(), inits.size());
            for (String[] r : inits) {
                String key = String.join(",", r[0], r[1], r[2], r[4], r[5]);
                assertLikeTorch(torch.get(key), Double.parseDouble(r[6]), "depth_inits.csv " + key);
            }
        }
    }

    /**
     * The entries added after the held-out check's three (LeakyReLU, GELU, and any new one: its rows come from
     * make_diagnostics_fixtures.py --append NAME) on the same check: every hidden layer's norm at the initial weights under
     * every scheme (depth_inits.csv, one run of the step) is PyTorch's F.leaky_relu's, F.gelu's, ...
     * (Most within 5e-6; LeakyReLU's deepest nets under xavier and kaiming within 4e-4: float32 cannot pin their norms down
     * closer, PyTorch's own float32 norms are 3.6e-4 from its float64 ones there, ours 1.1e-4.)
     */
    @Test
    void entriesAddedLaterMatchPyTorchAtTheInitialWeights() throws IOException {
        Map<String, Double> torch = torchNorms();
        List<String> added = java.util.Arrays.stream(Activation.values()).map(Activation::toString)
                .filter(a -> !List.of("relu", "sigmoid", "tanh").contains(a)).toList();
        Path out = tmp.resolve("new");
        String[] args = {"--depths", "1,2,3,4,5,6,7,8", "--activations", String.join(",", added), "--runs", "3", "--epochs", "1", "--out", out.toString()};
        assertEquals(0, Cli.run(new depth(), args));
        List<String[]> inits = GradnormsScriptTest.rows(out.resolve("depth_inits.csv"));
        for (String a : added) assertTrue(torch.keySet().stream().anyMatch(k -> k.split(",")[1].equals(a)), a + ": no PyTorch rows in " + FIXTURE);
        assertEquals(torch.keySet().stream().filter(k -> added.contains(k.split(",")[1])).count(), inits.size());
        double worst = 0;
        for (String[] r : inits) {
            String key = String.join(",", r[0], r[1], r[2], r[4], r[5]);
            double ours = Double.parseDouble(r[6]);
            assertLikeTorch(torch.get(key), ours, "depth_inits.csv " + key);
            worst = Math.max(worst, Math.abs(ours - torch.get(key)) / torch.get(key));
        }
        System.out.printf("%s at the initial weights, %d norms: within %.1e of PyTorch's (relative)%n", added, inits.size(), worst);
    }

    /** The step run in-process: its record, the files it names (all written), the CSV columns, the figure, the answer. */
    @Test
    void runReturnsWhatItFoundAndWrote() throws IOException {
        Path out = tmp.resolve("out");
        DepthResult result = Cli.parse(new depth(), "--depths", "1-3", "--activations", "sigmoid,relu", "--runs", "2", "--epochs", "3",
                "--width", "8", "--train", TRAIN, "--test", TEST, "--out", out.toString()).run();
        assertEquals("depth", result.step());
        assertEquals(out.toAbsolutePath().normalize(), result.dir());
        assertEquals(List.of("depth.png", "depth.svg", "depth.csv", "depth_inits.csv", "answer.md"),
                result.files().stream().map(f -> f.getFileName().toString()).toList());
        for (Path file : result.files()) assertTrue(Files.size(file) > 0, file.toString());
        assertTrue(Files.readString(out.resolve("depth.svg")).contains("<svg"));
        assertEquals(result.answerMd(), Files.readString(out.resolve("answer.md")));
        assertEquals(List.of(Activation.SIGMOID, Activation.RELU), result.sweep().activations());
        assertEquals(List.of(1, 2, 3), result.sweep().depths());
        assertEquals(2 * 3 * 2, result.nets().size());

        List<String> csv = Files.readAllLines(out.resolve("depth.csv"));
        assertEquals("activation,depth,run,seed,layer,grad_norm_epoch0,grad_norm_median", csv.get(0));
        assertEquals(2 * 2 * (1 + 2 + 3), csv.size() - 1, "a row per net and hidden layer");
        assertEquals("sigmoid,1,1,0,hidden1", String.join(",", java.util.Arrays.copyOf(csv.get(1).split(","), 5)));
        assertEquals("relu,3,2,1,hidden3", String.join(",", java.util.Arrays.copyOf(csv.get(csv.size() - 1).split(","), 5)));
        List<String> inits = Files.readAllLines(out.resolve("depth_inits.csv"));
        assertEquals("init,activation,depth,run,seed,layer,grad_norm_epoch0", inits.get(0));
        assertEquals(3 * (csv.size() - 1), inits.size() - 1, "every row of depth.csv under each of the three schemes");
        for (String[] r : GradnormsScriptTest.rows(out.resolve("depth.csv"))) {
            assertTrue(Double.parseDouble(r[5]) >= 0 && Double.parseDouble(r[6]) >= 0, String.join(",", r));
        }
        // the median over the epochs is that of the epochs' norms; epoch 0's is the first of them
        var net = result.nets().get(0);
        assertEquals(3, net.epochs());
        assertEquals(net.epoch0().get(WeightInit.TORCH)[0], Double.parseDouble(csv.get(1).split(",")[5]));
        assertEquals(net.median()[0], Double.parseDouble(csv.get(1).split(",")[6]));

        String answer = result.answer();
        assertTrue(answer.contains("for Sigmoid") && answer.contains("for ReLU") && answer.contains("Does ReLU escape it")
                && answer.contains("What --weight-init changes"), answer);
        var md = new report.Markdown(tmp);
        result.markdown(md);
        assertTrue(md.toString().contains("](out/depth.png)") && md.toString().contains("[depth.csv](out/depth.csv)"), md.toString());
        assertEquals(Cli.OK, Cli.run(new depth(), "--help"));
    }

    /** Nets trained side by side on threads give the numbers each gives alone; the files keep the sweep's order. */
    @Test
    void jobsDoNotChangeTheNumbers() throws IOException {
        String[] settings = {"--depths", "1,3", "--runs", "2", "--epochs", "4", "--width", "16", "--train", TRAIN, "--test", TEST};
        Path one = tmp.resolve("one"), three = tmp.resolve("three");
        assertEquals(0, Cli.run(new depth(), GradnormsScriptTest.concat(settings, "--jobs", "1", "--out", one.toString())));
        assertEquals(0, Cli.run(new depth(), GradnormsScriptTest.concat(settings, "--jobs", "3", "--out", three.toString())));
        for (String file : List.of("depth.csv", "depth_inits.csv", "answer.md")) {
            assertEquals(Files.readString(one.resolve(file)), Files.readString(three.resolve(file)), file);
        }
    }

    /** A diverging net ends its own run, not the sweep: every file is written, the step fails with exit 3 naming it. */
    @Test
    void aDivergedNetIsNamedAfterEverythingIsWritten() {
        Path out = tmp.resolve("out");
        ScriptRun run = ScriptRun.of(depth::new, "--depths", "1-2", "--activations", "relu", "--runs", "1", "--epochs", "30", "--width", "16",
                "--lr", "1e4", "--out", out.toString());
        assertEquals(Cli.DIVERGED, run.code(), run.err());
        assertTrue(run.lastErrLine().contains("relu depth 2 run 1 (seed 0) diverged at epoch"), run.err());
        for (String file : List.of("depth.png", "depth.csv", "depth_inits.csv", "answer.md")) assertTrue(Files.exists(out.resolve(file)), file);
    }

    @Test
    void badInputNamesTheOptionAndWritesNothing() throws IOException {
        Path out = tmp.resolve("never");
        Files.writeString(tmp.resolve("a-file"), "x");
        for (String[] c : new String[][] {
                {"--depths must be depths from 1 to 64", "--depths", ""},
                {"--depths", "--depths", "3,1,2"},
                {"got 2 after 2", "--depths", "1,2,2"},
                {"--depths", "--depths", "1-3,3"},
                {"got 0 in", "--depths", "0,1"},
                {"got 65 in", "--depths", "1-65"},
                {"descending range", "--depths", "4-2"},
                {"--depths", "--depths", "1,,2"},
                {"--depths", "--depths", "-1"},
                {"--depths", "--depths", "three"},
                {"--depths", "--depths", "99999999999"},
                {"--activations must be " + Activation.allowed() + ", got 'swish'", "--activations", "relu,swish"},
                {"--activations", "--activations", ""},
                {"at most once", "--activations", "tanh,tanh"},
                {"--weight-init must be torch, xavier or kaiming, got 'he'", "--weight-init", "he"},
                {"--runs must be an integer from 1 to 1000, got 0", "--runs", "0"},
                {"--runs", "--runs", "-3"},
                {"--epochs must be an integer from 1 to 20000", "--epochs", "0"},
                {"--epochs", "--epochs", "100001"},
                {"--width must be an integer from 1 to 4096", "--width", "0"},
                {"--width", "--width", "5000"},
                {"--lr must be a finite number > 0", "--lr", "0"},
                {"--lr", "--lr", "Infinity"},
                {"--momentum must be a number in [0, 1)", "--momentum", "1"},
                {"--jobs must be an integer from 1 to 256, got 0", "--jobs", "0"},
                {"--jobs", "--jobs", "1000"},
                {"--test needs --train", "--test", TEST},
                {"--train needs --test", "--train", TRAIN},
                {"no such file", "--train", tmp.resolve("nope.csv").toString(), "--test", TEST},
                {"option '--depths'", "--depths", "1", "--depths", "2"},
        }) {
            String[] args = GradnormsScriptTest.concat(java.util.Arrays.copyOfRange(c, 1, c.length), "--out", out.toString());
            assertBadInput(c[0], out, args);
        }
        assertBadInput("--out must name a folder", out, "--out=");
        assertBadInput("is a file", out, "--out", tmp.resolve("a-file").toString());
    }

    static void assertBadInput(String expected, Path out, String... args) throws IOException {
        ScriptRun run = ScriptRun.of(depth::new, args);
        String err = run.err().strip();
        assertEquals(Cli.BAD_INPUT, run.code(), String.join(" ", args) + ": " + err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("error: ") && err.contains(expected), String.join(" ", args) + ": " + err);
        assertFalse(Files.exists(out), "nothing may be written on bad input: " + String.join(" ", args));
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().contains("staging")).toList(), "no staging folder left");
        }
        assertEquals("", run.out(), "bad input is found before the step starts: " + String.join(" ", args));
    }
}
