import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cli.OutputFolder;
import io.BadInputException;
import io.Output;

/** A run's outputs appear together or not at all, and the folder always holds one complete run. */
class OutputFolderTest {
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
        assertEquals(new TreeSet<>(List.of("out")), names(tmp), "no staging folder left");
    }

    @Test
    void aRunThatEndsWithoutCommittingLeavesTheFolderAsItWas() throws IOException {
        Path dir = tmp.resolve("out");
        run(dir, "a.csv");
        OutputFolder folder = OutputFolder.open(dir, "--out");
        Output.writeString(folder.resolve("a.csv"), "half of a new run");
        folder.discard();
        assertEquals("a.csv", Files.readString(dir.resolve("a.csv")));
        assertEquals(new TreeSet<>(List.of("out")), names(tmp));
        // a first run that fails leaves nothing at all, not even the parents it would have made
        OutputFolder fresh = OutputFolder.open(tmp.resolve("x").resolve("y").resolve("out"), "--out");
        OutputFolder.discardAll();
        assertFalse(Files.exists(tmp.resolve("x")));
        assertThrows(IllegalStateException.class, () -> fresh.commit(List.of()));
    }

    @Test
    void stagingFoldersOfProcessesThatNoLongerRunAreRemoved() throws IOException {
        Path dir = tmp.resolve("out");
        Path stale = Files.createDirectories(tmp.resolve(".out.staging-" + Integer.MAX_VALUE + "-1"));   // no such process
        Files.writeString(stale.resolve("a.csv"), "left by a kill -9");
        run(dir, "b.csv");
        assertEquals(new TreeSet<>(List.of("out")), names(tmp));
    }

    @Test
    void badFoldersAreOneLineAndCreateNothing() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertTrue(assertThrows(BadInputException.class, () -> OutputFolder.open(Path.of(""), "--out")).getMessage()
                .contains("--out must name a folder, got an empty value"));
        assertTrue(assertThrows(BadInputException.class, () -> OutputFolder.open(file, "--out")).getMessage().contains("is a file"));
        assertTrue(assertThrows(BadInputException.class, () -> OutputFolder.open(file.resolve("sub"), "--out")).getMessage()
                .startsWith("--out: cannot create folder"));
        assertEquals(new TreeSet<>(List.of("file")), names(tmp));
    }

    /** A run into {@code dir} that writes {@code names} (each file holding its own name) and commits. */
    static List<Path> run(Path dir, String... names) {
        OutputFolder folder = OutputFolder.open(dir, "--out");
        var written = Stream.of(names).map(n -> Output.writeString(folder.resolve(n), n)).toList();
        return folder.commit(written);
    }

    static TreeSet<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
        }
    }
}
