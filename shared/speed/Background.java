package speed;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Work handed to the other core while this thread goes on, e.g. the figures of a net drawn while it trains: one worker
 * thread (with one ND4J thread), the tasks run in the order given. The training thread stays on its core, so its
 * numbers are those of training alone.
 */
public final class Background implements AutoCloseable {
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "background");
        t.setDaemon(true);
        return t;
    });

    /** Starts {@code task} on the worker once the tasks before it are done. */
    public <R> Future<R> submit(Callable<R> task) {
        return worker.submit(() -> {
            Nd4jSetup.oneThreadHere();   // (OpenBLAS and the rest: the scripts call Nd4jSetup.threads before they make one)
            TwoCores.oneCoreHere();   // (a net evaluated here keeps to this core)
            Timings.alongside();   // (for ./jbang bench --whole: this work runs alongside the main path)
            return task.call();
        });
    }

    /** The results of {@code tasks}, in their order, waiting for each; a task's exception is thrown here as it was there. */
    public static <R> List<R> results(List<Future<R>> tasks) {
        return tasks.stream().map(Background::result).toList();
    }

    /** A task's result, waiting for it; its exception is thrown here as it was there. */
    public static <R> R result(Future<R> task) {
        try (var waiting = Timings.begin(Timings.WAITING)) {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for background work", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error error) throw error;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Stops the worker: tasks not started are dropped (a failed run needs no figures), the one running is waited for, so
     * that nothing writes into an output folder's staging after the run has ended.
     */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Background[one worker thread" + (worker.isShutdown() ? ", stopped" : "") + "]";
    }
}
