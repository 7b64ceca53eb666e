import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of shared/ depend one way: a package uses only its own layer's package and lower layers, never a higher
 * one (from its imports and from names it writes out, such as {@code nn.Training}). The README's layout lists them in
 * this order.
 */
class PackageLayersTest {
    /** From the bottom up; packages on one layer do not use each other. */
    static final List<List<String>> LAYERS = List.of(
            List.of("speed"),            // OpenBLAS, element-wise loops, threads, timings: uses nothing of ours
            List.of("io"),               // the two failures a user is told about, files written whole, progress, number formats
            List.of("data"),             // two moons, points, .npz
            List.of("nn"),               // the lecture's nets, activations, training
            List.of("backprop"),         // exercise 2 by hand, the gradient check
            List.of("study"),            // the vanishing-gradient studies and their numbers
            List.of("report", "plot"),   // the words of the answers; the figures
            List.of("cli", "notebook")); // options, the command line's runner, output folders; the notebook kernel's session

    static final Path SHARED = Path.of("shared");
    static final Pattern USE = Pattern.compile("(?<![.\\w])([a-z]+)\\.[A-Z]\\w*");

    static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) if (LAYERS.get(i).contains(pkg)) return i;
        return -1;
    }

    @Test
    void everyPackageOfSharedHasALayerAndStandaloneKnowsIt() throws IOException {
        var folders = new TreeSet<String>();
        try (Stream<Path> dirs = Files.list(SHARED)) {
            dirs.filter(Files::isDirectory).forEach(d -> folders.add(d.getFileName().toString()));
        }
        var layered = new TreeSet<String>();
        LAYERS.forEach(layered::addAll);
        assertEquals(folders, layered, "a package of shared/ without a layer here, or a layer without its folder");
        assertEquals(folders, new TreeSet<>(standalone.PACKAGES), "standalone.PACKAGES (standalone, ReadableValuesTest)");
    }

    @Test
    void noPackageUsesAHigherOne() throws IOException {
        var upward = new ArrayList<String>();
        try (Stream<Path> files = Files.walk(SHARED)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String own = SHARED.relativize(file).getName(0).toString();
                // code only: comments and strings may name anything
                Matcher m = USE.matcher(standalone.withoutCommentsAndStrings(Files.readString(file)));
                var seen = new TreeSet<String>();
                while (m.find()) {
                    String used = m.group(1);
                    if (layerOf(used) >= 0 && !used.equals(own) && layerOf(used) >= layerOf(own) && seen.add(used)) {
                        upward.add(SHARED.relativize(file) + " (" + own + ", layer " + layerOf(own) + ") uses " + used + " (layer " + layerOf(used) + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), upward, "uses of a package on the same or a higher layer");
    }
}
