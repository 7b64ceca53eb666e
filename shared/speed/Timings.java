package speed;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Where a run's time goes, by phase (training, per-epoch evaluation, figures, writing files), for {@code ./jbang bench
 * --whole}. Off unless the environment sets {@value #ENV}=1: then every call below runs its body and nothing else. On,
 * each phase costs two {@code nanoTime} calls, and at exit one JSON line goes to stderr (see {@link #json}).
 * <p>
 * Phases nest and count exclusively: a PNG encoded inside a file write counts as figures, and the write around it as
 * writing, never both, so the phases of one thread add up to at most its wall time. Threads count separately (two nets
 * training at once count their training twice); work a thread does {@link #alongside} the run's main path (figures
 * drawn on the other core while the net trains) is counted apart. Besides the phases it marks when the run was ready
 * to train (the first {@link #ready}: the scripts set ND4J's threads right before they train) and when that thread
 * began its first figure or file after that: the span between the two is the training loop even where the loop is a
 * script's own.
 */
public final class Timings {
    public static final String ENV = "MOONS_TIMINGS";
    /** The phases: a training step (forward, backward, update), the test set's accuracy per epoch, the per-layer measures. */
    public static final String TRAINING = "training", EVALUATION = "evaluation", DIAGNOSTICS = "diagnostics";
    /**
     * Figures: building charts, drawing them; and its parts named {@code figures.*}: the confidence fields (the model on
     * a grid), encoding PNGs, drawing and encoding SVGs, encoding GIFs. Writing: the files themselves (and their text).
     */
    public static final String FIGURES = "figures", FIELD = "figures.field", PNG = "figures.png", SVG = "figures.svg",
            GIF = "figures.gif", WRITING = "writing";
    /** The main path waiting for work done {@link #alongside} it. */
    public static final String WAITING = "waiting";
    /** The key that marks the JSON line among a process's stderr lines. */
    public static final String MARKER = "moons_timings";

    static final boolean ON = "1".equals(System.getenv(ENV));

    private Timings() {}

    /** A phase begun by {@link #begin}; {@link #close} ends it (use try-with-resources). */
    public static class Phase implements AutoCloseable {
        static final Phase NONE = new Phase(null, 0);
        final String name;
        final long start;
        long nested;

        Phase(String name, long start) {
            this.name = name;
            this.start = start;
        }

        @Override
        public void close() {
            if (this != NONE) end(this);
        }

        /** e.g. {@code Phase[figures, open 12.3 ms]}, or {@code Phase[none: timings off]}. */
        @Override
        public String toString() {
            return this == NONE ? "Phase[none: timings off]"
                    : String.format(Locale.ROOT, "Phase[%s, open %.1f ms]", name, (System.nanoTime() - start) / 1e6);
        }
    }

    /** Begins {@code phase} on this thread; close the result to end it. */
    public static Phase begin(String phase) {
        if (!ON) return Phase.NONE;
        long now = System.nanoTime();
        if ((phase.startsWith(FIGURES) || phase.equals(WRITING)) && READY.get() != 0 && Thread.currentThread() == readyThread) {
            FIRST_OUTPUT.compareAndSet(0, now);
        }
        var p = new Phase(phase, now);
        STACK.get().push(p);
        return p;
    }

    /** {@code body}'s value, its time counted as {@code phase}. */
    public static <T> T time(String phase, Supplier<T> body) {
        if (!ON) return body.get();
        try (Phase p = begin(phase)) {
            return body.get();
        }
    }

    /** Runs {@code body}, its time counted as {@code phase}. */
    public static void run(String phase, Runnable body) {
        if (!ON) {
            body.run();
            return;
        }
        try (Phase p = begin(phase)) {
            body.run();
        }
    }

    /** Marks the run ready to train (the first call counts). */
    public static void ready() {
        if (ON && READY.compareAndSet(0, System.nanoTime())) readyThread = Thread.currentThread();
    }

    /**
     * Declares this thread's work to run alongside the main path (e.g. {@link Background}'s worker, drawing while the net
     * trains): its phases are counted apart, as {@code "alongside"}, since the wall time they took is the main path's too.
     */
    public static void alongside() {
        if (ON) STACK.get().alongside = true;
    }

    // ---- the record ----

    private static final long BASE_NANOS = System.nanoTime();
    private static final long BASE_MILLIS = System.currentTimeMillis();
    private static final AtomicLong READY = new AtomicLong(), FIRST_OUTPUT = new AtomicLong();
    private static final Map<String, LongAdder> NANOS = new ConcurrentHashMap<>(), ALONGSIDE = new ConcurrentHashMap<>(),
            CALLS = new ConcurrentHashMap<>();
    private static volatile Thread readyThread;

    /** A thread's open phases, innermost first, and whether they run alongside the main path. */
    private static final class Stack extends ArrayDeque<Phase> {
        boolean alongside;
    }

    private static final ThreadLocal<Stack> STACK = ThreadLocal.withInitial(Stack::new);

    static {
        if (ON) Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(json()), "timings"));
    }

    private static void end(Phase p) {
        long elapsed = System.nanoTime() - p.start;
        Stack stack = STACK.get();
        stack.remove(p);   // the top, unless a phase was left open (then it goes too, and nothing is counted twice)
        Phase parent = stack.peek();
        if (parent != null) parent.nested += elapsed;
        (stack.alongside ? ALONGSIDE : NANOS).computeIfAbsent(p.name, k -> new LongAdder()).add(elapsed - p.nested);
        CALLS.computeIfAbsent(p.name, k -> new LongAdder()).increment();
    }

    /** Epoch milliseconds of a {@code nanoTime} reading (0: never happened). */
    private static double epochMillis(long nanos) {
        return nanos == 0 ? Double.NaN : BASE_MILLIS + (nanos - BASE_NANOS) / 1e6;
    }

    /**
     * One line, e.g. {@code {"moons_timings":1,"process_start_ms":...,"jvm_start_ms":...,"ready_ms":...,
     * "first_output_ms":...,"end_ms":...,"phases":{"figures":1.23,...},"alongside":{...},"calls":{"figures":12,...}}}:
     * epoch milliseconds (NaN where a mark never happened: JSON's NaN as Python and Jackson read it), each phase's
     * seconds on the main path and alongside it, and its calls.
     * Written by hand, not by Jackson: its classes would load into the process being measured.
     */
    public static String json() {
        long end = System.nanoTime();
        double processStart = ProcessHandle.current().info().startInstant().map(i -> (double) i.toEpochMilli()).orElse(Double.NaN);
        double jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        var out = new StringBuilder("{\"" + MARKER + "\":1");
        field(out, "process_start_ms", processStart);
        field(out, "jvm_start_ms", jvmStart);
        field(out, "ready_ms", epochMillis(READY.get()));
        field(out, "first_output_ms", epochMillis(FIRST_OUTPUT.get()));
        field(out, "end_ms", epochMillis(end));
        seconds(out, "phases", NANOS);
        seconds(out, "alongside", ALONGSIDE);
        out.append(",\"calls\":{");
        new TreeMap<>(CALLS).forEach((name, n) -> out.append('"').append(name).append("\":").append(n.sum()).append(','));
        return trimComma(out).append("}}").toString();
    }

    private static void seconds(StringBuilder out, String key, Map<String, LongAdder> phases) {
        out.append(",\"").append(key).append("\":{");
        new TreeMap<>(phases).forEach((name, nanos) -> out.append('"').append(name).append("\":")
                .append(String.format(Locale.ROOT, "%.6f", nanos.sum() / 1e9)).append(','));
        trimComma(out).append('}');
    }

    private static void field(StringBuilder out, String key, double value) {
        out.append(",\"").append(key).append("\":").append(Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.3f", value));
    }

    private static StringBuilder trimComma(StringBuilder out) {
        if (out.charAt(out.length() - 1) == ',') out.setLength(out.length() - 1);
        return out;
    }
}
