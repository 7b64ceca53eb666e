import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import data.Split;
import data.TwoMoons;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;
import speed.Blas;

/**
 * bench's training kernels: the lecture's workloads trained by exactly the shared code the exercise scripts call (Mlp,
 * Sgd, Training.run; TwoLayerNet, ManualBackprop), interleaved with scripts/bench_pytorch.py's loops, one thread each;
 * time, CPU time, memory over epochs and the machine's sgemm peak. {@link KernelReport} reports them.
 */
final class KernelBench {
    static final List<String> WORKLOADS = List.of("lecture", "deep-relu", "deep-sigmoid", "manual");
    static final int N_TRAIN = 800;
    static final int WIDTH = 264;
    static final int MANUAL_HIDDEN = 64;

    private final int threads, repeat;
    private final boolean noPytorch;

    KernelBench(int threads, int repeat, boolean noPytorch) {
        this.threads = threads;
        this.repeat = repeat;
        this.noPytorch = noPytorch;
    }


    /** One timed workload of one implementation: medians over the repeats. */
    record Result(String workload, String impl, int epochs, double[] secs, double[] cpuSecs, double rssMb100,
                  double rssMbEnd, double peakRssMb, double loss, double loadavg, double offHeapMb100, double offHeapMbEnd) {
        double medianSecs() { return BenchMachine.median(secs); }
        double medianCpuSecs() { return cpuSecs == null ? Double.NaN : BenchMachine.median(cpuSecs); }
        double msPerEpoch() { return 1000 * medianSecs() / epochs; }

        /**
         * The rounds of one implementation as one result: every round's times; RSS after epoch 100 and at the end of
         * one and the same round, the round whose RSS grew most; the highest peak, the last loss, the mean load.
         */
        static Result merge(List<Result> rounds) {
            Result last = rounds.get(rounds.size() - 1);
            Result mostGrowth = rounds.stream().max(java.util.Comparator.comparingDouble(r -> r.rssMbEnd() / r.rssMb100())).orElse(last);
            double[] secs = rounds.stream().flatMapToDouble(r -> Arrays.stream(r.secs())).toArray();
            double[] cpu = rounds.stream().flatMapToDouble(r -> r.cpuSecs() == null ? java.util.stream.DoubleStream.of(Double.NaN)
                    : Arrays.stream(r.cpuSecs())).toArray();
            return new Result(last.workload(), last.impl(), last.epochs(), secs, cpu, mostGrowth.rssMb100(), mostGrowth.rssMbEnd(),
                    rounds.stream().mapToDouble(Result::peakRssMb).max().orElse(Double.NaN), last.loss(),
                    rounds.stream().mapToDouble(Result::loadavg).average().orElse(Double.NaN), mostGrowth.offHeapMb100(),
                    mostGrowth.offHeapMbEnd());
        }
    }

    /**
     * Times {@code selected} workloads ({@code netEpochs} epochs of the nets, {@code manualSteps} steps of the manual one),
     * ours and PyTorch's interleaved, and reports them into {@code dir} ({@link KernelReport}).
     */
    int measure(Path dir, int netEpochs, int manualSteps, List<String> selected, String threadReport) throws IOException, InterruptedException {
        Split data = TwoMoons.lecture();
        Mlp.deep(3, WIDTH, Activation.RELU, DataType.FLOAT).initLikeTorch(0);
        double startupFromProcess = BenchMachine.secondsSince(ProcessHandle.current().info().startInstant().orElse(null));
        double startupFromJvm = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
        System.out.printf(Locale.ROOT, "ready to train after %.2f s; timing %s%n", startupFromProcess, String.join(", ", selected));

        Peak peakAtStart = sgemmPeak();

        String python = noPytorch ? null : BenchMachine.findPythonWithTorch();
        Path torchScript = python == null ? null : pytorchScript();
        if (!noPytorch && (python == null || torchScript == null)) {
            System.out.println(python == null
                    ? "PyTorch side skipped: no python3 with torch and scikit-learn found (tried /usr/bin/python3, python3); "
                            + "on Debian: apt-get install -y python3-torch python3-sklearn"
                    : "PyTorch side skipped: scripts/bench_pytorch.py not found from " + Path.of("").toAbsolutePath());
        }
        String torchVersion = null;
        var results = new ArrayList<List<Result>>();
        for (String workload : selected) {
            int n = workload.equals("manual") ? manualSteps : netEpochs;
            // Repeats are interleaved (ours, PyTorch's, ours again, ...) so that both sides see the same moods of a
            // shared machine; each round is one training run of each implementation, a fresh PyTorch process each.
            var rounds = new ArrayList<Result>();
            for (int round = 0; round < repeat; round++) {
                // "ours": Training.run without a test set, the reference loop's work (training + the hidden layers'
                // gradient norms); "ours-matched": with the test set evaluated every epoch, as the scripts run it
                rounds.add(runOurs(workload, n, data, false));
                boolean matched = false;
                if (python != null && torchScript != null) {
                    var info = new String[1];
                    for (Result r : runPytorch(python, torchScript, workload, netEpochs, manualSteps, info)) {
                        rounds.add(r);
                        matched |= r.impl().equals("pytorch-matched");
                    }
                    if (info[0] != null) torchVersion = info[0];
                }
                // (the latter only beside PyTorch's matched loop, which is what it is compared with)
                if (!workload.equals("manual") && matched) rounds.add(runOurs(workload, n, data, true));
            }
            var all = new ArrayList<Result>();
            for (String impl : List.of("ours", "ours-matched", "pytorch", "pytorch-matched")) {
                List<Result> runs = rounds.stream().filter(r -> r.impl().equals(impl)).toList();
                if (!runs.isEmpty()) all.add(Result.merge(runs));
            }
            all.forEach(r -> System.out.println(KernelReport.line(r)));
            results.add(all);
        }
        // the machine is shared: a peak is the best of two measurements, before and after the workloads
        Peak peak = peakAtStart.max(sgemmPeak());
        new KernelReport(threads, peak, startupFromProcess, startupFromJvm).write(results, torchVersion, threadReport, dir);
        return 0;
    }

