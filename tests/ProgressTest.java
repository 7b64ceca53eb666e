import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import io.Progress;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String[] lines() {
        return bytes.toString(StandardCharsets.UTF_8).split("\n");
    }

    /** 10_000 steps of 1 s each (2.8 hours): about one line per 10%, then the closing line with the final count. */
    @Test
    void plainModeSlowLoopPrintsAboutOneLinePerTenPercent() {
        var now = new AtomicLong();
        try (var bar = new Progress("slow", 10_000, false, out, now::get)) {
            for (int i = 0; i < 10_000; i++) {
                now.addAndGet(1_000_000_000L);
                bar.step("loss 0.5");
            }
        }
        String[] lines = lines();
        assertTrue(lines.length >= 5 && lines.length <= 11, lines.length + " lines:\n" + String.join("\n", lines));
        assertTrue(lines[lines.length - 1].startsWith("slow: 10000/10000 done in 2:46:40"), lines[lines.length - 1]);
        assertTrue(lines[lines.length - 1].endsWith(", loss 0.5"), lines[lines.length - 1]);
        assertTrue(lines[0].startsWith("slow: 1000/10000 (10%)"), lines[0]);
        for (String line : lines) assertTrue(!line.contains("\r"), "no carriage returns in plain mode");
    }

    /** 10_000 steps of 1 ms (10 s): at most one line per 5 s. */
    @Test
    void plainModeFastLoopPrintsAtMostOneLinePerFiveSeconds() {
        var now = new AtomicLong();
        try (var bar = new Progress("fast", 10_000, false, out, now::get)) {
            for (int i = 0; i < 10_000; i++) {
                now.addAndGet(1_000_000L);
                bar.step();
            }
        }
        String[] lines = lines();
        assertTrue(lines.length <= 3, String.join("\n", lines));
        assertEquals("fast: 10000/10000 done in 10.0 s (1000/s)", lines[lines.length - 1]);
    }

    /** A loop that takes no time prints only its closing line. */
    @Test
    void plainModeInstantLoopPrintsOnlyTheClosingLine() {
        try (var bar = new Progress("instant", 10_000, false, out, () -> 0L)) {
            for (int i = 0; i < 10_000; i++) bar.step();
        }
        String[] lines = lines();
        assertEquals(1, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("instant: 10000/10000 done in 0.0 s"), lines[0]);
    }

    /** The status supplier is called only when a line is printed, not per step. */
    @Test
    void statusSupplierIsCalledOnlyWhenPrinting() {
        var now = new AtomicLong();
        var calls = new AtomicInteger();
        try (var bar = new Progress("lazy", 10_000, false, out, now::get)) {
            for (int i = 0; i < 10_000; i++) {
                now.addAndGet(1_000_000L);
                bar.step(() -> "call " + calls.incrementAndGet());
            }
        }
        assertTrue(calls.get() <= 20, calls.get() + " calls");
    }

    /** On a terminal: one line redrawn with \r (at most 10 times a second), closed by a newline. */
    @Test
    void terminalModeRedrawsOneLine() {
        var now = new AtomicLong();
        try (var bar = new Progress("tty", 1000, true, out, now::get)) {
            for (int i = 0; i < 1000; i++) {
                now.addAndGet(10_000_000L);   // 10 ms a step, 10 s in all: about 100 redraws
                bar.step(() -> "loss 0.25");
            }
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "a single newline, at the end");
        assertTrue(text.endsWith("\n"));
        long redraws = text.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 50 && redraws <= 120, redraws + " redraws");
        assertTrue(text.contains("\rtty [############............] 501/1000 100/s ETA 5.0 s, loss 0.25"), text);
        String last = text.substring(text.lastIndexOf('\r') + 1).strip();
        assertEquals("tty: 1000/1000 done in 10.0 s (100/s), loss 0.25", last);
    }

    @Test
    void durationsReadLikeAClock() {
        assertEquals("4.2 s", Progress.duration(4.2));
        assertEquals("3:07", Progress.duration(187));
        assertEquals("1:02:03", Progress.duration(3723));
    }
}
