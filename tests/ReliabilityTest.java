import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import backprop.TwoLayerNet;
import data.Npz;
import nn.Activation;
import nn.Mlp;

/** No hang, no stack trace, no stray or mixed files, on the inputs and faults a demanding user tries. */
class ReliabilityTest {
    @TempDir
    Path tmp;

    /** A cut .npz once made ND4J's reader spin forever: now it is one line, at once, for every script that reads one. */
    @Test
    void aTruncatedNpzIsOneLineAndNoHang() throws IOException {
        Path lectureNet = Mlp.lecture(264, Activation.RELU, DataType.FLOAT).initLikeTorch(0).save(tmp.resolve("lecture.npz"));
        Path deepNet = Mlp.deep(3, 8, Activation.RELU, DataType.FLOAT).initLikeTorch(0).save(tmp.resolve("deep.npz"));
        Path handNet = TwoLayerNet.heNormal(8, 0, DataType.FLOAT).save(tmp.resolve("hand.npz"));
        for (Path whole : List.of(lectureNet, deepNet, handNet)) {
            byte[] bytes = Files.readAllBytes(whole);
            Files.write(tmp.resolve("cut-" + whole.getFileName()), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            expectBadInput(lecture::new, "is not a complete .npz archive", "--init", tmp.resolve("cut-lecture.npz").toString(), "--epochs", "5");
            expectBadInput(deep::new, "is not a complete .npz archive", "--init", tmp.resolve("cut-deep.npz").toString(), "--width", "8");
            expectBadInput(forward::new, "is not a complete .npz archive", "--init", tmp.resolve("cut-hand.npz").toString());
            expectBadInput(train_manual::new, "is not a complete .npz archive", "--init", tmp.resolve("cut-hand.npz").toString());
        });
    }

    /** One rule for every --init, as PyTorch's strict load_state_dict: integer weights are taken, an extra key is not. */
    @Test
    void everyScriptTakesIntegerWeightsAndRejectsExtraKeys() throws IOException {
        Map<String, INDArray> hand = new LinkedHashMap<>();
        TwoLayerNet.heNormal(4, 0, DataType.FLOAT).toMap().forEach((k, v) -> hand.put(k, v.mul(10).castTo(DataType.LONG)));
        Path ints = tmp.resolve("ints.npz");
        Npz.write(ints, hand);
        for (Supplier<? extends Callable<Integer>> script : List.<Supplier<? extends Callable<Integer>>>of(forward::new, backward::new)) {
            ScriptRun r = ScriptRun.of(script, "--init", ints.toString());
            assertEquals(0, r.code(), r.err());
        }
        assertEquals(0, ScriptRun.of(train_manual::new, "--init", ints.toString(), "--epochs", "2", "--out", tmp.resolve("tm").toString()).code());
        Map<String, INDArray> lectureInts = new LinkedHashMap<>();
        Mlp.lecture(264, Activation.RELU, DataType.FLOAT).stateDict().forEach((k, v) -> lectureInts.put(k, v.castTo(DataType.LONG)));
        Path lectureFile = tmp.resolve("lecture-ints.npz");
        Npz.write(lectureFile, lectureInts);
        assertEquals(0, ScriptRun.of(lecture::new, "--init", lectureFile.toString(), "--epochs", "2", "--out", tmp.resolve("l").toString()).code());

        hand.put("W3", Nd4j.zeros(DataType.FLOAT, 2, 2));
        Npz.write(ints, hand);
        expectBadInput(forward::new, "unexpected key 'W3'", "--init", ints.toString());
        lectureInts.put("hidden4.weight", Nd4j.zeros(DataType.FLOAT, 2, 2));
        Npz.write(lectureFile, lectureInts);
        expectBadInput(lecture::new, "unexpected key 'hidden4.weight'", "--init", lectureFile.toString(), "--epochs", "2");
    }

