import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import data.TwoMoons;
import nn.Activation;
import speed.Parallel;
import speed.TwoCores;
import study.Study;
import study.Trainer;

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

    /** Whether a 3 x 264 net's pass over 800 rows would go to both cores on this thread. */
    private static boolean wouldSplit() {
        return TwoCores.forBatch(800, 141_000);
    }

    @Test
    void netsSideBySideKeepOneCoreEachAndALoneNetMayTakeBoth() throws Exception {
        // (on a fresh thread: one that was never marked; false where there is one core or MOONS_TWO_CORES=0)
        var alone = new java.util.concurrent.FutureTask<>(ParallelTest::wouldSplit);
        new Thread(alone).start();
        boolean loneNetSplits = alone.get();
        assertEquals(List.of(false, false, false), Parallel.map(List.of(1, 2, 3), 2, i -> wouldSplit()));
        assertEquals(List.of(loneNetSplits), Parallel.map(List.of(1), 2, i -> wouldSplit()));

        // study.Trainer (deep, gradnorms) keeps its own pool: its workers too. Before, each of two nets side by side sent
        // half its batch to the one other-core thread and waited for it.
        var study = new Study(1, 4, List.of(Activation.RELU, Activation.SIGMOID), 1, 0L, 1, 0.01, 0.9, "the lecture's");
        for (int jobs : new int[] {2, 1}) {
            List<Boolean> splits = Collections.synchronizedList(new ArrayList<>());
            new Trainer(study, TwoMoons.lecture(), null, null, jobs).train("test", (run, net) -> splits.add(wouldSplit()), soFar -> {});
            assertEquals(List.of(jobs == 1 && loneNetSplits, jobs == 1 && loneNetSplits), splits, jobs + " jobs");
        }
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
