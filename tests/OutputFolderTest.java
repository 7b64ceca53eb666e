import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cli.OutputFolder;
import io.BadInputException;
import io.Output;

/**
 * A run's outputs appear together or not at all, a folder holds one complete run, and a run replaces only files the
 * toolkit wrote there that still hold what it wrote: the user's files stay, byte for byte.
 */
class OutputFolderTest {
    static final List<String> OUTPUTS = List.of("*.csv", "*.png", "*.svg");

    @TempDir
    Path tmp;

    @Test
    void aCommittedRunReplacesThePreviousOneAndKeepsForeignFiles() throws IOException {
        Path dir = tmp.resolve("out");
        run(dir, "a.csv", "b.png");
        Files.writeString(dir.resolve("notes.txt"), "mine");                 // a file no run wrote
        List<Path> files = run(dir, "a.csv", "c.svg");
        assertEquals(List.of(dir.resolve("a.csv"), dir.resolve("c.svg")), files);
        assertEquals(new TreeSet<>(List.of(".outputs", "a.csv", "c.svg", "notes.txt")), names(dir), "b.png was the last run's: gone");
        assertEquals("c.svg", Files.readString(dir.resolve("c.svg")));
        assertEquals(new TreeSet<>(List.of("out")), names(tmp), "nothing beside the folder");
        String manifest = Files.readString(dir.resolve(".outputs"));
        assertTrue(manifest.contains("a.csv\t5\t") && manifest.contains("c.svg\t5\t") && !manifest.contains("notes"), manifest);
    }

    @Test
    void aRunThatEndsWithoutCommittingLeavesTheFolderAsItWas() throws IOException {
        Path dir = tmp.resolve("out");
        run(dir, "a.csv");
        var before = snapshot(dir);
        OutputFolder folder = OutputFolder.open(dir, "--out", OUTPUTS);
        Output.writeString(folder.resolve("a.csv"), "half of a new run");
        folder.discard();
        assertEquals(before, snapshot(dir));
        // a first run that fails leaves nothing at all, not even the folder and the parents it made
        OutputFolder fresh = OutputFolder.open(tmp.resolve("x").resolve("y").resolve("out"), "--out", OUTPUTS);
        OutputFolder.discardAll();
        assertFalse(Files.exists(tmp.resolve("x")));
        assertThrows(IllegalStateException.class, () -> fresh.commit(List.of()));
    }

    /** A figure drawn alongside may still be written after the run ended: it cannot make the staging folder again. */
    @Test
    void nothingCanBeWrittenIntoAStagingFolderOnceItIsGone() throws IOException {
        Path dir = tmp.resolve("out");
        OutputFolder folder = OutputFolder.open(dir, "--out", OUTPUTS);
        folder.discard();
        assertThrows(UncheckedIOException.class, () -> Output.writeString(folder.resolve("late.png"), "drawn too late"));
        assertFalse(Files.exists(dir), "no folder made again");
    }

    @Test
    void stagingFoldersOfProcessesThatNoLongerRunAreRemoved() throws IOException {
        Path dir = tmp.resolve("out");
        Path stale = Files.createDirectories(dir.resolve(".staging-" + Integer.MAX_VALUE + "-1"));   // no such process
        Files.writeString(stale.resolve("a.csv"), "left by a kill -9");
        run(dir, "b.csv");
        assertEquals(new TreeSet<>(List.of(".outputs", "b.csv")), names(dir));
    }

