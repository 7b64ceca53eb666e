import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./jbang shell: JShell that has loaded every shared class (without errors) and runs what a student types. */
class ShellTest {
    static final Path CHECKOUT = shell.sharedDir().getParent();

    @Test
    void studentStatementsRunAndEverySharedClassIsLoaded(@TempDir Path tmp) throws Exception {
        String typed = """
                var data = TwoMoons.lecture();
                System.out.println("train=" + data.train().size() + " test=" + data.test().size());
                var x = data.train().features(DataType.FLOAT);
                System.out.println("shape=" + java.util.Arrays.toString(x.shape()));
                System.out.println("xchart=" + new org.knowm.xchart.XYChart(300, 200).getWidth());
                /types
                /exit
                """;
        String out = runShell(typed, tmp);

        assertTrue(out.contains("train=800 test=200"), out);
        assertTrue(out.contains("shape=[800, 2]"), out);
        assertTrue(out.contains("xchart=300"), out);
        // JShell reports a rejected snippet with "Error:" and a thrown exception as "|  Exception java...".
        List<String> errors = out.lines().filter(l -> l.contains("Error:") || l.matches(".*\\|\\s+Exception\\s.*")).toList();
        assertEquals(List.of(), errors, out);
        // /types lists what JShell declared: a shared class it rejected (or never got) is missing, and one still
        // waiting for a class is followed by "which cannot be referenced until ...".
        Set<String> usable = new TreeSet<>();
        List<String> lines = out.lines().toList();
        Pattern type = Pattern.compile("\\|\\s+(?:class|interface|enum|record)\\s+(\\w+)\\s*");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = type.matcher(lines.get(i));
            boolean waiting = i + 1 < lines.size() && lines.get(i + 1).contains("cannot be referenced until");
            if (m.find() && !waiting) usable.add(m.group(1));
        }
        assertTrue(usable.containsAll(sharedClassNames()), "not loaded: " + missing(sharedClassNames(), usable) + "\n" + out);
    }

    @Test
    void everySharedFileLoadsAfterTheSharedClassesItNames() throws IOException {
        Path shared = CHECKOUT.resolve("shared");
        List<Path> order = shell.loadOrder(shared);
        assertEquals(new TreeSet<>(sharedFiles()), new TreeSet<>(order));
        // The two kinds of forward reference JShell cannot mend, as they occur in shared/ today.
        assertBefore(order, "BadInputException", "Cli");
        assertBefore(order, "BadInputException", "Output");
        assertBefore(order, "Output", "Charts");
        assertBefore(order, "Points", "TwoMoons");
    }

    @Test
    void namesInCommentsAndStringsAreNoDependencies() {
        String code = shell.withoutCommentsAndLiterals("""
                /** Uses {@link Mlp}. */
                class A { // Charts
                    String s = "Output \\" Npz"; char q = '"'; char e = '\\''; String t = \"""
                        Cli \""";
                    Points p; /* Sgd */
                }
                record B(int x) {}
                """);
        assertTrue(code.contains("Points"), code);
        for (String hidden : List.of("Mlp", "Charts", "Output", "Npz", "Cli", "Sgd")) {
            assertTrue(!code.contains(hidden), hidden + " left in: " + code);
        }
        assertEquals(List.of("A", "B"), shell.topLevelTypes(code));
    }

    static void assertBefore(List<Path> order, String first, String then) {
        int a = indexOf(order, first);
        int b = indexOf(order, then);
        if (a < 0 || b < 0) return; // a file that does not exist (yet) imposes no order
        assertTrue(a < b, first + " must load before " + then + ": " + order);
    }

    static int indexOf(List<Path> order, String className) {
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).getFileName().toString().equals(className + ".java")) return i;
        }
        return -1;
    }

    static List<Path> sharedFiles() throws IOException {
        try (var files = Files.list(CHECKOUT.resolve("shared"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".java")).toList();
        }
    }

    /** One class per shared file, named as the file. */
    static Set<String> sharedClassNames() throws IOException {
        Set<String> names = new TreeSet<>();
        for (Path f : sharedFiles()) names.add(f.getFileName().toString().replaceFirst("\\.java$", ""));
        return names;
    }

    static Set<String> missing(Set<String> wanted, Set<String> got) {
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(got);
        return missing;
    }

    /** Runs ./jbang shell from the checkout with {@code typed} as stdin (no TTY, as on CI); stdout and stderr. */
    static String runShell(String typed, Path tmp) throws IOException, InterruptedException {
        Path input = tmp.resolve("typed.jsh");
        Path output = tmp.resolve("shell.out");
        Files.writeString(input, typed);
        Process p = new ProcessBuilder("./jbang", "shell").directory(CHECKOUT.toFile())
                .redirectInput(input.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        // Generous: the first start builds the launcher and JShell compiles every shared file, on a busy machine.
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("./jbang shell did not exit within 10 minutes:\n" + Files.readString(output));
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
