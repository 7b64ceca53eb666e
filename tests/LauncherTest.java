import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ./jbang launcher: bootstrap from Maven Central into a cache, safely under concurrency, and clear errors. */
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
}
