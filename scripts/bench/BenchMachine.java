import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import io.Programs;
import org.nd4j.shade.jackson.core.json.JsonReadFeature;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.json.JsonMapper;

/** What both benchmarks measure the machine and their processes with, and how they print numbers: small helpers of bench. */
final class BenchMachine {
    private BenchMachine() {}

    /** bench_pytorch.py and bench_whole.py print JSON lines; Python's json writes NaN, which JSON proper lacks. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    static String fmt(double x) {
        return Double.isNaN(x) ? "" : String.format(Locale.ROOT, "%.4g", x);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /** A field of /proc/self/status in kB (VmRSS: resident now, VmHWM: peak resident); -1 off Linux. */
    static long rssKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no RSS figures
        }
        return -1;
    }

    /**
     * The Java heap the JVM has committed, so a growing RSS can be told apart from ND4J's native buffers (which
     * JavaCPP's Pointer.totalBytes() does not see in this ND4J version: it reads 0 here).
     */
    static double offHeapMb() {
        return Runtime.getRuntime().totalMemory() / (1024.0 * 1024.0);
    }

    /** CPU time of the whole process (all threads: ours, OpenMP's, OpenBLAS's, the JIT's and GC's), in 10 ms ticks. */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** The 1-minute load average: how busy the machine was while we measured (it has other users). */
    static double loadavg() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double secondsSince(Instant start) {
        return start == null ? Double.NaN : (System.currentTimeMillis() - start.toEpochMilli()) / 1000.0;
    }

    static String machineLine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "machine: %d cores (%s), JDK %s, ND4J 1.0.0-M2.1 with %s (JavaCPP preset), %s",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"),
                org.bytedeco.openblas.global.openblas_nolapack.OPENBLAS_VERSION.strip(), openBlasKernels());
    }

    /**
     * Whose choice OpenBLAS's kernels are. It picks them for the CPU as it loads, unless OPENBLAS_CORETYPE names them:
     * the AMD machines' environment sets Haswell (AVX2), where OpenBLAS itself picks Cooperlake (AVX-512), whose sgemm is
     * 1.5-1.8x as fast there. Both sides inherit the variable (Debian's PyTorch multiplies with OpenBLAS too).
     */
    static String openBlasKernels() {
        String coretype = System.getenv("OPENBLAS_CORETYPE");
        return coretype == null ? "OpenBLAS's kernels chosen for the CPU" : "OPENBLAS_CORETYPE=" + coretype + " from the environment (both sides)";
    }

    /** The first of /usr/bin/python3 and python3 that can import torch and sklearn (Debian's torch is the former). */
    static String findPythonWithTorch() {
        return findPython("torch, sklearn");
    }

    /** The first of /usr/bin/python3 and python3 that can import {@code modules} (e.g. "torch, sklearn"). */
    static String findPython(String modules) {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            if (Programs.works(List.of(python, "-c", "import " + modules), 120)) return python;
            if (Thread.currentThread().isInterrupted()) return null;
        }
        return null;
    }

    /** Removes a folder and everything in it (a run's outputs, once listed). */
    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) return;
        try (var walk = Files.walk(top)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
