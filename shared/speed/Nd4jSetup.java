package speed;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.Nd4jBlas;

/**
 * ND4J's thread settings. ND4J reads OMP_NUM_THREADS once, when its native library loads, and otherwise uses one
 * thread per core for its OpenMP ops and for OpenBLAS. Our matrices are small (at most 800 x 264): a second thread
 * costs more in hand-off than it saves, and idle OpenMP workers spin, which on a shared 2-core machine made epochs
 * 10-15x slower. Both pools can be resized at run time and the change takes effect (sgemm and element-wise timings
 * follow it), so no restart with a new environment is needed. PyTorch is compared at the same thread count.
 */
public final class Nd4jSetup {
    private Nd4jSetup() {}

    /**
     * Turns JavaCPP's memory accounting off, unless the command line set it: with it on, every native allocation (ND4J
     * makes one for each array and many an op's shape information) also reads the process's resident size from
     * /proc/self/statm, to be able to refuse one beyond a limit: most of an op's set-up time where ops are small. The
     * hand-written backprop's step (train-manual, about 40 ND4J calls) went from 2.3-2.7 to 1.7-2.0 ms without it. Must
     * run before ND4J loads (JavaCPP reads these once); every command calls it first ({@code cli.Cli#run}).
     */
    public static void memoryAccountingOff() {
        for (String limit : new String[] {"org.bytedeco.javacpp.maxPhysicalBytes", "org.bytedeco.javacpp.maxBytes"}) {
            if (System.getProperty(limit) == null) System.setProperty(limit, "0");
        }
    }

    /** The settings as {@link #restore} takes them: OpenMP, OpenBLAS, ND4J master threads. */
    public static int[] current() {
        Nd4j.create(1);   // loads the backend, which NativeOpsHolder needs first
        return new int[] {NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads(),
                ((Nd4jBlas) Nd4j.factory().blas()).getMaxThreads(), Nd4j.getEnvironment().maxMasterThreads()};
    }

    /** Runs ND4J's OpenMP ops and OpenBLAS on {@code n} threads (scripts call this with 1 before training). */
    public static void threads(int n) {
        Nd4j.create(1);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
        ((Nd4jBlas) Nd4j.factory().blas()).setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Timings.ready();   // (for ./jbang bench --whole: the scripts call this right before they train)
    }

    /**
     * One thread for ND4J's OpenMP ops on this worker thread, after {@link #threads} ran on the thread that started it:
     * OpenMP's thread count is a native thread's own, OpenBLAS's and ND4J's master threads are the process's and stay
     * set. (Not {@link #threads} again: JavaCPP's OpenBLAS setter looks its function up through the dynamic loader, and
     * doing that while another thread loads a native library, as Java2D does for its first figure, deadlocked a run of
     * lecture inside glibc: one thread in dl_iterate_phdr calling dlopen, the other in dlopen, each holding the lock
     * the other waits for.)
     */
    public static void oneThreadHere() {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }

    /** Puts back settings read by {@link #current} (for code run in-process, e.g. by tests or the all script). */
    public static void restore(int[] settings) {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(settings[0]);
        ((Nd4jBlas) Nd4j.factory().blas()).setMaxThreads(settings[1]);
        Nd4j.getEnvironment().setMaxMasterThreads(settings[2]);
    }

    /** e.g. {@code ND4J OpenMP 1, OpenBLAS 1, ND4J master 1 (OMP_NUM_THREADS=unset at start)}. */
    public static String describe() {
        int[] s = current();
        String env = System.getenv("OMP_NUM_THREADS");
        return String.format(Locale.ROOT, "ND4J OpenMP %d, OpenBLAS %d, ND4J master %d (OMP_NUM_THREADS=%s at start)",
                s[0], s[1], s[2], env == null ? "unset" : env);
    }
}
