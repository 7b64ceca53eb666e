///usr/bin/env jbang "$0" "$@" ; exit $?
// The speed of the lecture's workloads next to PyTorch's, measured in the same run: our training loops and the
// PyTorch script scripts/bench_pytorch.py, interleaved, one thread each; ms/epoch, GFLOP/s against the machine's sgemm
// peak, memory over epochs, start-up. See BENCHMARKS.md for the method and the numbers.
//
//JAVA 17+
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1:${os.detected.classifier}
//DEPS org.bytedeco:openblas:0.3.31-1.5.13
//DEPS org.bytedeco:openblas:0.3.31-1.5.13:${os.detected.classifier}
//DEPS org.bytedeco:javacpp:1.5.13
//DEPS org.bytedeco:javacpp:1.5.13:${os.detected.classifier}
//DEPS org.knowm.xchart:xchart:3.8.8
//DEPS de.erichseifert.vectorgraphics2d:VectorGraphics2D:0.13
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES ../shared/**/*.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (//CDS: JBang keeps a class-data archive of the script, which halves the JVM's start; -Xlog:cds=off silences the
// run that writes it. Serial GC with a small young generation keeps memory flat and low: deep peaks at 350 MB, not 770.)

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.core.json.JsonReadFeature;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.json.JsonMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import cli.Cli;
import cli.Output;
import data.Split;
import data.TwoMoons;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;
import speed.Blas;
import speed.Nd4jSetup;

/**
 * Our training speed next to PyTorch's, measured in the same run on the same machine with the same threads, epochs
 * and repeats. The Java side calls exactly the shared code the exercise scripts call (Mlp, Sgd, Training.run;
 * TwoLayerNet, ManualBackprop): a speed-up there is a speed-up for the students, and nothing here is a fast path.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times the lecture's training workloads (ours and, when python3 with torch is found, PyTorch's "
                + "from scripts/bench_pytorch.py) and writes bench.csv. See BENCHMARKS.md.")
public class bench implements Callable<Integer> {
    static final List<String> WORKLOADS = List.of("lecture", "deep-relu", "deep-sigmoid", "manual");
    static final String CSV_HEADER = "workload,impl,threads,epochs,repeats,ms_per_epoch,total_s,cpu_ms_per_epoch,"
            + "first_run_s,gflop_per_epoch,gflops,sgemm_peak_gflops,pct_of_sgemm_peak,cpu_gflops,sgemm_peak_cpu_gflops,"
            + "pct_of_sgemm_peak_cpu,rss_mb_at_100,rss_mb_at_end,rss_growth_pct,peak_rss_mb,final_loss,"
            + "wall_ratio_vs_pytorch,cpu_ratio_vs_pytorch,loadavg,startup_s,startup_jvm_s,heap_committed_mb_at_100,heap_committed_mb_at_end";
    static final int N_TRAIN = 800;
    static final int WIDTH = 264;
    static final int MANUAL_HIDDEN = 64;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Threads for ND4J's OpenMP ops, OpenBLAS and PyTorch (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--epochs", paramLabel = "E",
            description = "Epochs of the lecture and deep nets; the manual net runs 2E steps (default: 1000 and 2000).")
    Integer epochs;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "3",
            description = "Timed runs per workload; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--only", paramLabel = "WORKLOAD", description = "One of lecture, deep-relu, deep-sigmoid, manual.")
    String only;

    @Option(names = "--no-pytorch", description = "Skip the PyTorch side.")
    boolean noPytorch;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: scripts/out/bench).")
    Path out;

    public static void main(String... args) {
        System.exit(Cli.run(new bench(), args));
    }

    /** One timed workload of one implementation: medians over the repeats. */
    record Result(String workload, String impl, int epochs, double[] secs, double[] cpuSecs, double rssMb100,
                  double rssMbEnd, double peakRssMb, double loss, double loadavg, double offHeapMb100, double offHeapMbEnd) {
        double medianSecs() { return median(secs); }
        double medianCpuSecs() { return cpuSecs == null ? Double.NaN : median(cpuSecs); }
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

    @Override
    public Integer call() throws Exception {
        // validate everything before anything is written (or the native library is even loaded)
        Cli.require(threads >= 1 && threads <= 256, "--threads must be 1..256, got " + threads);
        Cli.require(epochs == null || (epochs >= 1 && epochs <= 1_000_000), "--epochs must be 1..1000000, got " + epochs);
        Cli.require(repeat >= 1 && repeat <= 100, "--repeat must be 1..100, got " + repeat);
        Cli.require(only == null || WORKLOADS.contains(only),
                "--only must be one of " + String.join(", ", WORKLOADS) + ", got '" + only + "'");
        Path dir = Output.prepareDir(out != null ? out : Output.defaultDir("bench"), "--out");
        int netEpochs = epochs == null ? 1000 : epochs;
        int manualSteps = epochs == null ? 2000 : 2 * epochs;
        List<String> selected = only == null ? WORKLOADS : List.of(only);

        // ---- ready to train: ND4J loaded, threads set, data made, a net built ----
        int[] before = Nd4jSetup.current();
        try {
            Nd4jSetup.threads(threads);   // the scripts' own setting (they call Nd4jSetup.threads(1))
            return measure(dir, netEpochs, manualSteps, selected, "threads: requested " + threads + "; " + Nd4jSetup.describe());
        } finally {
            Nd4jSetup.restore(before);   // run() may be called in-process (tests): leave ND4J as we found it
        }
    }

    private int measure(Path dir, int netEpochs, int manualSteps, List<String> selected, String threadReport)
            throws IOException, InterruptedException {
        Split data = TwoMoons.lecture();
        Mlp.deep(3, WIDTH, Activation.RELU, DataType.FLOAT).initLikeTorch(0);
        double startupFromProcess = secondsSince(ProcessHandle.current().info().startInstant().orElse(null));
        double startupFromJvm = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
        System.out.printf(Locale.ROOT, "ready to train after %.2f s; timing %s%n", startupFromProcess, String.join(", ", selected));

        Peak peakAtStart = sgemmPeak();

        String python = noPytorch ? null : findPythonWithTorch();
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
            all.forEach(r -> System.out.println(line(r)));
            results.add(all);
        }
        // the machine is shared: a peak is the best of two measurements, before and after the workloads
        Peak peak = peakAtStart.max(sgemmPeak());
        System.out.println();
        System.out.println(machineLine() + (torchVersion == null ? "" : ", PyTorch " + torchVersion));
        System.out.println(threadReport);
        System.out.printf(Locale.ROOT, "start-up to ready-to-train: %.2f s from process start (./jbang launcher included), "
                + "%.2f s from JVM start%n", startupFromProcess, startupFromJvm);
        System.out.printf(Locale.ROOT, "sgemm peak (800x264 * 264x264, 'f', warm, median, best of start/end): "
                + "%.1f GFLOP/s wall, %.1f GFLOP/s per CPU-second%n", peak.wall(), peak.cpu());
        var rows = new ArrayList<String>();
        for (List<Result> all : results) summarize(all, peak, new double[] {startupFromProcess, startupFromJvm}, rows);
        Path csv = dir.resolve("bench.csv");
        Output.writeString(csv, CSV_HEADER + "\n" + String.join("\n", rows) + "\n");
        System.out.println("wrote " + csv);
        return 0;
    }

    // ---- threads: Nd4jSetup (shared with the scripts) sets ND4J's OpenMP and OpenBLAS threads at run time ----

    // ---- our side: the shared training code, unchanged ----

    /** One training run of a workload by the shared code. */
    Result runOurs(String workload, int epochs, Split data, boolean withTestSet) {
        double[] secs = new double[1];
        double[] cpu = new double[secs.length];
        double[] rss100 = {Double.NaN};
        double[] rssEnd = {Double.NaN};
        double[] offHeap100 = {Double.NaN};
        double loss = Double.NaN;
        double load = loadavg();
        int checkpoint = Math.min(100, epochs) - 1;
        for (int r = 0; r < secs.length; r++) {
            long cpu0 = processCpuNanos();
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
                        rss100[0] = rssKb("VmRSS") / 1024.0;
                        offHeap100[0] = offHeapMb();
                    }
                });
                loss = history.last().loss();
            }
            secs[r] = (System.nanoTime() - t0) / 1e9;
            cpu[r] = (processCpuNanos() - cpu0) / 1e9;
            rssEnd[0] = rssKb("VmRSS") / 1024.0;
        }
        return new Result(workload, withTestSet ? "ours-matched" : "ours", epochs, secs, cpu, rss100[0], rssEnd[0], rssKb("VmHWM") / 1024.0, loss,
                (load + loadavg()) / 2, offHeap100[0], offHeapMb());
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
                rss100[0] = rssKb("VmRSS") / 1024.0;
                offHeap100[0] = offHeapMb();
            }
        }
        return loss;
    }

    // ---- FLOPs ----

    /**
     * FLOPs of one training epoch (forward + backward + update) over n = 800 points, counted the same for both sides:
     * per Linear(in, out) 2*n*in*out for the forward gemm, the same for dW = dz^T x and (except the first layer) for
     * dx = dz W; n*out for the bias add and n*out for the bias gradient; for activated layers n*out (f) + 2*n*out
     * (f' and the product); per parameter 4 for SGD with momentum (buf = m*buf + g; p -= lr*buf), 2 for plain
     * gradient descent. The cross-entropy (n x 2) is left out (under 0.01%). Gemms are 99.6% of the deep nets' count.
     */
    static double gflopPerEpoch(String workload) {
        int[][] layers = switch (workload) {
            case "lecture" -> new int[][] {{2, WIDTH}, {WIDTH, 2}, {2, 2}};
            case "manual" -> new int[][] {{2, MANUAL_HIDDEN}, {MANUAL_HIDDEN, 2}};
            default -> new int[][] {{2, WIDTH}, {WIDTH, WIDTH}, {WIDTH, WIDTH}, {WIDTH, 2}, {2, 2}};
        };
        double n = N_TRAIN;
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
        long cpu0 = processCpuNanos();
        for (int k = 0; k < secs.length; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) Blas.gemm(a, false, b, false, c);
            secs[k] = (System.nanoTime() - t0) / 1e9 / calls;
        }
        double cpuPerCall = (processCpuNanos() - cpu0) / 1e9 / (calls * secs.length);
        double flop = 2.0 * N_TRAIN * WIDTH * WIDTH;
        return new Peak(flop / median(secs) / 1e9, flop / cpuPerCall / 1e9);
    }

    // ---- PyTorch side ----

    /** The first of /usr/bin/python3 and python3 that can import torch and sklearn (Debian's torch is the former). */
    static String findPythonWithTorch() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch, sklearn").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) return python;
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed under this name; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** scripts/bench_pytorch.py of the checkout the working directory is in. */
    static Path pytorchScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path script = d.resolve("scripts").resolve("bench_pytorch.py");
            if (Files.isRegularFile(script)) return script;
        }
        return null;
    }

    /** bench_pytorch.py prints one JSON object per line; Python's json writes NaN, which JSON proper lacks. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

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
        double load = loadavg();
        Process p = pb.start();
        Map<String, List<Map<String, String>>> byLoop = new LinkedHashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.startsWith("{")) continue;
                Map<String, String> fields = new LinkedHashMap<>();
                JSON.readTree(line).fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
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
        double loadAfter = loadavg();
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

    // ---- report ----

    /** One progress line per timed implementation, as soon as it is measured. */
    static String line(Result r) {
        return String.format(Locale.ROOT, "%-13s %-16s %8.3f ms/epoch  %7.2f s  cpu %8.3f ms/epoch  "
                        + "RSS %.0f MB @%d -> %.0f MB @end (%+.1f%%), peak %.0f MB, load %.1f",
                r.workload(), r.impl(), r.msPerEpoch(), r.medianSecs(), 1000 * r.medianCpuSecs() / r.epochs(),
                r.rssMb100(), Math.min(100, r.epochs()), r.rssMbEnd(), 100 * (r.rssMbEnd() / r.rssMb100() - 1),
                r.peakRssMb(), r.loadavg())
                + (Double.isNaN(r.offHeapMbEnd()) ? "" : String.format(Locale.ROOT, ", Java heap committed %.0f -> %.0f MB",
                        r.offHeapMb100(), r.offHeapMbEnd()));
    }

    /** The summary of one workload ([ours, pytorch, pytorch-matched]) and its CSV rows. */
    void summarize(List<Result> all, Peak peak, double[] startup, List<String> rows) {
        Result ours = all.get(0);
        double gflop = gflopPerEpoch(ours.workload());
        boolean deep = ours.workload().startsWith("deep");
        Result reference = all.stream().filter(r -> r.impl().equals("pytorch")).findFirst().orElse(null);
        Result matchedReference = all.stream().filter(r -> r.impl().equals("pytorch-matched")).findFirst().orElse(null);
        var text = new StringBuilder(String.format(Locale.ROOT, "%-13s %.4f GFLOP/epoch", ours.workload(), gflop));
        for (Result r : all) {
            double gflops = gflop / (r.medianSecs() / r.epochs());
            double cpuGflops = gflop / (r.medianCpuSecs() / r.epochs());
            double growth = 100 * (r.rssMbEnd() / r.rssMb100() - 1);
            // each of ours against the PyTorch loop doing the same work; pytorch-matched against pytorch (its extras)
            Result base = r.impl().equals("ours-matched") ? matchedReference : reference;
            double wallRatio = base == null || r == base ? Double.NaN : r.medianSecs() / base.medianSecs();
            double cpuRatio = base == null || r == base ? Double.NaN : r.medianCpuSecs() / base.medianCpuSecs();
            text.append(String.format(Locale.ROOT, " | %s %.2f GFLOP/s", r.impl(), gflops));
            if (deep) text.append(String.format(Locale.ROOT, " (%.0f%% of peak wall, %.0f%% cpu)", 100 * gflops / peak.wall(),
                    100 * cpuGflops / peak.cpu()));
            rows.add(String.join(",", r.workload(), r.impl(), String.valueOf(threads), String.valueOf(r.epochs()),
                    String.valueOf(r.secs().length), fmt(r.msPerEpoch()), fmt(r.medianSecs()),
                    fmt(1000 * r.medianCpuSecs() / r.epochs()), fmt(r.secs()[0]), fmt(gflop), fmt(gflops), fmt(peak.wall()),
                    fmt(deep ? 100 * gflops / peak.wall() : Double.NaN), fmt(cpuGflops), fmt(peak.cpu()),
                    fmt(deep ? 100 * cpuGflops / peak.cpu() : Double.NaN), fmt(r.rssMb100()), fmt(r.rssMbEnd()), fmt(growth),
                    fmt(r.peakRssMb()), fmt(r.loss()), fmt(wallRatio), fmt(cpuRatio), fmt(r.loadavg()), fmt(startup[0]), fmt(startup[1]),
                    fmt(r.offHeapMb100()), fmt(r.offHeapMbEnd())));
        }
        System.out.println(text);
        if (reference != null) {
            var ratio = new StringBuilder(String.format(Locale.ROOT, "%-13s ours/pytorch: %.2fx wall, %.2fx cpu",
                    ours.workload(), ours.medianSecs() / reference.medianSecs(), ours.medianCpuSecs() / reference.medianCpuSecs()));
            Result oursMatched = all.stream().filter(r -> r.impl().equals("ours-matched")).findFirst().orElse(null);
            if (oursMatched != null && matchedReference != null) {
                ratio.append(String.format(Locale.ROOT, "; with the test set every epoch (ours-matched/pytorch-matched): "
                        + "%.2fx wall, %.2fx cpu", oursMatched.medianSecs() / matchedReference.medianSecs(),
                        oursMatched.medianCpuSecs() / matchedReference.medianCpuSecs()));
            }
            System.out.println(ratio);
        }
    }

    // ---- small helpers ----

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
        return String.format(Locale.ROOT, "machine: %d cores (%s), JDK %s, ND4J 1.0.0-M2.1 with %s (JavaCPP preset)",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"),
                org.bytedeco.openblas.global.openblas_nolapack.OPENBLAS_VERSION.strip());
    }
}
