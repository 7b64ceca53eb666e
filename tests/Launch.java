import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A process the tests start as a user would (./jbang, a script, java): its exit code and everything it printed. */
record Launch(int exit, String out) {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    /** Each variable of the locale: unset them all to run as cron or a minimal container does. */
    static final List<String> LOCALE = List.of("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC", "LC_MESSAGES");

    /**
     * Runs {@code command} in {@code dir} with this JVM's environment less {@code unset} (and what the launcher that
     * started the tests set for itself and JBang) plus {@code env}; stdout and stderr together.
     */
    static Launch run(Path dir, Map<String, String> env, List<String> unset, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("launch", ".out");
        try {
            var pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
            for (String launcher : List.of("MOONS_CHECKOUT", "JBANG_RUNTIME_SHELL", "JBANG_LAUNCH_CMD", "JBANG_STDIN_NOTTY")) {
                pb.environment().remove(launcher);
            }
            unset.forEach(pb.environment()::remove);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not end:\n" + Files.readString(output));
            }
            return new Launch(p.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** ./jbang of this checkout, run in {@code dir}. */
    static Launch jbang(Path dir, Map<String, String> env, List<String> unset, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of(CHECKOUT.resolve("jbang").toString()));
        command.addAll(List.of(args));
        return run(dir, env, unset, command.toArray(String[]::new));
    }

    private static Path bootstrapped;

    /**
     * A launcher cache, bootstrapped once for the tests that need to know where JBang's CLI is: its path has a space,
     * as a cache under a HOME or XDG_CACHE_HOME with one does. Removed when the tests end.
     */
    static synchronized Path bootstrappedCache() throws IOException, InterruptedException {
        if (bootstrapped == null) {
            Path cache = Files.createTempDirectory("launcher cache ");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(cache)));
            Launch r = jbang(CHECKOUT, Map.of("JBANG_LAUNCHER_CACHE", cache.toString(), "JBANG_LAUNCHER_BOOTSTRAP", "1"), List.of(), "version");
            assertEquals(0, r.exit(), r.out());
            bootstrapped = cache;
        }
        return bootstrapped;
    }

    /** The bootstrapped JBang CLI's jars, as a class path (JBang as a user with JBang installed runs it). */
    static String jbangClassPath() throws IOException, InterruptedException {
        try (Stream<Path> dirs = Files.list(bootstrappedCache())) {
            Path cli = dirs.filter(d -> d.getFileName().toString().startsWith("jbang-cli-")).findFirst().orElseThrow();
            return cli.resolve("lib").resolve("*").toString();
        }
    }

    /** Copies what a clone holds of the toolkit (the launcher, the catalog, scripts/, shared/) into {@code dest}. */
    static Path copyOfCheckout(Path dest) throws IOException {
        Files.createDirectories(dest);
        for (String top : List.of("jbang", "jbang-catalog.json", "scripts", "shared")) {
            Path from = CHECKOUT.resolve(top);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : files.filter(f -> !f.startsWith(CHECKOUT.resolve("scripts/out"))).toList()) {
                    Path to = dest.resolve(CHECKOUT.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(to);
                    else Files.copy(f, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return dest;
    }

    /** Copies the folder {@code from} with everything in it to {@code to}, file modes kept. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(target);
                else Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** The names in {@code dir}, sorted. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
