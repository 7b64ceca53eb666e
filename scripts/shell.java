///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1:${os.detected.classifier}
//DEPS org.bytedeco:openblas:0.3.31-1.5.13
//DEPS org.bytedeco:openblas:0.3.31-1.5.13:${os.detected.classifier}
//DEPS org.bytedeco:javacpp:1.5.13
//DEPS org.bytedeco:javacpp:1.5.13:${os.detected.classifier}
//DEPS org.knowm.xchart:xchart:3.8.8
//DEPS de.erichseifert.vectorgraphics2d:VectorGraphics2D:0.13
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:1.7.36
//JAVA_OPTIONS -Djava.awt.headless=true
// No //SOURCES ../shared/*.java here: JShell cannot see classes of the default package in a jar, so the shell
// hands shared/ to JShell as source instead (and starts without recompiling itself when shared/ changes).

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.tool.JavaShellToolBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * JShell with ND4J, XChart and every class of shared/ loaded, for tinkering without a build.
 *
 * <p>Why a launcher and not a .jsh: JBang passes a .jsh's {@code //SOURCES} to JShell in reverse order of
 * discovery, and a glob is discovered in directory order (whatever the file system says). JShell mends most
 * references to a class declared later, but rejects for good a class that throws one ({@code throw new
 * BadInputException(...)}) or passes a lambda that throws a checked exception to one ({@code Output.atomically(t
 * -> ...)}). So the shell loads shared/ itself, each file after the shared classes it names.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "JShell with ND4J, XChart and every class of shared/ loaded. Try: var data = TwoMoons.lecture();")
public class shell implements Callable<Integer> {
    static final String WELCOME = """
            import org.nd4j.linalg.api.buffer.DataType;
            import org.nd4j.linalg.api.ndarray.INDArray;
            import org.nd4j.linalg.factory.Nd4j;
            import org.nd4j.linalg.ops.transforms.Transforms;
            System.out.println("moons shell: ND4J, XChart and shared/ are loaded. Try: var data = TwoMoons.lecture();  (/exit to leave)");
            """;

    public static void main(String... args) {
        System.exit(run(args));
    }

    /** As Cli.run does for the other scripts (this one does not compile shared/): bad input is one line, exit 2. */
    static int run(String... args) {
        return new CommandLine(new shell()).setParameterExceptionHandler((ex, ignored) -> {
            System.err.println("error: " + ex.getMessage().strip() + " (see --help for the options)");
            return 2;
        }).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Path shared = sharedDir();
        if (shared == null) {
            System.err.println("error: no shared/ folder: run the shell inside the checkout (beside jbang-catalog.json)");
            return 2;
        }
        Path welcome = Files.createTempFile("moons-shell", ".jsh");
        welcome.toFile().deleteOnExit();
        Files.writeString(welcome, WELCOME);
        List<String> options = new ArrayList<>(List.of(
                // local: snippets run in this JVM, which already has ND4J and XChart on its class path.
                "--execution=local", "--class-path=" + System.getProperty("java.class.path"),
                "--startup=DEFAULT", "--startup=PRINTING"));
        for (Path file : loadOrder(shared)) options.add("--startup=" + file);
        options.add("--startup=" + welcome);
        return JavaShellToolBuilder.builder().start(options.toArray(String[]::new));
    }

    /** shared/ of the checkout the working directory is in (found as Output.defaultDir finds it), or null. */
    static Path sharedDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("jbang-catalog.json")) && Files.isDirectory(dir.resolve("shared"))) {
                return dir.resolve("shared");
            }
        }
        return null;
    }

    /**
     * Every *.java file of {@code shared} in an order JShell can load: each file after the files whose classes it
     * names (a depth-first walk, by name). A cycle is cut where the walk meets it; JShell mends such a forward
     * reference unless it is one of the two kinds above, and ShellTest then fails.
     */
    static List<Path> loadOrder(Path shared) throws IOException {
        List<Path> files;
        try (var list = Files.list(shared)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".java")).sorted().toList();
        }
        Map<Path, String> code = new HashMap<>();
        Map<String, Path> fileOfClass = new HashMap<>();
        for (Path file : files) {
            code.put(file, withoutCommentsAndLiterals(Files.readString(file)));
            for (String name : topLevelTypes(code.get(file))) fileOfClass.put(name, file);
        }
        Set<Path> ordered = new LinkedHashSet<>();
        Set<Path> entered = new java.util.HashSet<>();
        for (Path file : files) visit(file, code, fileOfClass, entered, ordered);
        return List.copyOf(ordered);
    }

    private static void visit(Path file, Map<Path, String> code, Map<String, Path> fileOfClass, Set<Path> entered,
            Set<Path> ordered) {
        if (!entered.add(file)) return;
        Matcher word = IDENTIFIER.matcher(code.get(file));
        while (word.find()) {
            Path used = fileOfClass.get(word.group());
            if (used != null && !used.equals(file)) visit(used, code, fileOfClass, entered, ordered);
        }
        ordered.add(file);
    }

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern TYPE_DECLARATION = Pattern.compile("\\b(?:class|interface|enum|record)\\s+([A-Za-z_$][A-Za-z0-9_$]*)");

    /** Names of the classes, interfaces, enums and records declared outside any braces. */
    static List<String> topLevelTypes(String code) {
        List<String> names = new ArrayList<>();
        Matcher declaration = TYPE_DECLARATION.matcher(code);
        int depth = 0;
        int scanned = 0;
        while (declaration.find()) {
            for (; scanned < declaration.start(); scanned++) {
                char c = code.charAt(scanned);
                if (c == '{') depth++;
                else if (c == '}') depth--;
            }
            if (depth == 0) names.add(declaration.group(1));
        }
        return names;
    }

    /** The code with comments, strings, text blocks and char literals blanked, so only real names remain. */
    static String withoutCommentsAndLiterals(String source) {
        StringBuilder code = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            int end;
            if (source.startsWith("//", i)) end = indexOrEnd(source, "\n", i);
            else if (source.startsWith("/*", i)) end = indexOrEnd(source, "*/", i + 2) + 2;
            else if (source.startsWith("\"\"\"", i)) end = closing(source, "\"\"\"", i + 3);
            else if (source.charAt(i) == '"' || source.charAt(i) == '\'') end = closing(source, source.substring(i, i + 1), i + 1);
            else {
                code.append(source.charAt(i++));
                continue;
            }
            end = Math.min(end, n);
            code.append(' ');
            i = end;
        }
        return code.toString();
    }

    private static int indexOrEnd(String s, String what, int from) {
        int at = s.indexOf(what, from);
        return at < 0 ? s.length() : at;
    }

    /** Index just after the unescaped {@code quote} that closes a literal whose content starts at {@code from}. */
    private static int closing(String s, String quote, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\') i++;
            else if (s.startsWith(quote, i)) return i + quote.length();
        }
        return s.length();
    }
}
