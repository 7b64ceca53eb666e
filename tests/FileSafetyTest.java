import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import nn.Activation;
import nn.Mlp;

/**
 * Issue 18's table, row by row: what the user had before a run is there after it, byte for byte, unless the toolkit
 * wrote it; a folder holds one complete run; a file whose numbers a step cannot represent is bad input. (Rows 4 and 10,
 * standalone, are in StandaloneTest; row 8, all interrupted, in ReliabilityTest; row 16, did you mean, in CliTest.)
 */
class FileSafetyTest {
    static final List<String> TINY = List.of("--epochs", "3", "--width", "4");

    @TempDir
    Path tmp;

    /** Row 1: moons --out D, then lecture --train D/train.csv --test D/test.csv --out D deleted its own inputs. */
    @Test
    void inputsInsideTheOutputFolderAreRefused() throws IOException {
        Path d = tmp.resolve("D");
        assertEquals(0, ScriptRun.of(moons::new, "--samples", "60", "--out", d.toString()).code());
        var before = OutputFolderTest.snapshot(d);
        ScriptRun r = run(lecture::new, "--train", d.resolve("train.csv").toString(), "--test", d.resolve("test.csv").toString(), "--out", d.toString());
        assertBadInput(r, "error: --train: " + d.resolve("train.csv") + " is inside the --out folder " + d);
        assertEquals(before, OutputFolderTest.snapshot(d));
    }

    /** Row 2: gradnorms --from DEEP --out LINK, LINK a link to DEEP, deleted deep's files. */
    @Test
    void fromAndOutTheSameFolderThroughALinkIsRefused() throws IOException {
        Path deep = deep(tmp.resolve("DEEP"));
        Path link = Files.createSymbolicLink(tmp.resolve("LINK"), deep);
        var before = OutputFolderTest.snapshot(deep);
        ScriptRun r = ScriptRun.of(gradnorms::new, "--from", deep.toString(), "--out", link.toString());
        assertBadInput(r, "error: --from: " + deep + " is the --out folder (" + deep.toRealPath() + ", through a link)");
        assertEquals(before, OutputFolderTest.snapshot(deep));
        assertEquals(0, ScriptRun.of(gradnorms::new, "--from", deep.toString(), "--out", tmp.resolve("G").toString()).code(), "--from still works");
    }

    /** Row 3: a folder holding the user's own history.csv (no manifest): the file was replaced. */
    @Test
    void theUsersOwnFileOfAnOutputsNameIsRefused() throws IOException {
        Path x = Files.createDirectories(tmp.resolve("X"));
        Files.writeString(x.resolve("history.csv"), "my own history\n");
        Files.writeString(x.resolve("notes.txt"), "mine\n");
        ScriptRun r = run(lecture::new, "--out", x.toString());
        assertBadInput(r, "error: --out: " + x.resolve("history.csv") + " is a file that this toolkit did not write there");
        assertEquals("my own history\n", Files.readString(x.resolve("history.csv")));
        Files.delete(x.resolve("history.csv"));
        assertEquals(0, run(lecture::new, "--out", x.toString()).code());
        assertEquals("mine\n", Files.readString(x.resolve("notes.txt")), "files of the user's own stay");
    }

