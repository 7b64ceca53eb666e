///usr/bin/env jbang "$0" "$@" ; exit $?
// The speed of the lecture's workloads next to PyTorch's, measured in the same run: our training loops and the
// PyTorch script scripts/bench_pytorch.py, interleaved, one thread each; ms/epoch, GFLOP/s against the machine's sgemm
// peak, memory over epochs, start-up. With --whole: the whole process of four commands as the user waits for it, ours
// (./jbang ALIAS) against scripts/bench_whole.py (PyTorch + scikit-learn + matplotlib writing the same outputs), and
// where our time went. See BENCHMARKS.md for the method and the numbers. In parts: the training kernels
// (bench/KernelBench.java) and their report (bench/KernelReport.java), the whole process (bench/WholeBench.java) and its
// report (bench/WholeReport.java), the helpers both use (bench/BenchMachine.java).
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
//SOURCES bench/KernelBench.java
//SOURCES bench/KernelReport.java
//SOURCES bench/WholeBench.java
//SOURCES bench/WholeReport.java
//SOURCES bench/BenchMachine.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmn16m -XX:SurvivorRatio=2 -Xlog:cds=off
// (//CDS: JBang keeps a class-data archive of the script, which halves the JVM's start; -Xlog:cds=off silences the
// run that writes it. Serial GC with a small young generation keeps memory flat and low: deep peaks at 350 MB, not 770.)

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import cli.Cli;
import io.Output;
import speed.Nd4jSetup;

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
            + "as a user waits for it (the launcher included), against scripts/bench_whole.py (PyTorch + scikit-learn + "
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

    @Override
    public Integer call() throws Exception {
        // validate everything before anything is written (or the native library is even loaded)
        Cli.require(threads >= 1 && threads <= 256, "--threads must be 1..256, got " + threads);
        Cli.require(epochs == null || (epochs >= 1 && epochs <= 1_000_000), "--epochs must be 1..1000000, got " + epochs);
        Cli.require(repeat >= 1 && repeat <= 100, "--repeat must be 1..100, got " + repeat);
        List<String> names = whole ? WholeBench.WHOLE_COMMANDS : KernelBench.WORKLOADS;
        Cli.require(only == null || names.contains(only), "--only must be one of " + String.join(", ", names)
                + (whole ? " with --whole" : "") + ", got '" + only + "'");
        Cli.require(!whole || threads == 1, "--threads: --whole runs the commands as they are, with one thread each, got " + threads);
        Cli.require(whole || !noWarmup, "--no-warmup goes with --whole only");
        Path dir = Output.prepareDir(out != null ? out : Output.defaultDir("bench"), "--out");
        if (whole) return new WholeBench(epochs, only, repeat, noWarmup, noPytorch, dir).measure();

        // the training kernels: ready to train (ND4J loaded, threads set), then every selected workload
        int[] before = Nd4jSetup.current();
        try {
            Nd4jSetup.threads(threads);   // the scripts' own setting (they call Nd4jSetup.threads(1))
            return new KernelBench(threads, repeat, noPytorch).measure(dir, epochs == null ? 1000 : epochs, epochs == null ? 2000 : 2 * epochs,
                    only == null ? KernelBench.WORKLOADS : List.of(only), "threads: requested " + threads + "; " + Nd4jSetup.describe());
        } finally {
            Nd4jSetup.restore(before);   // run() may be called in-process (tests): leave ND4J as we found it
        }
    }
}