    @Test
    void csvFilesAreCheckedAsTextFirst() throws IOException {
        Path bom = tmp.resolve("bom.csv");
        Files.writeString(bom, "\uFEFFx1,x2,label\n0.5,0.25,1\n-0.5,0.1,0\n", StandardCharsets.UTF_8);
        ScriptRun ok = ScriptRun.of(forward::new, "--train", bom.toString(), "--batch", "2", "--hidden", "3");
        assertEquals(0, ok.code(), ok.err());
        byte[] noise = new byte[10 << 20];
        new Random(1).nextBytes(noise);
        Path random = Files.write(tmp.resolve("random.csv"), noise);
        expectBadInput(forward::new, "not a text file", "--train", random.toString());
        Path latin1 = Files.write(tmp.resolve("latin1.csv"), "x1,x2,label\n0.5,0.25,1 \u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        expectBadInput(forward::new, "is not UTF-8 text", "--train", latin1.toString());
        Path nul = Files.write(tmp.resolve("nul.csv"), "x1,x2,label\n0.5,\0,1\n".getBytes(StandardCharsets.UTF_8));
        expectBadInput(forward::new, "holds a NUL byte", "--train", nul.toString());
        expectBadInput(forward::new, "is a folder; expected a CSV file", "--train", tmp.toString());
        expectBadInput(lecture::new, "is a folder; expected a .npz file", "--init", tmp.toString());
    }

    /** Output paths are checked before the gradient check runs: a file where a folder goes, a wrong extension. */
    @Test
    void gradientsOutIsCheckedFirst() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        long start = System.nanoTime();
        expectBadInput(backward::new, "--grads-out: folder", "--grads-out", file.resolve("x.npz").toString());
        expectBadInput(backward::new, "--grads-out must name a .npz file", "--grads-out", tmp.resolve("x.txt").toString());
        Path folder = Files.createDirectories(tmp.resolve("grads.npz"));
        expectBadInput(backward::new, "--grads-out: " + folder + " is a folder", "--grads-out", folder.toString());
        assertTrue(System.nanoTime() - start < 20e9, "rejected before the check (which takes seconds at H = 64)");
    }