    @Test
    void badFoldersAreOneLineAndCreateNothing() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertTrue(refusal(Path.of("")).contains("--out must name a folder, got an empty value"));
        assertTrue(refusal(file).contains("is a file"));
        assertTrue(refusal(file.resolve("sub")).startsWith("--out: cannot create folder"));
        Path dangling = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        assertEquals("--out: " + dangling + " is a link to " + tmp.resolve("nowhere") + ", which does not exist; make that folder or name another",
                refusal(dangling));
        assertEquals(new TreeSet<>(List.of("file", "dangling")), names(tmp));
    }

    /** A file of an output's name that no run wrote there (the user's own history.csv) is refused before any work. */
    @Test
    void theUsersFilesAreNeverReplaced() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(dir.resolve("a.csv"), "mine");
        assertTrue(refusal(dir).contains(dir.resolve("a.csv") + " is a file that this toolkit did not write there"), refusal(dir));
        Files.delete(dir.resolve("a.csv"));
        Files.createDirectories(dir.resolve("b.svg"));   // a folder of an output's name
        assertTrue(refusal(dir).contains("b.svg is a folder, and this run would write a file of that name"), refusal(dir));
        Files.delete(dir.resolve("b.svg"));
        Files.createSymbolicLink(dir.resolve("c.png"), tmp);
        assertTrue(refusal(dir).contains("c.png is a link"), refusal(dir));
        assertEquals(new TreeSet<>(List.of("c.png")), names(dir), "nothing made");
    }

    /**
     * A file the toolkit wrote and the user changed since is the user's: a run that might write that name is refused, and
     * one changed during a run is neither replaced nor removed.
     */
    @Test
    void aChangedOutputIsTheUsers() throws IOException {
        Path dir = tmp.resolve("out");
        run(dir, "a.csv", "b.png");
        OutputFolder folder = OutputFolder.open(dir, "--out", OUTPUTS);
        Files.writeString(dir.resolve("b.png"), "edited during the run");
        folder.commit(List.of(Output.writeString(folder.resolve("a.csv"), "new")));   // b.png is not written again
        assertEquals("edited during the run", Files.readString(dir.resolve("b.png")));
        assertTrue(refusal(dir).contains("b.png is a file that this toolkit did not write there (or that was changed since)"), refusal(dir));
        Files.delete(dir.resolve("b.png"));
        Files.writeString(dir.resolve("a.csv"), "edited");
        assertTrue(refusal(dir).contains("a.csv is a file that this toolkit did not write there (or that was changed since)"));
        assertEquals("edited", Files.readString(dir.resolve("a.csv")));
    }

    /** A file of an output's name that appears during the run is not replaced: the commit fails and changes nothing. */
    @Test
    void aFileThatAppearsDuringTheRunIsNotReplaced() throws IOException {
        Path dir = tmp.resolve("out");
        run(dir, "a.csv");
        OutputFolder folder = OutputFolder.open(dir, "--out", OUTPUTS);
        Files.writeString(dir.resolve("b.png"), "mine");
        var written = List.of(Output.writeString(folder.resolve("a.csv"), "new"), Output.writeString(folder.resolve("b.png"), "new"));
        var before = snapshot(dir);
        before.keySet().removeIf(f -> f.startsWith(".staging-"));
        var e = assertThrows(UncheckedIOException.class, () -> folder.commit(written));
        assertTrue(e.getCause().getMessage().contains("b.png appeared or was changed during the run"), e.getCause().getMessage());
        assertEquals(before, snapshot(dir));
    }

    /** A manifest of an older version lists names only: those files are taken as the toolkit's. */
    @Test
    void anOlderManifestListsNamesOnly() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(dir.resolve("a.csv"), "old");
        Files.writeString(dir.resolve("b.png"), "old");
        Files.writeString(dir.resolve(".outputs"), "a.csv\nb.png\n");
        run(dir, "a.csv");
        assertEquals(new TreeSet<>(List.of(".outputs", "a.csv")), names(dir));
        assertEquals("a.csv", Files.readString(dir.resolve("a.csv")));
    }

    /** An input in the output folder, or the output folder itself through a link, is refused before any work. */
    @Test
    void inputsInsideTheOutputFolderAreRefused() throws IOException {
        Path dir = tmp.resolve("out");
        run(dir, "train.csv");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        var train = new OutputFolder.Input("--train", dir.resolve("train.csv"));
        assertTrue(refusal(dir, train).startsWith("--train: " + dir.resolve("train.csv") + " is inside the --out folder " + dir), refusal(dir, train));
        var from = new OutputFolder.Input("--from", dir);
        assertTrue(refusal(link, from).startsWith("--from: " + dir + " is the --out folder (" + dir.toRealPath() + ", through a link)"), refusal(link, from));
        var elsewhere = new OutputFolder.Input("--from", tmp.resolve("deep"));
        OutputFolder.open(link, "--out", OUTPUTS, elsewhere).discard();   // other folders are fine, links or not
        assertEquals(new TreeSet<>(List.of(".outputs", "train.csv")), names(dir));
    }

    /** Outputs inside folders (all's steps): each folder has its own manifest and keeps its user's files. */
    @Test
    void foldersInsideTheOutputFolderCommitWithTheirOwnManifests() throws IOException {
        Path dir = tmp.resolve("all");
        List<String> outputs = List.of("report.md", "lecture/*.csv", "deep/*.csv");
        OutputFolder root = OutputFolder.open(dir, "--out", outputs);
        OutputFolder lecture = OutputFolder.open(root.dir().resolve("lecture"), "--out", List.of("*.csv"));   // a step, committed inside
        lecture.commit(List.of(Output.writeString(lecture.resolve("history.csv"), "1")));
        root.commit(List.of(Output.writeString(root.resolve("report.md"), "r1"), root.dir().resolve("lecture"), root.mkdirs("deep")));
        assertEquals(new TreeSet<>(List.of(".outputs", "history.csv")), names(dir.resolve("lecture")));
        Files.writeString(dir.resolve("lecture").resolve("notes.txt"), "mine");

        // the next run: lecture fails (nothing written), deep writes a file; lecture's previous file goes, the user's stays
        OutputFolder again = OutputFolder.open(dir, "--out", outputs);
        OutputFolder deep = OutputFolder.open(again.dir().resolve("deep"), "--out", List.of("*.csv"));
        deep.commit(List.of(Output.writeString(deep.resolve("runs.csv"), "2")));
        again.commit(List.of(Output.writeString(again.resolve("report.md"), "r2"), again.mkdirs("lecture"), again.dir().resolve("deep")));
        assertEquals(new TreeSet<>(List.of(".outputs", "notes.txt")), names(dir.resolve("lecture")));
        assertEquals(new TreeSet<>(List.of(".outputs", "runs.csv")), names(dir.resolve("deep")));
        assertEquals(new TreeSet<>(List.of(".outputs", "deep", "lecture", "report.md")), names(dir));
    }

    /** A commit that cannot complete (a previous file made immutable) puts the previous run back, whole. */
    @Test
    void aCommitThatCannotCompleteRollsBack() throws Exception {
        Path dir = tmp.resolve("out");
        run(dir, "a.csv", "b.png", "c.svg");
        assumeTrue(chattr("+i", dir.resolve("c.svg")), "needs chattr +i (root, a file system with inode flags)");
        try {
            var before = snapshot(dir);
            OutputFolder folder = OutputFolder.open(dir, "--out", OUTPUTS);
            var written = Stream.of("a.csv", "b.png", "c.svg", "d.csv").map(n -> Output.writeString(folder.resolve(n), "new " + n)).toList();
            var e = assertThrows(UncheckedIOException.class, () -> folder.commit(written));
            assertTrue(e.getMessage().contains("cannot move the outputs into " + dir + "; it holds the previous run's files as they were"), e.getMessage());
            assertEquals(before, snapshot(dir), "the previous run, byte for byte, and no staging folder");
        } finally {
            chattr("-i", dir.resolve("c.svg"));
        }
    }

    /** A mount point, and a link to another file system: the staging folder is inside, so the files move in. */
    @Test
    void mountPointsAndLinksToOtherFileSystemsWork() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("disk"));
        assumeTrue(mount(disk, "size=300k"), "needs root to mount a tmpfs (a second file system)");
        try {
            run(disk, "a.csv");
            Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectories(disk.resolve("sub")));
            run(link, "b.csv");
            run(link, "c.csv");
            assertEquals(new TreeSet<>(List.of(".outputs", "a.csv", "sub")), names(disk));
            assertEquals(new TreeSet<>(List.of(".outputs", "c.csv")), names(disk.resolve("sub")));
        } finally {
            umount(disk);
        }
    }

    /** A run into {@code dir} that writes {@code names} (each file holding its own name) and commits. */
    static List<Path> run(Path dir, String... names) {
        OutputFolder folder = OutputFolder.open(dir, "--out", OUTPUTS);
        var written = Stream.of(names).map(n -> Output.writeString(folder.resolve(n), n)).toList();
        return folder.commit(written);
    }

    static String refusal(Path dir, OutputFolder.Input... inputs) {
        return assertThrows(BadInputException.class, () -> OutputFolder.open(dir, "--out", OUTPUTS, inputs)).getMessage();
    }

    static TreeSet<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
        }
    }

    /** Every file and folder below {@code dir}, with its bytes' hash and modification time. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        var all = new TreeMap<String, String>();
        try (var files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                all.put(dir.relativize(f).toString(), Files.isRegularFile(f) ? java.util.Arrays.hashCode(Files.readAllBytes(f)) + " "
                        + Files.getLastModifiedTime(f) : "folder");
            }
        }
        return all;
    }

    static boolean chattr(String flag, Path file) throws Exception {
        try {
            return new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;   // no chattr
        }
    }

    static boolean mount(Path dir, String options) throws Exception {
        try {
            return new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;   // no mount
        }
    }

    static void umount(Path dir) throws Exception {
        new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start().waitFor();
    }
}
