import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures from the shell: without a display a PNG and its path; with one a window, and closing the window leaves the
 * shell running (XChart's SwingWrapper would have ended the JVM). The window path runs under Xvfb (Debian's xvfb).
 */
@NeedsBash
class ShowTest {
    static final String TRAIN_A_LITTLE = """
            var data = TwoMoons.lecture();
            var net = Mlp.lecture(16, Activation.RELU, DataType.FLOAT).initLikeTorch(1);
            var history = Training.run("shell", net, new Sgd(net, 0.01, 0.99), data.train(), data.test(), 5, e -> {});
            """;

    @Test
    void withoutADisplayAFigureIsAPngAndItsPath(@TempDir Path tmp) throws Exception {
        String out = shell(tmp, Map.of(), TRAIN_A_LITTLE + """
                Show.loss(history);
                Show.confidence(net, data.test());
                /exit
                """);
        assertTrue(out.contains("figures open as PNG files (no display)"), out);
        for (String name : new String[] {"loss", "confidence"}) {
            Path png = tmp.resolve("out").resolve("shell").resolve(name + ".png");
            assertTrue(out.contains("no display: wrote " + png), out);
            assertTrue(ImageIO.read(png.toFile()).getWidth() > 300, name);
        }
    }

    @Test
    void withADisplayClosingTheWindowLeavesTheShellRunning(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/Xvfb")), "Xvfb is not installed (apt-get install xvfb)");
        String display = ":" + (90 + (int) (ProcessHandle.current().pid() % 100));
        Process xvfb = new ProcessBuilder("/usr/bin/Xvfb", display, "-screen", "0", "1280x1024x24").redirectErrorStream(true)
                .redirectOutput(tmp.resolve("xvfb.log").toFile()).start();
        try {
            Thread.sleep(1000);
            String out = shell(tmp, Map.of("DISPLAY", display), TRAIN_A_LITTLE + """
                    Show.gradNorms(history);
                    Thread.sleep(1500);
                    var frames = java.util.Arrays.stream(java.awt.Frame.getFrames()).filter(java.awt.Frame::isShowing).toList();
                    System.out.println("showing " + frames.size() + ": " + frames.get(0).getTitle());
                    javax.swing.SwingUtilities.invokeAndWait(() -> frames.get(0).dispatchEvent(new java.awt.event.WindowEvent(frames.get(0), java.awt.event.WindowEvent.WINDOW_CLOSING)));
                    Thread.sleep(500);
                    System.out.println("closed: " + !frames.get(0).isDisplayable() + ", and the shell goes on");
                    /exit
                    """);
            assertTrue(out.contains("figures open as windows"), out);
            assertTrue(out.contains("showing 1: gradnorms"), out);
            assertTrue(out.contains("closed: true, and the shell goes on"), out);
            assertTrue(!Files.exists(tmp.resolve("out")), "no PNG when there is a window");
        } finally {
            xvfb.destroy();
        }
    }

    /** ./jbang shell run from an empty folder (so its PNGs go to ./out/shell there), statements piped in. */
    static String shell(Path dir, Map<String, String> env, String typed) throws IOException, InterruptedException {
        Path checkout = Path.of("").toAbsolutePath();
        Path input = dir.resolve("typed.jsh"), output = dir.resolve("shell.out");
        Files.writeString(input, typed);
        var pb = new ProcessBuilder(checkout.resolve("jbang").toString(), checkout.resolve("scripts/shell.java").toString())
                .directory(dir.toFile()).redirectInput(input.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().remove("DISPLAY");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("the shell did not exit:\n" + Files.readString(output));
        }
        String out = Files.readString(output);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