    // ---- our side: the shared training code, unchanged ----

    /** One training run of a workload by the shared code. */
    Result runOurs(String workload, int epochs, Split data, boolean withTestSet) {
        double[] secs = new double[1];
        double[] cpu = new double[secs.length];
        double[] rss100 = {Double.NaN};
        double[] rssEnd = {Double.NaN};
        double[] offHeap100 = {Double.NaN};
        double loss = Double.NaN;
        double load = BenchMachine.loadavg();
        int checkpoint = Math.min(100, epochs) - 1;
        for (int r = 0; r < secs.length; r++) {
            long cpu0 = BenchMachine.processCpuNanos();
            long t0 = System.nanoTime();
            if (workload.equals("manual")) {
                loss = trainManual(data, epochs, checkpoint, rss100, offHeap100);
            } else {
                Mlp net = workload.equals("lecture") ? Mlp.lecture(WIDTH, Activation.RELU, DataType.FLOAT)
                        : Mlp.deep(3, WIDTH, workload.equals("deep-relu") ? Activation.RELU : Activation.SIGMOID, DataType.FLOAT);
                net.initLikeTorch(0);
                var sgd = new Sgd(net, 0.01, 0.99);
                var history = Training.run(workload, net, sgd, data.train(), withTestSet ? data.test() : null, epochs, e -> {
                    if (e.epoch() == checkpoint) {
                        rss100[0] = BenchMachine.rssKb("VmRSS") / 1024.0;
                        offHeap100[0] = BenchMachine.offHeapMb();
                    }
                });
                loss = history.last().loss();
            }
            secs[r] = (System.nanoTime() - t0) / 1e9;
            cpu[r] = (BenchMachine.processCpuNanos() - cpu0) / 1e9;
            rssEnd[0] = BenchMachine.rssKb("VmRSS") / 1024.0;
        }
        return new Result(workload, withTestSet ? "ours-matched" : "ours", epochs, secs, cpu, rss100[0], rssEnd[0], BenchMachine.rssKb("VmHWM") / 1024.0, loss,
                (load + BenchMachine.loadavg()) / 2, offHeap100[0], BenchMachine.offHeapMb());
    }

    /**
     * The reference's manual loop (pytorch_reference.py): per step forward, loss, backward, step; the same shared
     * calls scripts/train_manual.java makes. Its init draws from java.util.Random, so only the timing (not the loss
     * trajectory) is comparable with PyTorch's torch.randn init.
     */
    static double trainManual(Split data, int steps, int checkpoint, double[] rss100, double[] offHeap100) {
        var net = TwoLayerNet.heNormal(MANUAL_HIDDEN, 0, DataType.FLOAT);
        INDArray x = data.train().features(DataType.FLOAT);
        INDArray oneHot = data.train().oneHot(TwoLayerNet.CLASSES, DataType.FLOAT);
        double loss = Double.NaN;
        for (int step = 0; step < steps; step++) {
            try (var memory = ManualBackprop.stepMemory()) {
                ManualBackprop.Forward f = ManualBackprop.forward(x, net);
                loss = ManualBackprop.loss(f.a2(), oneHot);
                ManualBackprop.step(net, ManualBackprop.backward(x, oneHot, f, net.W2()), 0.5);
            }
            if (step == checkpoint) {
                rss100[0] = BenchMachine.rssKb("VmRSS") / 1024.0;
                offHeap100[0] = BenchMachine.offHeapMb();
            }
        }
        return loss;
    }

