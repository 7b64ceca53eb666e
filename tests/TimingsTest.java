import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.core.json.JsonReadFeature;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.json.JsonMapper;
import speed.Timings;

/** Timings off (the tests' environment does not set MOONS_TIMINGS): bodies run as they are; the record still parses. */
class TimingsTest {
    @Test
    void offItRunsEveryBodyOnceAndReturnsItsValue() {
        var calls = new AtomicInteger();
        assertEquals("x", Timings.time(Timings.FIGURES, () -> { calls.incrementAndGet(); return "x"; }));
        Timings.run(Timings.WRITING, calls::incrementAndGet);
        try (var phase = Timings.begin(Timings.TRAINING)) {
            calls.incrementAndGet();
            assertSame(phase, Timings.begin(Timings.EVALUATION), "off, every phase is the same no-op");
            assertEquals("Phase[none: timings off]", phase.toString());
        }
        Timings.ready();
        assertEquals(3, calls.get());
    }

    @Test
    void theRecordIsOneJsonLineWithItsMarks() throws Exception {
        String line = Timings.json();
        assertEquals(1, line.lines().count(), line);
        JsonNode t = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build().readTree(line);
        assertEquals(1, t.get(Timings.MARKER).asInt());
        for (String key : new String[] {"process_start_ms", "jvm_start_ms", "ready_ms", "first_output_ms", "end_ms"}) {
            assertTrue(t.get(key).isNumber(), key + " in " + line);
        }
        assertTrue(t.get("process_start_ms").asDouble() <= t.get("jvm_start_ms").asDouble(), line);
        assertTrue(t.get("jvm_start_ms").asDouble() <= t.get("end_ms").asDouble(), line);
        assertTrue(t.get("phases").isObject() && t.get("calls").isObject(), line);
    }
}
