import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything a student meets in the shell prints readably: no {@code Name@hash}, no {@code [D@...}. Every public type of
 * shared/ that holds state declares its toString (a record's own one, when it holds arrays), and what the shell echoes
 * for the common values contains neither.
 */
class ReadableValuesTest {
    static final List<String> PACKAGES = List.of("backprop", "cli", "data", "nn", "notebook", "plot", "report", "speed", "study");

    @Test
    void everyPublicTypeWithStateDeclaresItsToString() throws Exception {
        var missing = new ArrayList<String>();
        for (Class<?> c : sharedClasses()) {
            if (!Modifier.isPublic(c.getModifiers()) || c.isInterface() || c.isEnum() || Throwable.class.isAssignableFrom(c)) continue;
            if (Arrays.stream(c.getDeclaredFields()).allMatch(f -> Modifier.isStatic(f.getModifiers()))) continue;   // no state
            boolean readable;
            if (c.isRecord()) {
                // a record's implicit toString is final and prints arrays as [D@...; one it declares itself is not final
                boolean arrays = Arrays.stream(c.getRecordComponents()).anyMatch(r -> r.getType().isArray());
                readable = !arrays || !Modifier.isFinal(c.getMethod("toString").getModifiers());
            } else {
                readable = c.getMethod("toString").getDeclaringClass() != Object.class
                        && PACKAGES.contains(c.getMethod("toString").getDeclaringClass().getPackageName());
            }
            if (!readable) missing.add(c.getName());
        }
        assertEquals(List.of(), missing, "types that would print as Name@hash or [D@...");
    }

    @Test
    void whatTheShellEchoesHasNoHashesNorArrayDumps(@TempDir Path tmp) throws Exception {
        String out = ShellTest.runShell("""
                var data = TwoMoons.lecture();
                data
                var net = Mlp.deep(3, 16, Activation.SIGMOID, DataType.FLOAT).initLikeTorch(1, WeightInit.XAVIER);
                net
                var sgd = new Sgd(net, 0.01, 0.99);
                sgd
                var history = Training.run("shell", net, sgd, data.train(), data.test(), 3, e -> {});
                history
                history.epochs().get(2)
                var hand = TwoLayerNet.heNormal(8, 0, DataType.FLOAT);
                hand
                var X = data.train().features(DataType.FLOAT);
                var f = ManualBackprop.forward(X, hand);
                f
                ManualBackprop.backward(X, data.train().oneHot(2, DataType.FLOAT), f, hand.W2())
                StandardScaler.fit(data.train().x())
                new NumpyRandomState(42)
                new TorchInit(0)
                ConfidenceGrid.Bounds.around(0.1, data.train())
                /exit
                """, tmp);
        List<String> echoed = out.lines().filter(l -> l.contains("==>")).toList();
        assertTrue(echoed.size() >= 15, out);
        Pattern unreadable = Pattern.compile("@[0-9a-f]{5,}|\\[[DIJF]@");
        for (String line : echoed) assertTrue(!unreadable.matcher(line).find(), "unreadable: " + line);
    }

    /** The classes of shared/'s packages compiled into the test runner's jar. */
    static List<Class<?>> sharedClasses() throws Exception {
        Path jar = jar();
        var classes = new ArrayList<Class<?>>();
        try (var zip = new ZipFile(jar.toFile())) {
            for (String name : zip.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList()) {
                int slash = name.indexOf('/');
                if (slash < 0 || !PACKAGES.contains(name.substring(0, slash))) continue;
                Class<?> c = Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), false,
                        ReadableValuesTest.class.getClassLoader());
                if (!c.isAnonymousClass() && !c.isSynthetic() && !c.isLocalClass()) classes.add(c);
            }
        }
        assertTrue(classes.size() > 40, "found the shared classes: " + classes.size());
        return classes;
    }

    static Path jar() throws URISyntaxException {
        return Path.of(ReadableValuesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
