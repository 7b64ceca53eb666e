import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.Output;

/**
 * The report of bench's training kernels: a progress line per timed implementation, per workload its GFLOP/s against the
 * sgemm peak and the ratios to PyTorch, the machine, and bench.csv.
 */
final class KernelReport {
    static final String CSV_HEADER = "workload,impl,threads,epochs,repeats,ms_per_epoch,total_s,cpu_ms_per_epoch,"
            + "first_run_s,gflop_per_epoch,gflops,sgemm_peak_gflops,pct_of_sgemm_peak,cpu_gflops,sgemm_peak_cpu_gflops,"
            + "pct_of_sgemm_peak_cpu,rss_mb_at_100,rss_mb_at_end,rss_growth_pct,peak_rss_mb,final_loss,"
            + "wall_ratio_vs_pytorch,cpu_ratio_vs_pytorch,loadavg,startup_s,startup_jvm_s,heap_committed_mb_at_100,heap_committed_mb_at_end";

    private final int threads;
    private final KernelBench.Peak peak;
    private final double[] startup;

    KernelReport(int threads, KernelBench.Peak peak, double startupFromProcess, double startupFromJvm) {
        this.threads = threads;
        this.peak = peak;
        this.startup = new double[] {startupFromProcess, startupFromJvm};
    }

    /** The summary of every workload ([ours, ours-matched, pytorch, pytorch-matched], as measured) on the console, and bench.csv in {@code dir}. */
    void write(List<List<KernelBench.Result>> results, String torchVersion, String threadReport, Path dir) throws IOException {
        System.out.println();
        System.out.println(BenchMachine.machineLine() + (torchVersion == null ? "" : ", PyTorch " + torchVersion));
        System.out.println(threadReport);
        System.out.printf(Locale.ROOT, "start-up to ready-to-train: %.2f s from process start (./jbang launcher included), "
                + "%.2f s from JVM start%n", startup[0], startup[1]);
        System.out.printf(Locale.ROOT, "sgemm peak (800x264 * 264x264, 'f', warm, median, best of start/end): "
                + "%.1f GFLOP/s wall, %.1f GFLOP/s per CPU-second%n", peak.wall(), peak.cpu());
        var rows = new ArrayList<String>();
        for (List<KernelBench.Result> all : results) summarize(all, rows);
        Path csv = dir.resolve("bench.csv");
        Output.writeString(csv, CSV_HEADER + "\n" + String.join("\n", rows) + "\n");
        System.out.println("wrote " + csv);
    }

    /** One progress line per timed implementation, as soon as it is measured. */
    static String line(KernelBench.Result r) {
        return String.format(Locale.ROOT, "%-13s %-16s %8.3f ms/epoch  %7.2f s  cpu %8.3f ms/epoch  "
                        + "RSS %.0f MB @%d -> %.0f MB @end (%+.1f%%), peak %.0f MB, load %.1f",
                r.workload(), r.impl(), r.msPerEpoch(), r.medianSecs(), 1000 * r.medianCpuSecs() / r.epochs(),
                r.rssMb100(), Math.min(100, r.epochs()), r.rssMbEnd(), 100 * (r.rssMbEnd() / r.rssMb100() - 1),
                r.peakRssMb(), r.loadavg())
                + (Double.isNaN(r.offHeapMbEnd()) ? "" : String.format(Locale.ROOT, ", Java heap committed %.0f -> %.0f MB",
                        r.offHeapMb100(), r.offHeapMbEnd()));
    }

