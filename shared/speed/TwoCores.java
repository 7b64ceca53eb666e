package speed;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A net that trains alone uses both cores: its batch is split in two halves of rows, and each half's forward and
 * backward pass runs on its own core, into its own gradients, which then add up to the batch's (nn.Mlp#backward). ND4J's
 * and OpenBLAS's own threads would split every op instead, and their workers spin while they wait: on a shared 2-core
 * machine that made an epoch 5x slower, where two halves on two Java threads, one hand-off per pass, lose nothing when
 * the other core is busy. Where several nets train side by side ({@link Parallel}) or a thread draws beside the
 * training ({@link Background}), each keeps to one core: those threads are marked with {@link #oneCoreHere}.
 * <p>
 * {@code MOONS_TWO_CORES=0} in the environment (or {@code -Dmoons.twoCores=false}) keeps every net on one core, e.g. to
 * measure what the split gives.
 */
public final class TwoCores {
    /**
     * Less work than this (rows x parameters, about the multiply-adds of a forward pass) stays on one core: a hand-off
     * costs 10-30 us on an idle machine and far more on a busy one. The lecture's net on its 800 training points (1,300
     * parameters, 0.28 ms per epoch) lost by the split in every measurement; a 3 x 264 net (141,000 parameters, 8-10 ms)
     * is 28 times above this, its 200 test points 7 times.
     */
    public static final long MIN_WORK = 4_000_000;

    private static final boolean ENABLED = !"0".equals(System.getenv("MOONS_TWO_CORES"))
            && Boolean.parseBoolean(System.getProperty("moons.twoCores", "true"))
            && Runtime.getRuntime().availableProcessors() >= 2;
    private static final ThreadLocal<Boolean> ONE_CORE = ThreadLocal.withInitial(() -> false);
    private static ExecutorService other;

    private TwoCores() {}

    /**
     * Whether a pass over {@code rows} rows of a net of {@code parameters} parameters on this thread goes to both cores
     * (not on a thread marked by {@link #oneCoreHere}; 2 rows at least, one per core).
     */
    public static boolean forBatch(long rows, long parameters) {
        return ENABLED && rows >= 2 && rows * parameters >= MIN_WORK && !ONE_CORE.get();
    }

    /** Keeps the nets trained on this thread on one core (a thread of several that work side by side). */
    public static void oneCoreHere() {
        ONE_CORE.set(true);
    }

    /** Runs {@code second} on the other core while this thread runs {@code first}; both results, when both are done. */
    public static <R> Both<R> both(Callable<R> first, Callable<R> second) {
        Future<R> there = otherCore().submit(second);
        R here;
        try {
            here = first.call();
        } catch (RuntimeException | Error e) {
            get(there);   // (let it finish: it writes into the same net)
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new Both<>(here, get(there));
    }

    /** Its result, its exception thrown here as it was there (not {@link Background#result}: this wait is training's). */
    private static <R> R get(Future<R> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the other core trained", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Starts {@code task} on the other core, where this thread may use both ({@link #forBatch}), else runs it here and
     * now; {@link #result} gives its result. For work that reads what this thread does not write meanwhile, e.g. the test
     * set's pass while this thread measures the layers.
     */
    public static <R> Future<R> meanwhile(long rows, long parameters, Callable<R> task) {
        if (forBatch(rows, parameters)) {
            return otherCore().submit(() -> {
                Timings.alongside();   // (for ./jbang bench --whole: counted apart from the main path)
                return task.call();
            });
        }
        var here = new java.util.concurrent.FutureTask<>(task);
        here.run();
        return here;
    }

    /** A task's result, its exception thrown here as it was there. */
    public static <R> R result(Future<R> task) {
        return get(task);
    }

    /** The results of {@link #both}'s two tasks. */
    public record Both<R>(R first, R second) {}

    private static synchronized ExecutorService otherCore() {
        if (other == null) {
            other = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(() -> {
                    Nd4jSetup.oneThreadHere();   // OpenMP's thread count is per native thread
                    ONE_CORE.set(true);
                    task.run();
                }, "other-core");
                t.setDaemon(true);
                return t;
            });
        }
        return other;
    }
}
