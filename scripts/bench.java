///usr/bin/env jbang "$0" "$@" ; exit $?
// The speed of the lecture's workloads next to PyTorch's, measured in the same run: our training loops and the
// PyTorch script scripts/bench_pytorch.py, interleaved, one thread each; ms/epoch, GFLOP/s against the machine's sgemm
// peak, memory over epochs, start-up. With --whole: the whole process of four commands as the user waits for it, ours
// (./jbang ALIAS) against scripts/bench_whole.py (PyTorch + scikit-learn + matplotlib writing the same outputs), and
// where our time went. See BENCHMARKS.md for the method and the numbers.
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
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
//SOURCES ../shared/sources.java
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
import org.nd4j.shade.jackson.databind.JsonNode;
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
import speed.Timings;

/**
 * Our training speed next to PyTorch's, measured in the same run on the same machine with the same threads, epochs
 * and repeats. The Java side calls exactly the shared code the exercise scripts call (Mlp, Sgd, Training.run;
 * TwoLayerNet, ManualBackprop): a speed-up there is a speed-up for the students, and nothing here is a fast path.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times the lecture's training workloads (ours and, when python3 with torch is found, PyTorch's "
                + "from scripts/bench_pytorch.py) and writes bench.csv; with --whole, the whole process of four commands "
                + "against scripts/bench_whole.py (PyTorch + matplotlib) and where our time went: whole.csv, whole.json. "
                + "See BENCHMARKS.md.")
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

    @Option(names = "--only", paramLabel = "WORKLOAD", description = "One of lecture, deep-relu, deep-sigmoid, manual; "
            + "with --whole one of lecture, train-manual, gradnorms-relu, gradnorms-sigmoid.")
    String only;

    @Option(names = "--whole", description = "Time the whole process of lecture, train-manual and gradnorms (relu, sigmoid) "
            + "as a user waits for it, ./jbang launcher included, against scripts/bench_whole.py (PyTorch + scikit-learn + "
            + "matplotlib, the same outputs); --repeat rounds, alternated; --epochs E runs E epochs (train-manual 2E).")
    boolean whole;

    @Option(names = "--no-warmup", description = "With --whole: no untimed first run of each command (a build is then timed).")
    boolean noWarmup;

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
        List<String> names = whole ? WHOLE_COMMANDS : WORKLOADS;
        Cli.require(only == null || names.contains(only), "--only must be one of " + String.join(", ", names)
                + (whole ? " with --whole" : "") + ", got '" + only + "'");
        Cli.require(!whole || threads == 1, "--threads: --whole runs the commands as they are, with one thread each, got " + threads);
        Cli.require(whole || !noWarmup, "--no-warmup goes with --whole only");
        Path dir = Output.prepareDir(out != null ? out : Output.defaultDir("bench"), "--out");
        if (whole) return new WholeProcess(this, dir).measure();
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
        return findPython("torch, sklearn");
    }

    /** The first of /usr/bin/python3 and python3 that can import {@code modules} (e.g. "torch, sklearn"). */
    static String findPython(String modules) {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import " + modules).redirectErrorStream(true)
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

    // ---- the whole process (--whole) ----

    /** The commands of --whole (issue 14), by the names --only takes. */
    static final List<String> WHOLE_COMMANDS = List.of("lecture", "train-manual", "gradnorms-relu", "gradnorms-sigmoid");
    static final String WHOLE_CSV_HEADER = "command,impl,rounds,wall_s,wall_min_s,wall_max_s,cpu_s,ratio_vs_pytorch,startup_s,launcher_s,"
            + "training_s,evaluation_s,diagnostics_s,loop_s,figures_s,figures_draw_s,figures_field_s,figures_png_s,figures_svg_s,"
            + "figures_gif_s,writing_s,other_s,alongside_s,waiting_s,exit_s,loadavg,files,output_mb,command_line";
    /** The parts of figures (Timings' figures.* phases) and their names in the tables. */
    static final Map<String, String> FIGURE_PARTS = new LinkedHashMap<>();
    static {
        FIGURE_PARTS.put(Timings.FIGURES, "drawing");
        FIGURE_PARTS.put(Timings.FIELD, "confidence fields");
        FIGURE_PARTS.put(Timings.PNG, "PNG");
        FIGURE_PARTS.put(Timings.SVG, "SVG");
        FIGURE_PARTS.put(Timings.GIF, "GIF");
    }
    static final String OURS = "ours", THEIRS = "pytorch";

    /** One command of the comparison: our alias and its arguments; scripts/bench_whole.py takes the same ones. */
    record Command(String name, String alias, List<String> args) {
        String line() {
            return alias + " " + String.join(" ", args);
        }
    }

    /** The four commands, with {@code epochs} epochs (train-manual 2 x epochs) instead of the issue's 1000 (2000). */
    static List<Command> wholeCommands(Integer epochs) {
        String e = String.valueOf(epochs == null ? 1000 : epochs), manual = String.valueOf(epochs == null ? 2000 : 2 * epochs);
        var gradnorms = List.of("--depth", "3", "--runs", "1", "--epochs", e, "--seed", "1");
        return List.of(new Command("lecture", "lecture", List.of("--epochs", e, "--seed", "1")),
                new Command("train-manual", "train-manual", List.of("--hidden", "64", "--epochs", manual, "--lr", "0.5", "--seed", "1")),
                new Command("gradnorms-relu", "gradnorms", concat(List.of("--activation", "relu"), gradnorms)),
                new Command("gradnorms-sigmoid", "gradnorms", concat(List.of("--activation", "sigmoid"), gradnorms)));
    }

    static List<String> concat(List<String> a, List<String> b) {
        var all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /**
     * One process as the user waits for it: wall time from {@code start()} to its exit, the epoch milliseconds of both,
     * its timings line (shared/speed/Timings.java; bench_whole.py prints the same), the load before it and its files.
     */
    record Measured(String command, String impl, int round, double wallSecs, double cpuSecs, double launchMs, double exitMs,
                    JsonNode timings, double load, List<String> files, long bytes) {}

    /**
     * The CPU time of this process's finished children (Linux: cutime + cstime of /proc/self/stat, in 10 ms ticks), all
     * their threads and their own children included (./jbang's JBang JVM, when it runs one); NaN elsewhere.
     */
    static double childrenCpuSecs() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;   // fields 16, 17; USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * Where one process's time went, in seconds: start-up from the launch to ready-to-train, of it the launcher (to the
     * JVM's start, or to the Python script's first line); the phases Timings counted; the loop (ready to the first figure
     * or file: the training loop, which for train-manual, whose loop is the script's own, stands for training and
     * evaluation together); waiting = the main path waiting for work done alongside it; other = the wall time the rest
     * leaves; alongside = the seconds threads spent beside the main path (figures drawn on the other core while the net
     * trains: not part of the wall time's sum, which they overlap), by phase in {@code alongsideParts}; exit = from the
     * last mark to the process's end.
     */
    record Breakdown(double wall, double startup, double launcher, double training, double evaluation, double diagnostics,
                     double loop, double figures, Map<String, Double> figureParts, double writing, double waiting, double other,
                     double alongside, Map<String, Double> alongsideParts, double exit, boolean loopIsTraining) {
        static Breakdown of(Measured m) {
            JsonNode t = m.timings(), phases = t.path("phases");
            double ready = ms(t, "ready_ms");
            double startup = (ready - m.launchMs()) / 1000;
            double start = Double.isFinite(ms(t, "jvm_start_ms")) ? ms(t, "jvm_start_ms") : ms(t, "interpreter_start_ms");
            double loop = (ms(t, "first_output_ms") - ready) / 1000;
            boolean loopIsTraining = !phases.has(Timings.TRAINING);
            double training = loopIsTraining ? loop : phases.path(Timings.TRAINING).asDouble();
            double evaluation = loopIsTraining ? Double.NaN : phases.path(Timings.EVALUATION).asDouble(0);
            double diagnostics = phases.path(Timings.DIAGNOSTICS).asDouble(0);
            var parts = new LinkedHashMap<String, Double>();
            for (String part : FIGURE_PARTS.keySet()) parts.put(part, phases.path(part).asDouble(0));
            double figures = parts.values().stream().mapToDouble(Double::doubleValue).sum(), writing = phases.path(Timings.WRITING).asDouble(0);
            double waiting = phases.path(Timings.WAITING).asDouble(0);
            double other = m.wallSecs() - startup - training - (loopIsTraining ? 0 : evaluation) - diagnostics - figures - writing - waiting;
            var alongsideParts = new LinkedHashMap<String, Double>();
            t.path("alongside").fields().forEachRemaining(f -> alongsideParts.put(f.getKey(), f.getValue().asDouble()));
            double alongside = alongsideParts.values().stream().mapToDouble(Double::doubleValue).sum();
            return new Breakdown(m.wallSecs(), startup, (start - m.launchMs()) / 1000, training, evaluation, diagnostics, loop, figures,
                    parts, writing, waiting, other, alongside, alongsideParts, (m.exitMs() - ms(t, "end_ms")) / 1000, loopIsTraining);
        }

        static double ms(JsonNode t, String key) {
            JsonNode v = t.get(key);
            return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
        }
    }

    /** A command that failed: the bench stops, naming it, with the end of its stderr. */
    static final class CommandFailed extends RuntimeException {
        CommandFailed(String message) {
            super(message);
        }
    }

    /** --whole: runs the commands as subprocesses, ours and PyTorch's alternated, and reports both tables. */
    static final class WholeProcess {
        final bench options;
        final Path dir;
        final Path root;
        final List<Command> commands;

        WholeProcess(bench options, Path dir) {
            this.options = options;
            this.dir = dir;
            this.root = checkout();
            Cli.require(root != null, "--whole runs ./jbang and scripts/bench_whole.py of the checkout; none found from "
                    + Path.of("").toAbsolutePath());
            this.commands = wholeCommands(options.epochs).stream().filter(c -> options.only == null || c.name().equals(options.only)).toList();
        }

        /** The folder holding jbang, jbang-catalog.json and scripts/bench_whole.py, from the working directory up. */
        static Path checkout() {
            for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve("jbang-catalog.json")) && Files.isExecutable(d.resolve("jbang"))
                        && Files.isRegularFile(d.resolve("scripts").resolve("bench_whole.py"))) return d;
            }
            return null;
        }

        int measure() throws IOException, InterruptedException {
            String python = options.noPytorch ? null : findPython("torch, sklearn, matplotlib, PIL");
            if (!options.noPytorch && python == null) {
                System.out.println("PyTorch side skipped: no python3 with torch, scikit-learn, matplotlib and PIL found (tried "
                        + "/usr/bin/python3, python3); on Debian: apt-get install -y python3-torch python3-sklearn python3-matplotlib");
            }
            List<String> impls = python == null ? List.of(OURS) : List.of(OURS, THEIRS);
            Path work = Files.createTempDirectory("bench-whole-");
            var runs = new ArrayList<Measured>();
            var firstFiles = new LinkedHashMap<String, Measured>();
            try {
                System.out.printf(Locale.ROOT, "whole process: %d command(s) x %d round(s), %s; load %.2f%n", commands.size(), options.repeat,
                        String.join(" vs ", impls), loadavg());
                if (!options.noWarmup) {
                    // the build of our script and its class-data archive, Python's bytecode and matplotlib's font cache
                    for (Command c : commands) {
                        for (String impl : impls) firstFiles.putIfAbsent(c.name() + "/" + impl, warmUp(c, impl, python, work));
                    }
                    System.out.println("warm-up done (one untimed run of each)");
                }
                for (int round = 0; round < options.repeat; round++) {
                    for (Command c : commands) {
                        // alternated: ours first in even rounds, PyTorch's first in odd ones, so drifts in load hit both
                        List<String> order = round % 2 == 0 ? impls : reversed(impls);
                        for (String impl : order) {
                            Measured m = run(c, impl, round, python, work);
                            firstFiles.putIfAbsent(c.name() + "/" + impl, m);
                            runs.add(m);
                            System.out.printf(Locale.ROOT, "round %d/%d  %-17s %-7s %6.2f s  (load %.2f)%n", round + 1, options.repeat,
                                    c.name(), impl, m.wallSecs(), m.load());
                        }
                    }
                }
            } catch (CommandFailed e) {
                System.err.println("error: " + e.getMessage());
                return Cli.FAILED;
            } finally {
                deleteTree(work);
            }
            report(runs, firstFiles, impls, python);
            return Cli.OK;
        }

        /**
         * The untimed first run; ours again (at most twice) while the launcher still took its slow path: after a build
         * the next run writes the class-data archive and the one after it is the first whose start ./jbang has cached.
         */
        Measured warmUp(Command c, String impl, String python, Path work) throws IOException, InterruptedException {
            Measured m = run(c, impl, -1, python, work);
            for (int again = 0; again < 2 && impl.equals(OURS) && !(Breakdown.of(m).launcher() < SLOW_LAUNCHER_S); again++) {
                m = run(c, impl, -1, python, work);
            }
            return m;
        }

        /** A launcher share of more than this means ./jbang ran JBang (its own JVM) before the script's JVM. */
        static final double SLOW_LAUNCHER_S = 0.3;

        /** One process of {@code impl} running {@code c} into a fresh folder, its outputs listed and removed afterwards. */
        Measured run(Command c, String impl, int round, String python, Path work) throws IOException, InterruptedException {
            String id = impl + "-" + c.name() + "-" + (round < 0 ? "warmup" : "r" + round);
            Path outDir = work.resolve(id), stdout = work.resolve(id + ".out"), stderr = work.resolve(id + ".err");
            var cmd = new ArrayList<String>();
            if (impl.equals(OURS)) {
                cmd.addAll(List.of(root.resolve("jbang").toString(), c.alias()));
            } else {
                cmd.addAll(List.of(python, root.resolve("scripts").resolve("bench_whole.py").toString(), c.alias()));
            }
            cmd.addAll(c.args());
            cmd.addAll(List.of("--out", outDir.toString()));
            var pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            pb.environment().put(Timings.ENV, "1");
            if (impl.equals(THEIRS)) {
                for (String v : List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")) pb.environment().put(v, "1");
            }
            double load = loadavg();
            double cpu0 = childrenCpuSecs();
            long launchMs = System.currentTimeMillis(), t0 = System.nanoTime();
            Process p = pb.start();
            int code = p.waitFor();
            double wall = (System.nanoTime() - t0) / 1e9, cpu = childrenCpuSecs() - cpu0;
            long exitMs = System.currentTimeMillis();
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            if (code != 0) throw new CommandFailed(impl + " " + c.line() + " failed (exit " + code + "); its stderr ends: " + tail(err));
            JsonNode timings = timingsLine(err);
            if (timings == null) throw new CommandFailed(impl + " " + c.line() + " printed no timings line (" + Timings.ENV + "=1) on stderr");
            var files = new ArrayList<String>();
            long bytes = 0;
            try (var walk = Files.walk(outDir)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    if (f.getFileName().toString().startsWith(".")) continue;   // our folder's manifest (.outputs)
                    files.add(outDir.relativize(f).toString());
                    bytes += Files.size(f);
                }
            }
            deleteTree(outDir);
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            return new Measured(c.name(), impl, round, wall, cpu, launchMs, exitMs, timings, load, List.copyOf(files), bytes);
        }

        /** The last line of {@code stderr} that is a timings record, parsed; null if there is none. */
        static JsonNode timingsLine(String stderr) throws IOException {
            JsonNode found = null;
            for (String line : stderr.lines().toList()) {
                if (line.startsWith("{") && line.contains("\"" + Timings.MARKER + "\"")) found = JSON.readTree(line);
            }
            return found;
        }

        static List<String> reversed(List<String> list) {
            var copy = new ArrayList<>(list);
            java.util.Collections.reverse(copy);
            return copy;
        }

        static String tail(String text) {
            List<String> lines = text.strip().lines().toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        }

        // ---- the report ----

        void report(List<Measured> runs, Map<String, Measured> firstFiles, List<String> impls, String python) throws IOException {
            var rows = new ArrayList<Map<String, Object>>();
            var whole = new StringBuilder("| command | ours | PyTorch + matplotlib | ratio |\n|---|---:|---:|---:|\n");
            var where = new StringBuilder("| command | impl | wall | cpu | start-up (launcher) | training | evaluation | diagnostics "
                    + "| figures | writing | other | alongside (waited for) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            var figureTable = new StringBuilder("| command | impl | figures | " + String.join(" | ", FIGURE_PARTS.values())
                    + " | alongside |\n|---|---|---:|" + "---:|".repeat(FIGURE_PARTS.size() + 1) + "\n");
            var csv = new StringBuilder(WHOLE_CSV_HEADER).append('\n');
            var notes = new ArrayList<String>();
            for (Command c : commands) {
                var medians = new LinkedHashMap<String, Double>();
                for (String impl : impls) {
                    double[] walls = runs.stream().filter(m -> m.command().equals(c.name()) && m.impl().equals(impl))
                            .mapToDouble(Measured::wallSecs).toArray();
                    medians.put(impl, median(walls));
                }
                double ratio = medians.containsKey(THEIRS) ? medians.get(OURS) / medians.get(THEIRS) : Double.NaN;
                whole.append(String.format(Locale.ROOT, "| `%s` | %.2f s | %s | %s |%n", c.line(), medians.get(OURS),
                        medians.containsKey(THEIRS) ? String.format(Locale.ROOT, "%.2f s", medians.get(THEIRS)) : "",
                        Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio)));
                for (String impl : impls) {
                    List<Measured> mine = runs.stream().filter(m -> m.command().equals(c.name()) && m.impl().equals(impl))
                            .sorted(java.util.Comparator.comparingDouble(Measured::wallSecs)).toList();
                    Measured typical = mine.get((mine.size() - 1) / 2);   // the median round (the lower one of an even count)
                    Breakdown b = Breakdown.of(typical);
                    where.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f (%.2f) | %s | %s | %.2f | %.2f | %.2f | %.2f | %s |%n",
                            c.name(), impl.equals(OURS) ? "ours" : "PyTorch", b.wall(), typical.cpuSecs(), b.startup(), b.launcher(),
                            String.format(Locale.ROOT, b.loopIsTraining() ? "%.2f*" : "%.2f", b.training()),
                            b.loopIsTraining() ? "*" : String.format(Locale.ROOT, "%.2f", b.evaluation()), b.diagnostics(), b.figures(),
                            b.writing(), b.other(), b.alongside() > 0 ? String.format(Locale.ROOT, "%.2f (%.2f)", b.alongside(), b.waiting()) : ""));
                    figureTable.append(String.format(Locale.ROOT, "| %s | %s | %.2f |", c.name(), impl.equals(OURS) ? "ours" : "PyTorch",
                            b.figures()));
                    b.figureParts().values().forEach(v -> figureTable.append(String.format(Locale.ROOT, " %.2f |", v)));
                    double figuresAlongside = b.alongsideParts().entrySet().stream().filter(e -> e.getKey().startsWith(Timings.FIGURES))
                            .mapToDouble(Map.Entry::getValue).sum();
                    figureTable.append(figuresAlongside > 0 ? String.format(Locale.ROOT, " %.2f |%n", figuresAlongside) : " |\n");
                    Measured first = firstFiles.get(c.name() + "/" + impl);
                    double meanLoad = mine.stream().mapToDouble(Measured::load).average().orElse(Double.NaN);
                    double[] walls = mine.stream().mapToDouble(Measured::wallSecs).toArray();
                    double cpu = median(mine.stream().mapToDouble(Measured::cpuSecs).toArray());
                    csv.append(String.join(",", c.name(), impl, String.valueOf(mine.size()), fmt(median(walls)), fmt(walls[0]),
                            fmt(walls[walls.length - 1]), fmt(cpu), impl.equals(OURS) ? fmt(ratio) : "", fmt(b.startup()), fmt(b.launcher()),
                            fmt(b.training()), fmt(b.evaluation()), fmt(b.diagnostics()), fmt(b.loop()), fmt(b.figures()),
                            String.join(",", b.figureParts().values().stream().map(bench::fmt).toList()), fmt(b.writing()),
                            fmt(b.other()), fmt(b.alongside()), fmt(b.waiting()), fmt(b.exit()), fmt(meanLoad), String.valueOf(first.files().size()), fmt(first.bytes() / 1e6),
                            c.line())).append('\n');
                    rows.add(row(c, impl, mine, b, ratio, first, meanLoad));
                }
                if (impls.size() == 2) notes.add(compareFiles(c, firstFiles.get(c.name() + "/" + OURS), firstFiles.get(c.name() + "/" + THEIRS)));
            }
            double load = loadavg();
            System.out.println();
            System.out.printf(Locale.ROOT, "Whole process, medians of %d round(s), alternated (seconds from start() to exit):%n%n%s%n",
                    options.repeat, whole);
            System.out.printf(Locale.ROOT, "Where the time went (the median round of each; seconds; cpu: the process's CPU time, all "
                    + "threads; start-up from the launch to ready-to-train, the launcher's share in brackets; other = the wall time the "
                    + "phases leave; alongside: seconds of work on the other core beside the main path, which the wall time overlaps, and "
                    + "in brackets the main path's wait for it):%n%n%s",
                    where);
            if (commands.stream().anyMatch(c -> c.alias().equals("train-manual"))) {
                System.out.println("* train-manual's loop is the script's own: its training column is the loop from ready-to-train "
                        + "to the first file (training and per-epoch evaluation together).");
            }
            System.out.printf(Locale.ROOT, "%nFigures, in parts (the same rounds; seconds; drawing: building and drawing the "
                    + "charts; matplotlib draws inside savefig, so its drawing is mostly in its PNG and SVG columns; the main path's, and in "
                    + "the last column the figures' seconds on the other core):%n%n%s%n", figureTable);
            notes.forEach(System.out::println);
            String machine = machineLine() + ", python " + (python == null ? "none" : python);
            System.out.println(machine);
            System.out.printf(Locale.ROOT, "load average at the end: %.2f (1 min)%n", load);

            Path csvFile = Output.writeString(dir.resolve("whole.csv"), csv.toString());
            var json = new LinkedHashMap<String, Object>();
            json.put("date", Instant.now().toString());
            json.put("machine", machine);
            json.put("repeat", options.repeat);
            json.put("warmup", !options.noWarmup);
            json.put("loadavg_end", num(load));
            json.put("rows", rows);
            json.put("notes", notes);
            Path jsonFile = Output.writeString(dir.resolve("whole.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
            System.out.println("wrote " + csvFile + ", " + jsonFile);
        }

        /** One row of whole.json: the medians, the median round's breakdown, and every round's wall time and timings. */
        static Map<String, Object> row(Command c, String impl, List<Measured> mine, Breakdown b, double ratio, Measured first, double load) {
            var row = new LinkedHashMap<String, Object>();
            row.put("command", c.name());
            row.put("command_line", c.line());
            row.put("impl", impl);
            row.put("wall_s", num(median(mine.stream().mapToDouble(Measured::wallSecs).toArray())));
            row.put("cpu_s", num(median(mine.stream().mapToDouble(Measured::cpuSecs).toArray())));
            if (impl.equals(OURS)) row.put("ratio_vs_pytorch", num(ratio));
            var parts = new LinkedHashMap<String, Object>();
            parts.put("wall_s", num(b.wall()));
            parts.put("startup_s", num(b.startup()));
            parts.put("launcher_s", num(b.launcher()));
            parts.put("training_s", num(b.training()));
            parts.put("evaluation_s", num(b.evaluation()));
            parts.put("diagnostics_s", num(b.diagnostics()));
            parts.put("loop_s", num(b.loop()));
            parts.put("figures_s", num(b.figures()));
            b.figureParts().forEach((part, v) -> parts.put((part.equals(Timings.FIGURES) ? "figures_draw" : part.replace('.', '_')) + "_s", num(v)));
            parts.put("writing_s", num(b.writing()));
            parts.put("other_s", num(b.other()));
            parts.put("alongside_s", num(b.alongside()));
            parts.put("waiting_s", num(b.waiting()));
            var alongside = new LinkedHashMap<String, Object>();
            b.alongsideParts().forEach((phase, v) -> alongside.put(phase, num(v)));
            parts.put("alongside", alongside);
            parts.put("exit_s", num(b.exit()));
            parts.put("loop_is_training", b.loopIsTraining());
            row.put("breakdown", parts);
            row.put("loadavg", num(load));
            row.put("files", first.files());
            row.put("output_bytes", first.bytes());
            var rounds = new ArrayList<Map<String, Object>>();
            for (Measured m : mine) {
                var r = new LinkedHashMap<String, Object>();
                r.put("round", m.round());
                r.put("wall_s", num(m.wallSecs()));
                r.put("cpu_s", num(m.cpuSecs()));
                r.put("launch_ms", m.launchMs());
                r.put("exit_ms", m.exitMs());
                r.put("loadavg", num(m.load()));
                r.put("timings", m.timings());
                rounds.add(r);
            }
            row.put("rounds", rounds);
            return row;
        }

        /** Whether both wrote the same files (names), and their sizes. */
        static String compareFiles(Command c, Measured ours, Measured theirs) {
            var onlyOurs = new ArrayList<>(ours.files());
            onlyOurs.removeAll(theirs.files());
            var onlyTheirs = new ArrayList<>(theirs.files());
            onlyTheirs.removeAll(ours.files());
            String sizes = String.format(Locale.ROOT, " (ours %.2f MB, PyTorch's %.2f MB)", ours.bytes() / 1e6, theirs.bytes() / 1e6);
            if (onlyOurs.isEmpty() && onlyTheirs.isEmpty()) {
                return "outputs of " + c.name() + ": the same " + ours.files().size() + " files" + sizes;
            }
            return "outputs of " + c.name() + " differ" + sizes + ": only ours " + onlyOurs + ", only PyTorch's " + onlyTheirs
                    + " (scripts/bench_whole.py should write what ours writes)";
        }

        static Object num(double x) {
            return Double.isFinite(x) ? x : null;
        }

        static void deleteTree(Path top) throws IOException {
            if (!Files.exists(top)) return;
            try (var walk = Files.walk(top)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