    /** A full disk (a 300 kB tmpfs): one line naming the file and the cause, exit 1, no half files, no staging folder. */
    @Test
    void aFullDiskIsOneLineAndLeavesNothingHalfWritten() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", disk.toString()).redirectErrorStream(true).start();
        assumeTrue(mount.waitFor() == 0, "needs root to mount a small tmpfs");
        try {
            ScriptRun r = ScriptRun.of(lecture::new, "--epochs", "20", "--out", disk.resolve("lecture").toString());
            assertEquals(1, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("cannot write " + disk.resolve("lecture")) && r.err().contains("No space left on device"), r.err());
            try (var left = Files.list(disk)) {
                assertEquals(List.of(), left.toList(), "no half-written files, no staging folder");
            }
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor();
        }
    }

    /** A run killed half way (Ctrl-C, kill) leaves the previous complete run's files, and no staging folder. */
    @Test
    @NeedsBash
    void aKilledRunLeavesThePreviousRunAsItWas() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, ScriptRun.of(lecture::new, "--epochs", "3", "--width", "8", "--out", out.toString()).code());
        var before = snapshot(out);
        Process p = new ProcessBuilder(Path.of("jbang").toAbsolutePath().toString(), "lecture", "--epochs", "20000", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        for (int i = 0; i < 600 && !Files.readString(tmp.resolve("killed.log")).contains("Epoch 0:"); i++) Thread.sleep(100);
        p.destroy();   // SIGTERM, as kill or a closed terminal sends
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(before, snapshot(out));
        try (var siblings = Files.list(tmp)) {
            assertEquals(new TreeSet<>(List.of("killed.log", "out")), new TreeSet<>(siblings.map(f -> f.getFileName().toString()).toList()));
        }
    }

    /**
     * Ctrl-C (SIGINT) while train-manual trains and encodes its GIF on the other core: the previous run's files, byte for
     * byte, and neither a staging folder nor the animation's temp file.
     */
    @Test
    void ctrlCWhileFiguresAreDrawnAlongsideLeavesNothing() throws Exception {
        Path out = tmp.resolve("out");
        assertEquals(0, ScriptRun.of(train_manual::new, "--epochs", "3", "--hidden", "4", "--out", out.toString()).code());
        var before = OutputFolderTest.snapshot(out);
        Process p = new ProcessBuilder(Path.of("jbang").toAbsolutePath().toString(), "train-manual", "--epochs", "5000", "--hidden", "4",
                "--out", out.toString()).redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        for (int i = 0; i < 600 && !gifBeingWritten(out); i++) Thread.sleep(100);
        assertTrue(gifBeingWritten(out), "the animation is being written: " + Files.readString(tmp.resolve("killed.log")));
        Thread.sleep(500);   // some frames in
        interrupt(p);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(before, OutputFolderTest.snapshot(out));
    }

    /**
     * issue 18, row 8: all interrupted with Ctrl-C during deep, after a complete all in the same folder, left the quick
     * run's report beside the interrupted run's lecture. all writes everything into one staging folder and commits at the
     * end: the previous complete all stays as it was, every step and the report from that one run.
     */
    @Test
    void anInterruptedAllLeavesThePreviousCompleteAll() throws Exception {
        Path root = tmp.resolve("all");
        AllTest.runToy(root, AllTest.toySteps(Map.of()));
        var before = OutputFolderTest.snapshot(root);
        Process p = new ProcessBuilder(Path.of("jbang").toAbsolutePath().toString(), "all", "--quick", "--out", root.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("all.log").toFile()).start();
        for (int i = 0; i < 1200 && !Files.readString(tmp.resolve("all.log")).contains("./jbang deep "); i++) Thread.sleep(100);
        assertTrue(Files.readString(tmp.resolve("all.log")).contains("./jbang deep --out " + root.resolve("deep")), Files.readString(tmp.resolve("all.log")));
        Thread.sleep(1000);   // deep is training
        interrupt(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(before, OutputFolderTest.snapshot(root), "the previous complete all, byte for byte, and no staging");
    }

    static boolean gifBeingWritten(Path out) throws IOException {
        try (var all = Files.walk(out)) {
            return all.anyMatch(f -> f.getFileName().toString().startsWith(".boundary.gif.") && f.toString().contains(".staging-"));
        }
    }

    /** Ctrl-C: SIGINT to the JVM (the launcher execs it). */
    static void interrupt(Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor());
    }

    /** Two runs into one folder at once end with the files of one complete run. */
    @Test
    @NeedsBash
    void twoRunsIntoOneFolderEndWithOneCompleteRun() throws Exception {
        Path out = tmp.resolve("out");
        var runs = List.of(List.of("--epochs", "30", "--width", "8"), List.of("--epochs", "40", "--width", "16", "--save-weights",
                tmp.resolve("w.npz").toString()));
        var processes = new java.util.ArrayList<Process>();
        for (List<String> args : runs) {
            var cmd = new java.util.ArrayList<>(List.of(Path.of("jbang").toAbsolutePath().toString(), "lecture", "--out", out.toString()));
            cmd.addAll(args);
            processes.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }
        for (Process p : processes) assertEquals(0, p.waitFor());
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        assertTrue(history.size() == 31 || history.size() == 41, "one run's history: " + history.size());
        assertEquals(manifest(out), hashes(out), "every file the one complete run's, as its manifest says");
    }

    static void expectBadInput(Supplier<? extends Callable<Integer>> script, String message, String... args) {
        ScriptRun r = ScriptRun.of(script, args);
        assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in " + r.err());
    }

    /** The manifest of {@code dir}: name to size and SHA-256. */
    static Map<String, String> manifest(Path dir) throws IOException {
        var entries = new java.util.TreeMap<String, String>();
        for (String line : Files.readAllLines(dir.resolve(".outputs"))) {
            if (line.startsWith("#")) continue;
            String[] cells = line.split("\t");
            entries.put(cells[0], cells[1] + " " + cells[2]);
        }
        return entries;
    }

    /** Every visible file of {@code dir}: name to size and SHA-256. */
    static Map<String, String> hashes(Path dir) throws IOException {
        var files = new java.util.TreeMap<String, String>();
        try (var all = Files.list(dir)) {
            for (Path f : all.filter(f -> !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).toList()) {
                files.put(f.getFileName().toString(), Files.size(f) + " " + java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    static Map<String, String> snapshot(Path dir) throws IOException {
        var files = new java.util.TreeMap<String, String>();
        try (var all = Files.list(dir)) {
            for (Path f : all.toList()) files.put(f.getFileName().toString(), Files.size(f) + " " + Files.getLastModifiedTime(f));
        }
        return files;
    }
}
