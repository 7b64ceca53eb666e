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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./jbang shell: JShell that imports every shared class and runs what a student types. */
@NeedsBash
class ShellTest {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();

    @Test
    void studentStatementsRunAndEverySharedClassIsImported(@TempDir Path tmp) throws Exception {
        var typed = new StringBuilder("""
                var data = TwoMoons.lecture();
                System.out.println("train=" + data.train().size() + " test=" + data.test().size());
                var x = data.train().features(DataType.FLOAT);
                System.out.println("shape=" + java.util.Arrays.toString(x.shape()));
                System.out.println("xchart=" + new org.knowm.xchart.XYChart(300, 200).getWidth());
                """);
        // Every shared class by its simple name: the shell imports every package of shared/.
        for (String name : sharedClassNames()) typed.append("System.out.println(\"class \" + ").append(name).append(".class.getName());\n");
        typed.append("/exit\n");
        String out = runShell(typed.toString(), tmp);

        assertTrue(out.contains("train=800 test=200"), out);
        assertTrue(out.contains("shape=[800, 2]"), out);
        assertTrue(out.contains("xchart=300"), out);
        // JShell reports a rejected snippet with "Error:" and a thrown exception as "|  Exception java...".
        List<String> errors = out.lines().filter(l -> l.contains("Error:") || l.matches(".*\\|\\s+Exception\\s.*")).toList();
        assertEquals(List.of(), errors, out);
        for (String name : sharedClassNames()) assertTrue(out.contains("." + name + "\n") || out.contains("." + name + "\r"), name + " not usable:\n" + out);
    }

    /** Every top-level class of shared/, by file name (one class per file), from every package folder (not the index, sources.java). */
    static Set<String> sharedClassNames() throws IOException {
        Set<String> names = new TreeSet<>();
        try (var files = Files.walk(CHECKOUT.resolve("shared"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".java") && !f.getFileName().toString().equals("sources.java"))
                    .forEach(f -> names.add(f.getFileName().toString().replaceFirst("\\.java$", "")));
        }
        return names;
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
