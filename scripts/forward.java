///usr/bin/env jbang "$0" "$@" ; exit $?
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

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import cli.Cli;
import cli.TwoLayerNetOptions;
import data.Points;
import data.TwoMoons;

/** Exercise 2, step 2: the forward pass of a small batch, every intermediate printed with its shape. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Forward pass x -> Linear -> ReLU -> Linear -> softmax -> CE on the first --batch training points; "
                + "prints a1, h1, a2 (logits), p and the loss with their shapes.")
public class forward implements Callable<Integer> {
    @Option(names = "--batch", description = "How many training points (the first ones; default ${DEFAULT-VALUE}).")
    int batch = 4;

    @Mixin
    TwoLayerNetOptions start;

    @Option(names = "--train", paramLabel = "FILE", description = "Training CSV (x1,x2,label); default the lecture's train split.")
    Path train;

    public static void main(String... args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new forward(), args);
    }

    @Override
    public Integer call() {
        start.validate();
        Cli.require(batch >= 1, "--batch must be a positive integer, got " + batch);
        // data: the first --batch points
        Points data = train == null ? TwoMoons.lecture().train() : Points.readCsv(train, "--train");
        Cli.require(batch <= data.size(), "--batch must be at most the " + data.size() + " training points, got " + batch);
        INDArray x = data.features(DataType.FLOAT).get(NDArrayIndex.interval(0, batch), NDArrayIndex.all()).dup('f');
        int[] y = Arrays.copyOf(data.y(), batch);
        // model
        TwoLayerNet net = start.create(DataType.FLOAT);
        // forward
        var work = new ManualBackprop(x, y, net.hidden);
        var f = work.forward(net);
        print("X (one sample per row)", x);
        System.out.println("y = " + Arrays.toString(y) + "\n");
        print("a1 = X W1^T + b1   (W1 " + Arrays.toString(net.W1.shape()) + ")", f.a1());
        print("h1 = ReLU(a1)", f.h1());
        print("a2 = h1 W2^T + b2 = logits   (W2 " + Arrays.toString(net.W2.shape()) + ")", f.a2());
        print("p = softmax(a2), row by row", f.p());
        System.out.printf(Locale.ROOT, "L = -(1/%d) sum_i log p[i, y_i] = %.6f%n", batch, work.loss());
        return 0;
    }

    private static void print(String name, INDArray a) {
        System.out.println(name + "  shape " + Arrays.toString(a.shape()));
        System.out.println(a.toString(Math.min(a.length(), 64 * 8), false, 4) + "\n");
    }
}
