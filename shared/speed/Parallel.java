package speed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Independent pieces of work (nets to train) {@code jobs} at a time, each on its own thread with one ND4J thread (see
 * {@link Nd4jSetup}: the matrices are small, so one core per net is the fastest use of the cores). The pieces share
 * nothing, so each one's numbers are those of running it alone on one core ({@code MOONS_TWO_CORES=0}), whatever
 * {@code jobs}; a net that trains alone on both cores ({@link TwoCores}) differs from them by float rounding (deep's
 * losses after 100 epochs in the 8th digit).
 */
public final class Parallel {
    private Parallel() {}

    /**
     * {@code work} applied to every item, started in the items' order, the results in that order. The first exception of
     * a piece (a bug) is thrown here as it was thrown there; the pieces not started yet never start.
     */
    public static <T, R> List<R> map(List<T> items, int jobs, Function<? super T, ? extends R> work) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        Nd4jSetup.threads(1);
        var named = new AtomicInteger();
        int threads = Math.max(1, Math.min(jobs, items.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "parallel-" + named.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            var futures = new ArrayList<Future<R>>();
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    workerOf(threads);
                    return (R) work.apply(item);
                }));
            }
            return Background.results(futures);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sets up this thread as one of {@code workers} that train nets side by side (every pool of them calls this first,
     * e.g. study.Trainer's): one ND4J thread, and where there are several workers, one core per net; a net that trains
     * alone splits its batch over both ({@link TwoCores}). Without it, two nets side by side each sent half their batch
     * to the one other-core thread, and waited for it: 12.0-13.9 s per net of `deep` (1000 epochs), now 9.1-11.3.
     */
    public static void workerOf(int workers) {
        Nd4jSetup.oneThreadHere();   // OpenMP's thread count is per native thread: set it on this one too
        if (workers > 1) TwoCores.oneCoreHere();
    }
}
