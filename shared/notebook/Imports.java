package notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipFile;

/**
 * What the shell and the notebooks import, so that {@code var data = TwoMoons.lecture();} works as typed: ND4J's usual
 * types and every package of shared/ (as JBang compiled it into the script's jar).
 */
public final class Imports {
    private Imports() {}

    /** The ND4J types a student meets first, by name. */
    public static final List<String> ND4J = List.of("org.nd4j.linalg.api.buffer.DataType", "org.nd4j.linalg.api.ndarray.INDArray",
            "org.nd4j.linalg.factory.Nd4j", "org.nd4j.linalg.indexing.NDArrayIndex", "org.nd4j.linalg.ops.transforms.Transforms");

    /** ND4J's types and every package compiled into {@code script}'s jar, as {@code import} takes them ({@code data.*}). */
    public static List<String> toolkit(Class<?> script) {
        var imports = new ArrayList<>(ND4J);
        for (String p : packagesOf(script)) imports.add(p + ".*");
        return imports;
    }

    /** The packages of the classes in {@code script}'s jar: shared/'s folders, as JBang compiled them. */
    public static List<String> packagesOf(Class<?> script) {
        try {
            Path jar = Path.of(script.getProtectionDomain().getCodeSource().getLocation().toURI());
            var packages = new TreeSet<String>();
            try (var zip = new ZipFile(jar.toFile())) {
                zip.stream().map(e -> e.getName())
                        .filter(n -> n.endsWith(".class") && n.indexOf('/') > 0 && !n.startsWith("META-INF/"))
                        .forEach(n -> packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
            }
            return List.copyOf(packages);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
