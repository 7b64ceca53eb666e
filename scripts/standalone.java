///usr/bin/env jbang "$0" "$@" ; exit $?
// One exercise step as one self-contained file: the step's script, its //DEPS and JVM options, and the classes of
// shared/ it needs, in one .java that runs with JBang alone from any folder (jbang lecture.java --epochs 5), with the
// step's options and outputs (in out/STEP of the folder it runs in). Generated from the sources, never kept by hand.
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//DEPS info.picocli:picocli:4.7.7
//DEPS com.fasterxml.jackson.core:jackson-databind:2.22.3
//SOURCES ../shared/cli/Version.java ../shared/cli/Encoding.java ../shared/io/BadInputException.java
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "standalone", mixinStandardHelpOptions = true, versionProvider = cli.Version.class,
        description = "Writes one exercise step (moons, lecture, deep, gradnorms, depth, forward, backward, train-manual) as a "
                + "single self-contained .java file: its script, //DEPS and the shared/ classes it uses.")
public class standalone implements Callable<Integer> {
    /** The packages of shared/: their classes become package-less classes of the one file. */
    static final List<String> PACKAGES = List.of("backprop", "cli", "data", "io", "nn", "notebook", "plot", "report", "speed", "study");
    static final Pattern IMPORT = Pattern.compile("(?m)^import (static )?([\\w.]+)(\\.\\*)?;\\s*$");
    static final Pattern DIRECTIVE = Pattern.compile("(?m)^//(DEPS|JAVA_OPTIONS|JAVA|CDS|FILES|COMPILE_OPTIONS)\\b.*$");
    static final Pattern OURS = Pattern.compile("(?<![.\\w])(" + String.join("|", PACKAGES) + ")\\.([A-Z]\\w*)");

