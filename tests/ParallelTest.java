import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import speed.Parallel;

/** speed.Parallel: results in the items' order whatever the jobs, on that many threads, and a piece's exception as thrown. */
class ParallelTest {
    @Test
    void resultsKeepTheItemsOrderOnAsManyThreadsAsJobs() {
        List<Integer> items = IntStream.range(0, 40).boxed().toList();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Integer> squares = Parallel.map(items, 3, i -> {
            threads.add(Thread.currentThread().getName());
            return i * i;
        });
        assertEquals(items.stream().map(i -> i * i).toList(), squares);
        assertTrue(threads.size() <= 3 && threads.stream().allMatch(t -> t.startsWith("parallel-")), threads.toString());
        assertEquals(List.of(), Parallel.map(List.<Integer>of(), 2, i -> i));
    }

    @Test
    void aPiecesExceptionIsThrownAsItWas() {
        var e = assertThrows(IllegalStateException.class, () -> Parallel.map(List.of(1, 2, 3), 2, i -> {
            if (i == 2) throw new IllegalStateException("boom " + i);
            return i;
        }));
        assertEquals("boom 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallel.map(List.of(1), 0, i -> i));
    }
}