    /** The best of a wall-clock and a CPU-time measurement (GFLOP/s), each a median over repeated calls. */
    record Peak(double wall, double cpu) {
        Peak max(Peak other) {
            return new Peak(Math.max(wall, other.wall), Math.max(cpu, other.cpu));
        }
    }

    /**
     * C = A B for A [800, 264], B [264, 264], all 'f'-ordered: the deep nets' dominant gemm shape, by the OpenBLAS call
     * the nets make ({@link Blas#gemm}). By wall clock (the
     * median of 15 batches of 20 calls) and by process CPU time (all 300 calls together, because the JDK reads it in
     * 10 ms ticks): on a shared machine the CPU-time figure is the one other people's jobs spoil least.
     */
    static Peak sgemmPeak() {
        INDArray a = Nd4j.rand(DataType.FLOAT, N_TRAIN, WIDTH).dup('f');
        INDArray b = Nd4j.rand(DataType.FLOAT, WIDTH, WIDTH).dup('f');
        INDArray c = Nd4j.create(DataType.FLOAT, new long[] {N_TRAIN, WIDTH}, 'f');
        int calls = 20;
        for (int i = 0; i < calls; i++) Blas.gemm(a, false, b, false, c);
        double[] secs = new double[15];
        long cpu0 = BenchMachine.processCpuNanos();
        for (int k = 0; k < secs.length; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) Blas.gemm(a, false, b, false, c);
            secs[k] = (System.nanoTime() - t0) / 1e9 / calls;
        }
        double cpuPerCall = (BenchMachine.processCpuNanos() - cpu0) / 1e9 / (calls * secs.length);
        double flop = 2.0 * N_TRAIN * WIDTH * WIDTH;
        return new Peak(flop / BenchMachine.median(secs) / 1e9, flop / cpuPerCall / 1e9);
    }

    // ---- PyTorch side ----

    /** scripts/bench_pytorch.py of the checkout the working directory is in. */
    static Path pytorchScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path script = d.resolve("scripts").resolve("bench_pytorch.py");
            if (Files.isRegularFile(script)) return script;
        }
        return null;
    }

    /** Runs one workload in PyTorch (both loops) and returns [reference, matched] results. */
    List<Result> runPytorch(String python, Path script, String workload, int netEpochs, int manualSteps,
                                   String[] version) throws IOException, InterruptedException {
        var cmd = List.of(python, script.toString(), "--threads", String.valueOf(threads),
                "--repeat", "1", "--lecture-epochs", String.valueOf(netEpochs),
                "--deep-epochs", String.valueOf(netEpochs), "--manual-steps", String.valueOf(manualSteps),
                "--only", workload, "--matched");
        var pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("MKL_NUM_THREADS", String.valueOf(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        double load = BenchMachine.loadavg();
        Process p = pb.start();
        Map<String, List<Map<String, String>>> byLoop = new LinkedHashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.startsWith("{")) continue;
                Map<String, String> fields = new LinkedHashMap<>();
                BenchMachine.JSON.readTree(line).fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
                if ("info".equals(fields.get("kind"))) {
                    version[0] = fields.get("torch") + " (" + fields.get("threads") + " threads)";
                } else if ("run".equals(fields.get("kind"))) {
                    byLoop.computeIfAbsent(fields.get("loop"), k -> new ArrayList<>()).add(fields);
                }
            }
        }
        if (p.waitFor() != 0) {
            System.out.println("PyTorch side of " + workload + " failed (exit " + p.exitValue() + "); see its stderr above");
        }
        double loadAfter = BenchMachine.loadavg();
        var results = new ArrayList<Result>();
        byLoop.forEach((loop, runs) -> {
            double[] secs = runs.stream().mapToDouble(f -> Double.parseDouble(f.get("secs"))).toArray();
            double[] cpu = runs.stream().mapToDouble(f -> Double.parseDouble(f.getOrDefault("cpu_secs", "NaN"))).toArray();
            var last = runs.get(runs.size() - 1);
            results.add(new Result(workload, loop.equals("reference") ? "pytorch" : "pytorch-" + loop,
                    Integer.parseInt(last.get("epochs")), secs, cpu, Double.parseDouble(last.get("rss_kb_100")) / 1024,
                    Double.parseDouble(last.get("rss_kb_end")) / 1024, Double.parseDouble(last.get("hwm_kb")) / 1024,
                    Double.parseDouble(last.get("loss")), (load + loadAfter) / 2, Double.NaN, Double.NaN));
        });
        return results;
    }
}