    /** Row 4 (standalone's is in StandaloneTest): no output file replaces or adds to the checkout's sources. */
    @Test
    void outputFilesNeverReplaceTheCheckoutsSources() throws IOException {
        Path fixture = Path.of("tests", "fixtures", "deep3x16_seed7_init.npz");
        byte[] before = Files.readAllBytes(fixture);
        assertBadInput(run(lecture::new, "--save-weights", fixture.toString()), "error: --save-weights: " + fixture + " is a file of the "
                + "toolkit's checkout");
        assertBadInput(ScriptRun.of(backward::new, "--hidden", "2", "--grads-out", "shared/grads.npz"), "error: --grads-out: shared/grads.npz "
                + "is a place of the toolkit's checkout");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(fixture)) && !Files.exists(Path.of("shared", "grads.npz")));
    }

    /** Row 5: --out a mount point, or a link to another file system: the staging folder sat beside it, on the parent's. */
    @Test
    void mountPointsAndLinksToAnotherFileSystemWork() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        assumeTrue(OutputFolderTest.mount(disk, "size=2m"), "needs root to mount a tmpfs (a second file system)");
        try {
            assertEquals(0, run(lecture::new, "--out", disk.toString()).code());
            Path link = Files.createSymbolicLink(tmp.resolve("usb"), Files.createDirectories(disk.resolve("sub")));
            ScriptRun r = run(lecture::new, "--out", link.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals(ReliabilityTest.manifest(disk), ReliabilityTest.hashes(disk));
            assertEquals(ReliabilityTest.manifest(disk.resolve("sub")), ReliabilityTest.hashes(disk.resolve("sub")));
            assertTrue(OutputFolderTest.names(disk).stream().noneMatch(n -> n.startsWith(".staging")), "no staging left");
        } finally {
            OutputFolderTest.umount(disk);
        }
    }

    /** Row 6: --out a dangling link: a fault after the training. */
    @Test
    void aDanglingLinkIsRefusedUpFront() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        assertBadInput(run(lecture::new, "--out", link.toString()), "error: --out: " + link + " is a link to " + tmp.resolve("nowhere")
                + ", which does not exist");
        assertEquals(List.of("dangling"), List.copyOf(OutputFolderTest.names(tmp)));
    }

    /** Row 7: a file of the previous run that cannot be moved: 6 of 7 files moved in, a folder mixing two runs. */
    @Test
    void anUnmovablePreviousFileLeavesThePreviousRunWhole() throws Exception {
        Path v = Files.createDirectories(tmp.resolve("V"));
        Files.createDirectories(v.resolve("loss.svg"));   // the user's folder of an output's name: refused before any work
        assertBadInput(run(lecture::new, "--out", v.toString()), "error: --out: " + v.resolve("loss.svg") + " is a folder, and this run "
                + "would write a file of that name");
        Path u = tmp.resolve("U");
        assertEquals(0, run(lecture::new, "--out", u.toString()).code());
        assumeTrue(OutputFolderTest.chattr("+i", u.resolve("history.csv")), "needs chattr +i (root, a file system with inode flags)");
        try {
            var before = OutputFolderTest.snapshot(u);
            ScriptRun r = ScriptRun.of(lecture::new, "--epochs", "4", "--width", "4", "--out", u.toString());
            assertEquals(1, r.code(), r.err());
            assertEquals("error: cannot move the outputs into " + u + "; it holds the previous run's files as they were (Operation not permitted)",
                    r.err().strip());
            assertEquals(before, OutputFolderTest.snapshot(u), "the previous run, byte for byte, and no staging");
        } finally {
            OutputFolderTest.chattr("-i", u.resolve("history.csv"));
        }
    }

    /** Row 9: train-manual --lr 1e10 diverged and committed a 0-byte GIF temp file; with chattr +a on the parent a staging stayed. */
    @Test
    void aDivergedRunCommitsItsHistoryAndNothingElse() throws Exception {
        Path out = tmp.resolve("TM");
        ScriptRun r = ScriptRun.of(train_manual::new, "--lr", "1e10", "--hidden", "4", "--epochs", "20", "--out", out.toString());
        assertEquals(3, r.code(), r.err());
        assertEquals(List.of(".outputs", "history.csv"), List.copyOf(OutputFolderTest.names(out)));
        assertEquals(ReliabilityTest.manifest(out), ReliabilityTest.hashes(out));
        Path parent = Files.createDirectories(tmp.resolve("AP"));
        assumeTrue(OutputFolderTest.chattr("+a", parent), "needs chattr +a (root, a file system with inode flags)");
        try {
            r = ScriptRun.of(train_manual::new, "--lr", "1e10", "--hidden", "4", "--epochs", "20", "--out", parent.resolve("out").toString());
            assertEquals(3, r.code(), r.err());
            assertEquals(List.of("out"), List.copyOf(OutputFolderTest.names(parent)));
            assertEquals(List.of(".outputs", "history.csv"), List.copyOf(OutputFolderTest.names(parent.resolve("out"))));
        } finally {
            OutputFolderTest.chattr("-a", parent);
        }
    }

    /** Row 11: an .npz whose output.bias is uint64 18446744073709551615 was read as -1.0. */
    @Test
    void integersNoWeightHoldsAreRefused() throws IOException {
        Map<String, INDArray> state = Mlp.lecture(4, Activation.RELU, DataType.FLOAT).initLikeTorch(0).stateDict();
        var entries = new java.util.LinkedHashMap<String, byte[]>();
        state.forEach((k, v) -> entries.put(k, k.equals("output.bias") ? npy("<u8", new long[] {-1L, 0}) : npyOf(v)));
        Path u64 = writeNpz(tmp.resolve("u64.npz"), entries);
        assertBadInput(run(lecture::new, "--init", u64.toString()), "error: --init: " + u64 + ": array 'output.bias' holds 18446744073709551615 at [0], "
                + "beyond what a float32 or float64 weight holds exactly");
        entries.put("output.bias", npy("<i8", new long[] {16_777_217L, 0}));   // 2^24 + 1: float32 rounds it
        assertBadInput(run(lecture::new, "--init", writeNpz(u64, entries).toString()), "error: --init: key 'output.bias' holds at [0] the integer "
                + "16777217, which a float32 weight does not hold exactly");
        entries.put("output.bias", npy("<i8", new long[] {3, -3}));   // integers a float holds: taken, as PyTorch takes them
        assertEquals(0, run(lecture::new, "--init", writeNpz(u64, entries).toString(), "--out", tmp.resolve("ok").toString()).code());
        entries.put("output.bias", npy("<f8", new double[] {1e300, 0}));
        assertBadInput(run(lecture::new, "--init", writeNpz(u64, entries).toString()), "error: --init: key 'output.bias' holds at [0] 1.0E300, "
                + "beyond float32's range");
    }

    /** Row 12: deep's gradnorms.csv with a NaN norm, then gradnorms --from: the NaN went into gradnorms' outputs. */
    @Test
    void aNaNInDeepsFilesIsRefused() throws IOException {
        Path deep = deep(tmp.resolve("DEEP"));
        List<String> lines = new ArrayList<>(Files.readAllLines(deep.resolve("gradnorms.csv")));
        lines.set(2, lines.get(2).replaceFirst(",[^,]*$", ",NaN"));
        Files.write(deep.resolve("gradnorms.csv"), lines);
        Path out = tmp.resolve("G");
        assertBadInput(ScriptRun.of(gradnorms::new, "--from", deep.toString(), "--out", out.toString()), "error: --from: "
                + deep.resolve("gradnorms.csv") + " line 3: norm 'NaN' is not a finite decimal number >= 0");
        assertFalse(Files.exists(out));
    }

    /** Rows 13 and 14: coordinates 0x1p-1, 1.5d, 2f were accepted; 1e308 was "diverged ... try a smaller --lr". */
    @Test
    void coordinatesAreDecimalNumbersTheNetHolds() throws IOException {
        for (String bad : List.of("0x1p-1", "1.5d", "2f", "NaN", "Infinity", "1e999", "1_0", "\u0661")) {
            Path csv = Files.writeString(tmp.resolve("bad.csv"), "x1,x2,label\n0.5,0.25,1\n" + bad + ",0.5,0\n");
            for (Supplier<? extends Callable<Integer>> script : List.<Supplier<? extends Callable<Integer>>>of(lecture::new, train_manual::new, depth::new)) {
                assertBadInput(ScriptRun.of(script, "--train", csv.toString(), "--test", csv.toString()), "error: --train: " + csv
                        + " line 3: coordinate must be a finite decimal number (e.g. -1.25 or 3e-2), found '" + bad + "'");
            }
        }
        Path big = Files.writeString(tmp.resolve("big.csv"), "x1,x2,label\n1e308,0.5,1\n0.1,0.5,0\n");
        assertBadInput(run(lecture::new, "--train", big.toString(), "--test", big.toString()), "error: --train: " + big
                + " line 2: coordinate 1e308 is beyond float32's range (about 3.4e38 either way), the precision the net computes in");
        Path large = Files.writeString(tmp.resolve("large.csv"), "x1,x2,label\n3e38,-3e38,1\n0.1,0.5,0\n");
        ScriptRun r = ScriptRun.of(lecture::new, "--train", large.toString(), "--test", large.toString(), "--epochs", "2", "--out",
                tmp.resolve("l").toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("diverged at epoch 0") && r.err().contains("at the initial weights, before any update: the inputs or "
                + "the initial weights are too large for the net's numbers, whatever the learning rate"), r.err());
    }

    /** Row 15: gradnorms --width 1 was an internal error (and every width-1 product was left undone by BLAS). */
    @Test
    void widthOneWorks() throws IOException {
        Path out = tmp.resolve("W1");
        ScriptRun r = ScriptRun.of(gradnorms::new, "--width", "1", "--runs", "1", "--epochs", "3", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> sigmoid = Files.readAllLines(out.resolve("gradnorms.csv")).stream().filter(l -> l.startsWith("sigmoid,")).toList();
        assertTrue(sigmoid.stream().allMatch(l -> Double.parseDouble(l.substring(l.lastIndexOf(',') + 1)) > 0), "sigmoid's gradients: " + sigmoid);
    }

    /** Row 17: refusals named Java exception classes (NoSuchFileException, FileSystemException) instead of saying what is wrong. */
    @Test
    void refusalsSayWhatIsWrongInWords() throws Exception {
        ScriptRun r = run(lecture::new, "--out", "/proc/foo");
        assertBadInput(r, "error: --out: cannot create folder /proc/foo (no such file or folder)");
        Path longName = tmp.resolve("a".repeat(300));
        assertBadInput(run(lecture::new, "--out", longName.toString()), "error: --out: cannot create folder " + longName + " (File name too long)");
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        assumeTrue(OutputFolderTest.mount(ro, "size=100k,ro"), "needs root to mount a read-only tmpfs");
        try {
            assertBadInput(run(lecture::new, "--out", ro.resolve("x").toString()), "error: --out: cannot create folder " + ro.resolve("x")
                    + " (Read-only file system)");
        } finally {
            OutputFolderTest.umount(ro);
        }
    }

    // ---- helpers ----

    static ScriptRun run(Supplier<? extends Callable<Integer>> script, String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(TINY);
        return ScriptRun.of(script, all.toArray(String[]::new));
    }

    /** One line, exit 2, starting with {@code start}, no Java class name. */
    static void assertBadInput(ScriptRun r, String start) {
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().strip().startsWith(start), "expected '" + start + "...', got: " + r.err());
        assertFalse(r.err().matches("(?s).*\\b[A-Z]\\w*(Exception|Error)\\b.*"), "no Java class names: " + r.err());
    }

    /** A toy deep folder. */
    static Path deep(Path out) {
        ScriptRun r = ScriptRun.of(deep::new, "--runs", "1", "--epochs", "3", "--width", "4", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        return out;
    }

    static byte[] npyOf(INDArray a) {
        try {
            return org.nd4j.linalg.factory.Nd4j.toNpyByteArray(a.dup('c'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A .npy of a 1-D array with dtype {@code descr} ({@code <u8}, {@code <i8}, {@code <f8}), as numpy writes it. */
    static byte[] npy(String descr, Object values) {
        int n = values instanceof long[] l ? l.length : ((double[]) values).length;
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + n + ",), }";
        header += " ".repeat(63 - (10 + header.length()) % 64) + "\n";
        var data = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            if (values instanceof long[] l) data.putLong(l[i]);
            else data.putDouble(((double[]) values)[i]);
        }
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length()).array());
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    static Path writeNpz(Path file, Map<String, byte[]> arrays) throws IOException {
        try (var zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (var e : arrays.entrySet()) {
                var entry = new ZipEntry(e.getKey() + ".npy");
                var crc = new CRC32();
                crc.update(e.getValue());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                entry.setCompressedSize(e.getValue().length);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }
}
