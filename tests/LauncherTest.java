import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./jbang launcher: bootstrap from Maven Central into a cache, safely under concurrency, and clear errors; from any
 * folder, in any locale, with any HOME; this project's help; scripts started by their shebang.
 */
@NeedsBash
class LauncherTest {
    record Run(int exit, String out) {}

    static Run launcher(Map<String, String> env, String... args) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<>(List.of("./jbang"));
        cmd.addAll(List.of(args));
        var pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "launcher timed out");
        return new Run(p.exitValue(), out);
    }

    @Test
    void twoFirstRunsAtOnceShareOneCleanCache(@TempDir Path cache) throws Exception {
        // JBANG_LAUNCHER_BOOTSTRAP forces the bootstrap path even where a jbang is on PATH.
        Map<String, String> env = Map.of("JBANG_LAUNCHER_CACHE", cache.toString(), "JBANG_LAUNCHER_BOOTSTRAP", "1");
        var first = new java.util.concurrent.CompletableFuture<Run>();
        Thread t = new Thread(() -> {
            try {
                first.complete(launcher(env, "version"));
            } catch (Exception e) {
                first.completeExceptionally(e);
            }
        });
        t.start();
        Run second = launcher(env, "version");
        t.join();
        for (Run r : List.of(first.get(), second)) {
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().contains("0.132.1"), r.out());
        }
        try (var entries = Files.list(cache)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("jbang-cli-0.132.1-gson-2.13.2"), names, "no half-built or duplicate caches");
        }
        assertTrue(Files.exists(cache.resolve("jbang-cli-0.132.1-gson-2.13.2/lib/gson-2.13.2.jar")));
    }

    @Test
    void tooOldJavaGetsOneClearMessage(@TempDir Path fakeJdk) throws Exception {
        Path java = fakeJdk.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = launcher(Map.of("JAVA_HOME", fakeJdk.toString(), "JBANG_LAUNCHER_BOOTSTRAP", "1"), "version");
        assertNotEquals(0, r.exit());
        assertTrue(r.out().contains("found Java 11") && r.out().contains("JDK 17 or newer"), r.out());
    }

    /** Every argument reaches the script as it was typed, empty ones included (JBang's own command drops those). */
    @Test
    void emptyArgumentsReachTheScript(@TempDir Path tmp) throws Exception {
        Run r = launcher(Map.of(), "moons", "--samples", "", "--out", tmp.resolve("out").toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().contains("'--samples': '' is not a whole number"), r.out());
        assertTrue(!Files.exists(tmp.resolve("out")), "nothing written");
    }

    /**
     * JBang's answer for a script is cached and used while everything it depends on is unchanged; an answer naming a
     * jar that no longer exists is not used (JBang answers anew and the cache is mended).
     */
    @Test
    void cachedLaunchIsUsedOnlyWhileItsJarsExist(@TempDir Path cache) throws Exception {
        Map<String, String> env = Map.of("JBANG_LAUNCHER_CACHE", cache.toString(), "JBANG_LAUNCHER_BOOTSTRAP", "1");
        for (int i = 0; i < 2; i++) {
            Run r = launcher(env, "moons", "--help");
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().contains("--samples"), r.out());
        }
        Path launch = cache.resolve("launch");
        List<Path> entries;
        try (var files = Files.list(launch)) {
            entries = files.toList();
        }
        assertEquals(1, entries.size(), entries.toString());
        String answer = Files.readString(entries.get(0));
        assertTrue(answer.contains("-classpath") && answer.endsWith(" moons"), answer);
        Files.writeString(entries.get(0), answer.replaceFirst("-classpath (\\S+)", "-classpath /no/such.jar"));
        Run r = launcher(env, "moons", "--help");
        assertEquals(0, r.exit(), r.out());
        assertEquals(answer, Files.readString(entries.get(0)), "the stale answer was replaced by JBang's");
    }

    static final Path CHECKOUT = Launch.CHECKOUT;

    /** The aliases of jbang-catalog.json with their descriptions, in order. */
    static Map<String, String> catalog() throws IOException {
        var aliases = new java.util.LinkedHashMap<String, String>();
        Matcher m = Pattern.compile("\"([\\w-]+)\":\\s*\\{\\s*\"script-ref\":\\s*\"[^\"]*\",\\s*\"description\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(Files.readString(CHECKOUT.resolve("jbang-catalog.json")));
        while (m.find()) aliases.put(m.group(1), m.group(2).replace("\\\"", "\""));
        return aliases;
    }

    /** The README's two commands, as its "The two commands" block shows them. */
    static List<String> readmesTwoCommands() throws IOException {
        String readme = Files.readString(CHECKOUT.resolve("README.md"));
        String section = readme.substring(readme.indexOf("## The two commands"));
        String block = section.substring(section.indexOf("```bash\n") + 8, section.indexOf("\n```", section.indexOf("```bash\n")));
        return block.lines().toList();
    }

    @Test
    void withoutArgumentsOrWithHelpItListsTheStepsAndTheTwoCommands() throws Exception {
        Map<String, String> aliases = catalog();
        assertTrue(aliases.size() >= 13, aliases.toString());
        List<String> commands = readmesTwoCommands();
        assertEquals(2, commands.size(), commands.toString());
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"-h"})) {
            Launch r = Launch.jbang(CHECKOUT, Map.of(), List.of(), args);
            assertEquals(0, r.exit(), r.out());
            for (String command : commands) assertTrue(r.out().contains("\n  " + command + "\n"), command + " in\n" + r.out());
            for (var alias : aliases.entrySet()) {
                assertTrue(r.out().contains(String.format("%n  %-13s %s%n", alias.getKey(), alias.getValue())), alias + " in\n" + r.out());
            }
            assertTrue(!r.out().contains("jbang is a tool"), "not JBang's own help");
        }
    }

    /**
     * From another folder, in a checkout whose path has spaces and umlauts, without any locale (LANG unset, as cron and
     * minimal containers run): aliases resolve against the launcher's own checkout, a relative path means the user's
     * folder, and the default output folder is the checkout's scripts/out/ALIAS; no folder nobody named appears.
     */
    @Test
    void aliasesRunFromAnotherFolderInAnyPathWithoutALocale(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("Ü b");
        Path checkout = Launch.copyOfCheckout(root.resolve("moons"));
        Path elsewhere = Files.createDirectories(root.resolve("élsewhere"));
        Path data = Files.createDirectories(elsewhere.resolve("Übung"));
        ScriptRun made = ScriptRun.of(moons::new, "--samples", "60", "--out", tmp.resolve("data").toString());
        assertEquals(0, made.code(), made.err());
        Files.copy(tmp.resolve("data/train.csv"), data.resolve("train.csv"));
        Map<String, String> env = Map.of("JBANG_LAUNCHER_CACHE", Launch.bootstrappedCache().toString(), "JBANG_LAUNCHER_BOOTSTRAP", "1");
        String launcher = checkout.resolve("jbang").toString();

        Launch lecture = Launch.run(elsewhere, env, Launch.LOCALE, launcher, "lecture", "--epochs", "2", "--width", "8", "--train", "Übung/train.csv");
        if (!hasCUtf8(tmp)) {   // the launcher cannot take the C locale as C.UTF-8 here: the step refuses, in one line
            assertEquals(2, lecture.exit(), lecture.out());
            assertTrue(lecture.out().contains("set a UTF-8 locale"), lecture.out());
            return;
        }
        assertEquals(0, lecture.exit(), lecture.out());
        assertTrue(Files.size(checkout.resolve("scripts/out/lecture/history.csv")) > 0, lecture.out());
        assertTrue(lecture.out().contains("to " + checkout.resolve("scripts/out/lecture")), lecture.out());

        Launch moons = Launch.run(elsewhere, env, Launch.LOCALE, launcher, "moons", "--samples", "40", "--out", "mine");
        assertEquals(0, moons.exit(), moons.out());
        assertTrue(Files.size(elsewhere.resolve("mine/train.csv")) > 0, "--out mine is ./mine of the folder it was started in");

        Launch list = Launch.run(elsewhere, env, Launch.LOCALE, launcher, "alias", "list");
        assertEquals(0, list.exit(), list.out());
        for (String alias : catalog().keySet()) assertTrue(list.out().contains(alias + "@"), alias + " in\n" + list.out());

        assertEquals(List.of("mine", "Übung"), Launch.names(elsewhere));
        assertEquals(List.of("moons", "élsewhere"), Launch.names(root));
        assertEquals(List.of("data", "Ü b"), Launch.names(tmp), "no ??bung or other folder nobody named");
    }

    /** Whether this system has the C.UTF-8 locale (Debian and glibc 2.35 and newer do): Java then names files in UTF-8. */
    static boolean hasCUtf8(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Launch settings = Launch.run(dir, Map.of("LC_ALL", "C.UTF-8"), Launch.LOCALE, java, "-XshowSettings:properties", "-version");
        return settings.out().contains("sun.jnu.encoding = UTF-8");
    }

    /** HOME unset (cron, systemd units): the cache goes under the account's home, and the output is as with HOME. */
    @Test
    void homeUnsetWorksWithoutAStrayLine() throws Exception {
        List<String> noCacheSetting = List.of("JBANG_LAUNCHER_CACHE", "XDG_CACHE_HOME");
        Launch withHome = Launch.jbang(CHECKOUT, Map.of(), noCacheSetting, "moons", "--help");
        assertEquals(0, withHome.exit(), withHome.out());
        var unset = new ArrayList<>(noCacheSetting);
        unset.add("HOME");
        Launch withoutHome = Launch.jbang(CHECKOUT, Map.of(), unset, "moons", "--help");
        assertEquals(0, withoutHome.exit(), withoutHome.out());
        assertEquals(withHome.out(), withoutHome.out());
    }

    /** A read-only HOME: the cache goes to a folder of the user's own in the temp folder, silently. */
    @Test
    void aReadOnlyHomeWorksWithoutAStrayLine(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        boolean mounted = readOnly(home);
        try {
            assumeTrue(!Files.isWritable(home) || !canCreateIn(home), "cannot make a read-only folder here");
            Path temp = Files.createDirectories(tmp.resolve("temp"));
            // (the bootstrap itself is tested above: the temp folder gets the CLI already fetched)
            Path fallback = temp.resolve("moons-jbang-" + Files.getAttribute(temp, "unix:uid"));
            try (Stream<Path> cli = Files.list(Launch.bootstrappedCache())) {
                Path lib = cli.filter(d -> d.getFileName().toString().startsWith("jbang-cli-")).findFirst().orElseThrow();
                Launch.copyTree(lib, fallback.resolve(lib.getFileName()));
            }
            List<String> unset = List.of("JBANG_LAUNCHER_CACHE", "XDG_CACHE_HOME");
            Launch reference = Launch.jbang(CHECKOUT, Map.of(), unset, "moons", "--help");
            for (int i = 0; i < 2; i++) {
                Launch r = Launch.jbang(CHECKOUT, Map.of("HOME", home.toString(), "TMPDIR", temp.toString()), unset, "moons", "--help");
                assertEquals(0, r.exit(), r.out());
                assertEquals(reference.out(), r.out(), "no mkdir or other stray line");
            }
            assertEquals(List.of(), Launch.names(home));
            assertTrue(Files.isDirectory(fallback.resolve("launch")), "the answer was cached in the temp folder");
        } finally {
            if (mounted) new ProcessBuilder("umount", home.toString()).start().waitFor();
        }
    }

    /** Makes {@code dir} read-only: a read-only tmpfs as root (permission bits do not stop root), else its mode. */
    static boolean readOnly(Path dir) throws IOException, InterruptedException {
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (mount.waitFor() == 0) return true;
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        return false;
    }

    static boolean canCreateIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ""));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The cache path has a space (a HOME with one, too): the class-data archive and the cached answer work there. */
    @Test
    void aCacheWithASpaceInItsPathWorks(@TempDir Path tmp) throws Exception {
        Path cache = Launch.bootstrappedCache();
        Map<String, String> env = Map.of("JBANG_LAUNCHER_CACHE", cache.toString(), "JBANG_LAUNCHER_BOOTSTRAP", "1");
        for (int i = 0; i < 3; i++) {
            Launch r = Launch.jbang(CHECKOUT, env, List.of(), "moons", "--help");
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().startsWith("Usage: moons"), r.out());
        }
        try (Stream<Path> files = Files.walk(cache)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".jsa")), "JBang's class-data archive was written");
        }
        assertTrue(!Launch.names(cache.resolve("launch")).isEmpty(), "the answer was cached");

        Path home = tmp.resolve("h o m e");
        Launch.copyTree(cache, home.resolve(".cache/moons-jbang"));
        Launch r = Launch.jbang(CHECKOUT, Map.of("HOME", home.toString()), List.of("JBANG_LAUNCHER_CACHE", "XDG_CACHE_HOME"), "moons", "--help");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().startsWith("Usage: moons"), r.out());
    }

    /** Every script is executable (on disk and in git) and runs by its shebang line with a jbang on PATH. */
    @Test
    void scriptsRunByTheirShebang(@TempDir Path tmp) throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(CHECKOUT.resolve("scripts"))) {
            scripts = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        scripts = new ArrayList<>(scripts);
        scripts.add(CHECKOUT.resolve("tests/test.java"));
        for (Path script : scripts) {
            assertTrue(Files.readString(script).startsWith("///usr/bin/env jbang \"$0\" \"$@\" ; exit $?"), script + " has the shebang line");
            assertTrue(Files.isExecutable(script), script + " is executable");
        }
        if (Files.exists(CHECKOUT.resolve(".git")) && Bash.present()) {
            // :(glob): the scripts, not bench's parts in scripts/bench/ (a plain pathspec's * matches slashes too)
            Launch git = Launch.run(CHECKOUT, Map.of(), List.of(), "git", "ls-files", "-s", "--", ":(glob)scripts/*.java", "tests/test.java");
            assertEquals(0, git.exit(), git.out());
            assertEquals(scripts.size(), git.out().lines().count(), git.out());
            for (String line : git.out().lines().toList()) assertTrue(line.startsWith("100755 "), "executable in git: " + line);
        }
        // JBang on PATH: here a link named jbang to the launcher, which finds its checkout through the link.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("jbang"), CHECKOUT.resolve("jbang"));
        try {
            Map<String, String> path = Map.of("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
            Launch r = Launch.run(CHECKOUT, path, List.of(), "scripts/moons.java", "--help");
            assertEquals(0, r.exit(), r.out());
            assertTrue(r.out().startsWith("Usage: moons"), r.out());
            Launch other = Launch.run(tmp, path, List.of(), CHECKOUT.resolve("scripts/forward.java").toString(), "--batch", "2", "--hidden", "3");
            assertEquals(0, other.exit(), other.out());
            assertTrue(other.out().contains("a1 = X W1^T + b1"), other.out());
            Launch step = Launch.run(tmp, path, List.of(), link.toString(), "forward", "--batch", "2", "--hidden", "3");
            assertEquals(0, step.exit(), "an alias from another folder, through the link:\n" + step.out());
        } finally {
            Files.delete(link);   // (not JUnit: it warns about a link leading out of the temp folder)
        }
    }
}