    @Parameters(paramLabel = "STEP", description = "The step's alias, e.g. lecture or train-manual.")
    String step;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write it (default: scripts/out/standalone/<script>.java); "
            + "the file name must stay the script's, e.g. lecture.java, as Java names a file after its public class.")
    Path out;

    public static void main(String... args) {
        cli.Encoding.readableConsole();
        try {
            cli.Encoding.requireNamable(args);
        } catch (io.BadInputException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
        System.exit(new CommandLine(new standalone()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println("error: " + (e instanceof IllegalArgumentException ? e.getMessage() : "internal error, a bug: " + e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        }).setParameterExceptionHandler((e, args2) -> {
            System.err.println("error: " + e.getMessage() + " (see --help)");
            return 2;
        }).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path checkout = checkout();
        Path script = scriptOf(checkout, step);
        String name = script.getFileName().toString();
        Path file = out != null ? out : checkout.resolve("scripts/out/standalone").resolve(name);
        if (Files.isDirectory(file)) throw new IllegalArgumentException("--out: " + file + " is a folder; name the file, e.g. " + file.resolve(name));
        if (!file.getFileName().toString().equals(name)) throw new IllegalArgumentException("--out must end in " + name + ", got " + file);
        refuseSource(file);
        String text = generate(script, checkout.resolve("shared"));
        Path dir = file.toAbsolutePath().normalize().getParent();
        Path temp = dir.resolve("." + name + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out: cannot make folder " + dir + " (" + reason(e) + ")");
        }
        try {
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out: cannot write " + file + " (" + reason(e) + ")");
        } finally {
            Files.deleteIfExists(temp);
        }
        System.out.println("wrote " + file + " (" + text.lines().count() + " lines); run it with: jbang " + name + " --help");
        return 0;
    }

    /** What went wrong, in words (the system's reason), not a Java class name. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such folder";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : "an input or output error";
    }

    /** The generated file must not replace a script or source of a checkout (scripts/, shared/, tests/; any file but under scripts/out/). */
    static void refuseSource(Path file) throws IOException {
        Path dir = file.toAbsolutePath().normalize().getParent();
        if (!Files.isDirectory(dir)) return;
        Path real = dir.toRealPath().resolve(file.getFileName().toString());
        if (Files.exists(real)) real = real.toRealPath();
        for (Path checkout = real.getParent(); checkout != null; checkout = checkout.getParent()) {
            if (!Files.isRegularFile(checkout.resolve("jbang-catalog.json")) || !Files.isDirectory(checkout.resolve("shared"))) continue;
            Path rel = checkout.relativize(real);
            boolean sources = rel.getNameCount() > 1 && List.of("scripts", "shared", "tests").contains(rel.getName(0).toString());
            if (!rel.startsWith(Path.of("scripts", "out")) && (Files.exists(real) || sources)) {
                throw new IllegalArgumentException("--out: " + file + " is " + (Files.exists(real) ? "a file" : "a place") + " of the toolkit's "
                        + "checkout " + checkout + " (its scripts and sources); write it elsewhere, e.g. under scripts/out/");
            }
            return;
        }
    }

    /** The script of an exercise step, by its alias in jbang-catalog.json. */
    static Path scriptOf(Path checkout, String alias) throws IOException {
        var catalog = new com.fasterxml.jackson.databind.ObjectMapper().readTree(checkout.resolve("jbang-catalog.json").toFile());
        var ref = catalog.path("aliases").path(alias).path("script-ref");
        var steps = List.of("moons", "lecture", "deep", "gradnorms", "depth", "forward", "backward", "train-manual");
        if (!steps.contains(alias) || ref.isMissingNode()) throw new IllegalArgumentException("STEP must be one of " + steps + ", got '" + alias + "'");
        return checkout.resolve(ref.asText());
    }

    /** The one file: the script's header and directives, every import, the script's class, then the shared classes it needs. */
    static String generate(Path script, Path shared) throws IOException {
        Map<String, Path> classes = sharedClasses(shared);
        String source = Files.readString(script);
        var needed = new LinkedHashSet<String>();
        collect(source, null, classes, needed);
        var imports = new TreeSet<String>();
        var body = new StringBuilder();
        body.append(unqualified(source, withoutHeader(source))).append('\n');
        for (String cls : needed) {
            String code = Files.readString(classes.get(cls));
            collectImports(code, imports);
            body.append("\n// ---- ").append(shared.getParent().relativize(classes.get(cls))).append(" ----\n\n")
                    .append(unqualified(code, withoutPublicTopLevel(withoutHeader(code).strip()))).append('\n');
        }
        collectImports(source, imports);
        var out = new StringBuilder(headerOf(source));
        out.append("// Generated by ./jbang standalone from ").append(script.getFileName()).append(" and ").append(needed.size())
                .append(" classes of shared/; edit those, not this file.\n\n");
        for (String i : imports) out.append(i).append('\n');
        return out.append('\n').append(body).toString();
    }

    /** Every class of shared/ by simple name (they are unique, or one file could not hold them); not the index sources.java. */
    static Map<String, Path> sharedClasses(Path shared) throws IOException {
        var classes = new LinkedHashMap<String, Path>();
        try (Stream<Path> files = Files.walk(shared)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java") && !f.getFileName().toString().equals("sources.java")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".java", "");
                if (classes.put(name, f) != null) throw new IllegalStateException("two shared classes named " + name);
            }
        }
        return classes;
    }

    /** The shared classes {@code code} names (imported, qualified or of its own package), and theirs, depth first. */
    static void collect(String code, String ownPackage, Map<String, Path> classes, LinkedHashSet<String> needed) throws IOException {
        String plain = withoutCommentsAndStrings(code);
        var named = new ArrayList<String>();
        Matcher m = Pattern.compile("\\b[A-Z]\\w*\\b").matcher(plain);
        while (m.find()) {
            String word = m.group();
            Path file = classes.get(word);
            if (file == null) continue;
            String pkg = file.getParent().getFileName().toString();
            boolean reachable = pkg.equals(ownPackage) || plain.contains("import " + pkg + "." + word + ";") || plain.contains(pkg + "." + word);
            if (reachable && !named.contains(word)) named.add(word);
        }
        for (String word : named) {
            if (needed.add(word)) collect(Files.readString(classes.get(word)), classes.get(word).getParent().getFileName().toString(), classes, needed);
        }
    }

    static void collectImports(String code, TreeSet<String> imports) {
        Matcher m = IMPORT.matcher(code);
        while (m.find()) {
            String target = m.group(2);
            if (!PACKAGES.contains(target.substring(0, target.indexOf('.') < 0 ? target.length() : target.indexOf('.')))) imports.add(m.group().strip());
        }
    }

    /** The script's first lines up to its imports: shebang, description, directives (not //SOURCES: everything is here). */
    static String headerOf(String script) {
        var out = new StringBuilder();
        for (String line : script.lines().toList()) {
            if (line.startsWith("import ") || line.startsWith("@") || line.startsWith("public class")) break;
            if (!line.startsWith("//SOURCES") && !line.startsWith("//FILES")) out.append(line).append('\n');
        }
        return out.toString();
    }

    /** The code after the package line, the directives and the imports. */
    static String withoutHeader(String code) {
        String[] lines = code.split("\n", -1);
        int last = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("import ") || lines[i].startsWith("package ") || lines[i].startsWith("///usr/bin/env")) last = i;
            if (lines[i].startsWith("public ") || lines[i].startsWith("@") || lines[i].startsWith("/**") && last >= 0) break;
        }
        var rest = new StringBuilder();
        for (int i = last + 1; i < lines.length; i++) {
            if (!DIRECTIVE.matcher(lines[i]).matches() && !lines[i].startsWith("//SOURCES")) rest.append(lines[i]).append('\n');
        }
        return rest.toString().replaceFirst("^\\s+", "");
    }

    /** One file holds one public top-level class: the shared ones lose their top-level {@code public}. */
    static String withoutPublicTopLevel(String code) {
        return code.replaceFirst("(?m)^public ((?:final |abstract |sealed )*)(class|record|enum|interface) ", "$1$2 ");
    }

    /**
     * {@code io.Output} becomes {@code Output} in code (comments and strings are left as they are), and a nested class
     * that {@code source} imported ({@code import nn.Training.Epoch;}) is named through its outer class ({@code Training.Epoch}).
     */
    static String unqualified(String source, String code) {
        var nested = new LinkedHashMap<String, String>();
        Matcher m = Pattern.compile("(?m)^import (?:" + String.join("|", PACKAGES) + ")\\.([A-Z]\\w*)\\.([A-Z]\\w*);").matcher(source);
        while (m.find()) nested.put(m.group(2), m.group(1) + "." + m.group(2));
        var out = new StringBuilder();
        int i = 0;
        for (int[] span : codeSpans(code)) {
            out.append(code, i, span[0]);
            String part = OURS.matcher(code.substring(span[0], span[1])).replaceAll("$2");
            for (var e : nested.entrySet()) part = part.replaceAll("(?<![.\\w])" + e.getKey() + "\\b", e.getValue());
            out.append(part);
            i = span[1];
        }
        return out.append(code.substring(i)).toString();
    }

    static String withoutCommentsAndStrings(String code) {
        var out = new StringBuilder();
        for (int[] span : codeSpans(code)) out.append(code, span[0], span[1]).append(' ');
        return out.toString();
    }

    /** The [start, end) ranges of {@code code} outside comments, strings, text blocks and char literals. */
    static List<int[]> codeSpans(String s) {
        var spans = new ArrayList<int[]>();
        int start = 0, i = 0, n = s.length();
        while (i < n) {
            int end = -1;
            if (s.startsWith("//", i)) end = indexOrEnd(s, "\n", i);
            else if (s.startsWith("/*", i)) end = indexOrEnd(s, "*/", i + 2) + 2;
            else if (s.startsWith("\"\"\"", i)) end = closing(s, "\"\"\"", i + 3);
            else if (s.charAt(i) == '"' || s.charAt(i) == '\'') end = closing(s, s.substring(i, i + 1), i + 1);
            if (end < 0) {
                i++;
                continue;
            }
            spans.add(new int[] {start, i});
            i = start = Math.min(end, n);
        }
        spans.add(new int[] {start, n});
        return spans;
    }

    static int indexOrEnd(String s, String what, int from) {
        int at = s.indexOf(what, from);
        return at < 0 ? s.length() : at;
    }

    static int closing(String s, String quote, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == '\\') i++;
            else if (s.startsWith(quote, i)) return i + quote.length();
        }
        return s.length();
    }

    /** The checkout whose ./jbang started this (MOONS_CHECKOUT), else the one the working directory is in (beside jbang-catalog.json). */
    static Path checkout() {
        String launcher = System.getenv("MOONS_CHECKOUT");
        if (launcher != null && Files.isRegularFile(Path.of(launcher, "jbang-catalog.json"))) return Path.of(launcher).toAbsolutePath();
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("jbang-catalog.json")) && Files.isDirectory(d.resolve("shared"))) return d;
        }
        throw new IllegalArgumentException("run standalone inside the checkout (beside jbang-catalog.json)");
    }
}