    /** The summary of one workload ([ours, pytorch, pytorch-matched]) and its CSV rows. */
    void summarize(List<KernelBench.Result> all, List<String> rows) {
        KernelBench.Result ours = all.get(0);
        double gflop = gflopPerEpoch(ours.workload());
        boolean deep = ours.workload().startsWith("deep");
        KernelBench.Result reference = all.stream().filter(r -> r.impl().equals("pytorch")).findFirst().orElse(null);
        KernelBench.Result matchedReference = all.stream().filter(r -> r.impl().equals("pytorch-matched")).findFirst().orElse(null);
        var text = new StringBuilder(String.format(Locale.ROOT, "%-13s %.4f GFLOP/epoch", ours.workload(), gflop));
        for (KernelBench.Result r : all) {
            double gflops = gflop / (r.medianSecs() / r.epochs());
            double cpuGflops = gflop / (r.medianCpuSecs() / r.epochs());
            double growth = 100 * (r.rssMbEnd() / r.rssMb100() - 1);
            // each of ours against the PyTorch loop doing the same work; pytorch-matched against pytorch (its extras)
            KernelBench.Result base = r.impl().equals("ours-matched") ? matchedReference : reference;
            double wallRatio = base == null || r == base ? Double.NaN : r.medianSecs() / base.medianSecs();
            double cpuRatio = base == null || r == base ? Double.NaN : r.medianCpuSecs() / base.medianCpuSecs();
            text.append(String.format(Locale.ROOT, " | %s %.2f GFLOP/s", r.impl(), gflops));
            if (deep) text.append(String.format(Locale.ROOT, " (%.0f%% of peak wall, %.0f%% cpu)", 100 * gflops / peak.wall(),
                    100 * cpuGflops / peak.cpu()));
            rows.add(String.join(",", r.workload(), r.impl(), String.valueOf(threads), String.valueOf(r.epochs()),
                    String.valueOf(r.secs().length), BenchMachine.fmt(r.msPerEpoch()), BenchMachine.fmt(r.medianSecs()),
                    BenchMachine.fmt(1000 * r.medianCpuSecs() / r.epochs()), BenchMachine.fmt(r.secs()[0]), BenchMachine.fmt(gflop), BenchMachine.fmt(gflops), BenchMachine.fmt(peak.wall()),
                    BenchMachine.fmt(deep ? 100 * gflops / peak.wall() : Double.NaN), BenchMachine.fmt(cpuGflops), BenchMachine.fmt(peak.cpu()),
                    BenchMachine.fmt(deep ? 100 * cpuGflops / peak.cpu() : Double.NaN), BenchMachine.fmt(r.rssMb100()), BenchMachine.fmt(r.rssMbEnd()), BenchMachine.fmt(growth),
                    BenchMachine.fmt(r.peakRssMb()), BenchMachine.fmt(r.loss()), BenchMachine.fmt(wallRatio), BenchMachine.fmt(cpuRatio), BenchMachine.fmt(r.loadavg()), BenchMachine.fmt(startup[0]), BenchMachine.fmt(startup[1]),
                    BenchMachine.fmt(r.offHeapMb100()), BenchMachine.fmt(r.offHeapMbEnd())));
        }
        System.out.println(text);
        if (reference != null) {
            var ratio = new StringBuilder(String.format(Locale.ROOT, "%-13s ours/pytorch: %.2fx wall, %.2fx cpu",
                    ours.workload(), ours.medianSecs() / reference.medianSecs(), ours.medianCpuSecs() / reference.medianCpuSecs()));
            KernelBench.Result oursMatched = all.stream().filter(r -> r.impl().equals("ours-matched")).findFirst().orElse(null);
            if (oursMatched != null && matchedReference != null) {
                ratio.append(String.format(Locale.ROOT, "; with the test set every epoch (ours-matched/pytorch-matched): "
                        + "%.2fx wall, %.2fx cpu", oursMatched.medianSecs() / matchedReference.medianSecs(),
                        oursMatched.medianCpuSecs() / matchedReference.medianCpuSecs()));
            }
            System.out.println(ratio);
        }
    }


    /**
     * FLOPs of one training epoch (forward + backward + update) over n = 800 points, counted the same for both sides:
     * per Linear(in, out) 2*n*in*out for the forward gemm, the same for dW = dz^T x and (except the first layer) for
     * dx = dz W; n*out for the bias add and n*out for the bias gradient; for activated layers n*out (f) + 2*n*out
     * (f' and the product); per parameter 4 for SGD with momentum (buf = m*buf + g; p -= lr*buf), 2 for plain
     * gradient descent. The cross-entropy (n x 2) is left out (under 0.01%). Gemms are 99.6% of the deep nets' count.
     */
    static double gflopPerEpoch(String workload) {
        int[][] layers = switch (workload) {
            case "lecture" -> new int[][] {{2, KernelBench.WIDTH}, {KernelBench.WIDTH, 2}, {2, 2}};
            case "manual" -> new int[][] {{2, KernelBench.MANUAL_HIDDEN}, {KernelBench.MANUAL_HIDDEN, 2}};
            default -> new int[][] {{2, KernelBench.WIDTH}, {KernelBench.WIDTH, KernelBench.WIDTH}, {KernelBench.WIDTH, KernelBench.WIDTH}, {KernelBench.WIDTH, 2}, {2, 2}};
        };
        double n = KernelBench.N_TRAIN;
        double flops = 0;
        for (int i = 0; i < layers.length; i++) {
            double in = layers[i][0];
            double out = layers[i][1];
            flops += 2 * n * in * out * (i == 0 ? 2 : 3);
            flops += 2 * n * out;
            if (i < layers.length - 1) flops += 3 * n * out;
            flops += (workload.equals("manual") ? 2 : 4) * (in * out + out);
        }
        return flops / 1e9;
    }

}
