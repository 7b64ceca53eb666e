///usr/bin/env jbang "$0" "$@" ; exit $?
// Exercise 2 (backpropagation by hand), step 2: the forward pass x -> Linear -> ReLU -> Linear -> softmax -> CE on a
// small batch, as tensor operations, with every intermediate (a1, h1, a2, p) and its shape, and the loss.
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

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
import report.ForwardResult.Quantity;
import report.ForwardResult;
import report.StepCommand;

/** Exercise 2, step 2: the forward pass of a small batch, every intermediate printed with its shape. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Forward pass x -> Linear -> ReLU -> Linear -> softmax -> CE on the first --batch training points; "
                + "prints a1, h1, a2 (logits), p and the loss with their shapes.")
public class forward implements StepCommand {
    @Option(names = "--batch", paramLabel = "N", description = "How many training points (the first ones), 1 to the training set's "
            + "size (800 for the lecture data; default ${DEFAULT-VALUE}).")
    int batch = 4;

    /** Hidden units at most: one pass over a few points. */
    static final int MAX_HIDDEN = 65536;

    @Mixin
    TwoLayerNetOptions start;

    @Option(names = "--train", paramLabel = "FILE", description = "Training CSV (x1,x2,label); default the lecture's train split.")
    Path train;

    public static void main(String... args) {
        System.exit(Cli.run(new forward(), args));
    }

    @Override
    public Integer call() {
        System.out.print(run().text());
        return Cli.OK;
    }

    public ForwardResult run() {
        start.validate(MAX_HIDDEN);
        Cli.require(batch >= 1, "--batch must be a positive integer, got " + batch);

        // data: the first --batch training points, one per row of X, and their one-hot labels E
        Points data = train == null ? TwoMoons.lecture().train() : Points.readCsv(train, "--train", DataType.FLOAT);
        Cli.require(batch <= data.size(), "--batch must be at most the " + data.size() + " training points, got " + batch);
        INDArray X = data.features(DataType.FLOAT).get(NDArrayIndex.interval(0, batch), NDArrayIndex.all());
        INDArray E = data.oneHot(TwoLayerNet.CLASSES, DataType.FLOAT).get(NDArrayIndex.interval(0, batch), NDArrayIndex.all());

        // model
        TwoLayerNet net = start.create(DataType.FLOAT, MAX_HIDDEN);

        // the forward pass and the loss
        ManualBackprop.Forward f = ManualBackprop.forward(X, net.W1(), net.b1(), net.W2(), net.b2());
        double loss = ManualBackprop.loss(f.a2(), E);

        // record
        List<Quantity> quantities = List.of(
                quantity("X", "", X),
                quantity("a1", "X W1^T + b1", f.a1()),
                quantity("h1", "ReLU(a1)", f.h1()),
                quantity("a2", "h1 W2^T + b2 (the logits)", f.a2()),
                quantity("p", "softmax(a2), row by row", f.p()));
        return new ForwardResult(net.hidden(), start.describe(), Arrays.copyOf(data.y(), batch), quantities, loss);
    }

    private static Quantity quantity(String name, String formula, INDArray value) {
        return new Quantity(name, formula, value.shape(), value.toDoubleMatrix());
    }
}
