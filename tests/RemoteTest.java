import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step without a clone: {@code jbang ALIAS@CATALOG_URL} and {@code jbang SCRIPT_URL} run from an empty folder against
 * a plain HTTP server on 127.0.0.1 that serves this checkout, and write what the step writes in the checkout.
 */
@NeedsBash
class RemoteTest {
    static HttpServer server;
    static String base;

    /** Serves the checkout's files, as a static web server (or GitHub's raw files) would. */
    @BeforeAll
    static void serveTheCheckout() throws IOException {
        Path root = Launch.CHECKOUT;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean found = file.startsWith(root) && Files.isRegularFile(file);
            byte[] body = found ? Files.readAllBytes(file) : "not found".getBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(found ? 200 : 404, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            try (var out = exchange.getResponseBody()) {
                if (!exchange.getRequestMethod().equals("HEAD")) out.write(body);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @TempDir
    Path tmp;

    /** JBang with a cache of its own, so that every file is fetched and compiled anew. */
    Launch jbang(Path dir, String... args) throws Exception {
        return Launch.jbang(dir, Map.of("JBANG_CACHE_DIR", tmp.resolve("jbang-cache").toString()), List.of(), args);
    }

    /** {@code step}'s outputs by both one-liners, each from an empty folder into ./out/STEP, against a run in the checkout. */
    void runsByUrlAsInTheCheckout(String step, String script, List<String> files, String... args) throws Exception {
        Path local = tmp.resolve("local");
        var command = new java.util.ArrayList<>(List.of(step));
        command.addAll(List.of(args));
        command.addAll(List.of("--out", local.toString()));
        Launch inCheckout = Launch.jbang(Launch.CHECKOUT, Map.of(), List.of(), command.toArray(String[]::new));
        assertEquals(0, inCheckout.exit(), inCheckout.out());
        for (String ref : List.of(step + "@" + base + "jbang-catalog.json", base + "scripts/" + script)) {
            Path empty = Files.createDirectories(tmp.resolve("empty-" + (ref.contains("@") ? "alias" : "url")));
            var remote = new java.util.ArrayList<>(List.of(ref));
            remote.addAll(List.of(args));
            Launch r = jbang(empty, remote.toArray(String[]::new));
            assertEquals(0, r.exit(), ref + ":\n" + r.out());
            assertTrue(!r.out().contains("Pattern") && !r.out().contains("error:"), "no glob warning, no error:\n" + r.out());
            assertEquals(List.of("out"), Launch.names(empty), ref + " writes only ./out");
            Path out = empty.resolve("out").resolve(step);
            assertEquals(Launch.names(local), Launch.names(out), ref);
            for (String file : files) assertArrayEquals(Files.readAllBytes(local.resolve(file)), Files.readAllBytes(out.resolve(file)), ref + ": " + file);
        }
    }

    @Test
    void moonsRunsByUrl() throws Exception {
        runsByUrlAsInTheCheckout("moons", "moons.java", List.of("raw.csv", "train.csv", "test.csv"), "--samples", "80");
    }

    @Test
    void lectureRunsByUrl() throws Exception {
        runsByUrlAsInTheCheckout("lecture", "lecture.java", List.of("history.csv"), "--epochs", "3", "--width", "8");
    }
}
