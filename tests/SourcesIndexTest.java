import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * shared/sources.java names every source file of shared/: the scripts include it instead of a glob, because JBang
 * fetches named files over HTTP (jbang lecture@URL) but expands no glob there. Kept equal to the tree by this test.
 */
class SourcesIndexTest {
    static final Path SHARED = Path.of("shared");
    static final Path INDEX = SHARED.resolve("sources.java");
    /** The command that writes the index anew from the tree (its header says so too). */
    static final String REGENERATE = "{ sed '/^\\/\\/SOURCES /d' shared/sources.java; (cd shared && find . -name '*.java' ! -name sources.java"
            + " | sed 's|^\\./|//SOURCES |' | LC_ALL=C sort); } > shared/sources.new && mv shared/sources.new shared/sources.java";

    @Test
    void theIndexNamesEverySourceOfShared() throws IOException {
        var listed = new TreeSet<String>();
        for (String line : Files.readAllLines(INDEX)) {
            if (line.startsWith("//SOURCES ")) listed.addAll(List.of(line.substring("//SOURCES ".length()).trim().split("\\s+")));
        }
        var onDisk = new TreeSet<String>();
        try (Stream<Path> files = Files.walk(SHARED)) {
            files.filter(f -> f.toString().endsWith(".java") && !f.equals(INDEX))
                    .forEach(f -> onDisk.add(SHARED.relativize(f).toString().replace('\\', '/')));
        }
        var missing = new TreeSet<>(onDisk);
        missing.removeAll(listed);
        var extra = new TreeSet<>(listed);
        extra.removeAll(onDisk);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "shared/sources.java must name every .java file of shared/, and only those: "
                + (missing.isEmpty() ? "" : "add " + missing.stream().map(f -> "'//SOURCES " + f + "'").toList() + " ")
                + (extra.isEmpty() ? "" : "remove " + extra.stream().map(f -> "'//SOURCES " + f + "'").toList() + " ")
                + "(or write it anew from the tree, in the checkout: " + REGENERATE + ")");
        assertTrue(Files.readString(INDEX).contains(REGENERATE), "the index's header gives the command that writes it: " + REGENERATE);
    }

    /** No script includes sources by a glob (it would not run by URL); the ones that use shared/ include the index. */
    @Test
    void scriptsNameTheirSourcesWithoutAGlob() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("scripts"))) {
            for (Path script : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> sources = Files.readAllLines(script).stream().filter(l -> l.startsWith("//SOURCES")).toList();
                for (String line : sources) assertTrue(!line.contains("*"), script + ": " + line);
                boolean usesShared = sources.stream().anyMatch(l -> l.contains("../shared/"));
                if (usesShared && !script.endsWith("standalone.java")) {
                    assertTrue(sources.contains("//SOURCES ../shared/sources.java"), script + " includes shared/ through its index");
                }
            }
        }
        assertEquals(List.of(), Files.readAllLines(INDEX).stream().filter(l -> l.startsWith("//SOURCES") && l.contains("*")).toList());
    }
}
