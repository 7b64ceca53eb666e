///usr/bin/env jbang "$0" "$@" ; exit $?
// Exercise 2 (backpropagation by hand), step 3: the backward pass. The hand-written gradients dW1, db1, dW2, db2 of
// the mean cross-entropy, checked the way cs231n and micrograd check theirs: against automatic differentiation (ND4J
// SameDiff, same graph, same weights) and against central finite differences, all in float64.
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
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import backprop.GradientCheck;
import backprop.ManualBackprop.Gradients;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import cli.Cli;
import cli.TwoLayerNetOptions;
import data.Npz;
import data.Points;
import data.TwoMoons;
import io.Output;
import report.BackwardResult;
import report.StepCommand;

/** Exercise 2, step 3: the hand-written backward pass against autodiff and finite differences; exit 1 if it fails. */
@Command(name = "backward", mixinStandardHelpOptions = true,
        description = "Gradient check of the hand-written backward pass of x -> Linear -> ReLU -> Linear -> softmax -> CE "
                + "against SameDiff autodiff and central differences (float64); exit 1 if a relative error exceeds "
                + "the threshold.")
public class backward implements StepCommand {
    /** Relative errors above this fail the check; float64 hand vs autodiff agree to ~1e-15, vs differences ~1e-9. */
    static final double THRESHOLD = 1e-6;
    /** The finite-difference step: central differences err by ~eps^2 (truncation) + 1e-16/eps (rounding). */
    static final double EPS = 1e-6;
    /** The exit code of a failed check. */
    static final int CHECK_FAILED = 1;

    /** Hidden units at most: the finite differences take two passes per parameter. */
    static final int MAX_HIDDEN = 256;

    @Mixin
    TwoLayerNetOptions start;

    @Option(names = "--train", paramLabel = "FILE", description = "Training CSV (x1,x2,label); default the lecture's train split.")
    Path train;

    @Option(names = "--grads-out", paramLabel = "FILE.npz", description = "Write the hand-written gradients (float32, keys W1,b1,W2,b2).")
    Path gradsOut;

    public static void main(String... args) {
        System.exit(Cli.run(new backward(), args));
    }

    @Override
    public Integer call() {
        BackwardResult result = run();
        System.out.print(result.text());
        if (result.gradsFile() != null) System.out.println(result.written());
        return result.passed() ? Cli.OK : CHECK_FAILED;
    }

    public BackwardResult run() {
        start.validate(MAX_HIDDEN);
        if (gradsOut != null) Output.requireNpzFile(gradsOut, "--grads-out");

        // data and model, float64 throughout: a gradient check needs the digits
        Points data = train == null ? TwoMoons.lecture().train() : Points.readCsv(train, "--train");
        INDArray X = data.features(DataType.DOUBLE);
        INDArray E = data.oneHot(TwoLayerNet.CLASSES, DataType.DOUBLE);
        TwoLayerNet net = start.create(DataType.DOUBLE, MAX_HIDDEN);

        // the hand-written gradients, checked parameter by parameter against autodiff and finite differences
        ManualBackprop.Forward f = ManualBackprop.forward(X, net);
        Gradients hand = ManualBackprop.backward(X, E, f, net.W2());
        // (finite differences only where they measure a derivative: the W1, b1 rows of units with no ReLU kink within eps)
        boolean[] kink = kinks(X, f.a1(), EPS);
        List<GradientCheck.Compared> checks = GradientCheck.compare(hand.toMap(), net.toMap(), loss(X, E), graph(X, E), EPS,
                Map.of("W1", kink, "b1", kink));
        int kinks = 0;
        for (boolean k : kink) if (k) kinks++;

        // record
        if (gradsOut != null) Npz.write(gradsOut, hand.castTo(DataType.FLOAT).toMap());
        return new BackwardResult(net.hidden(), start.describe(), data.size(), ManualBackprop.loss(f.a2(), E), EPS, THRESHOLD, checks,
                gradsOut, kinks);
    }

    /**
     * Per hidden unit j: whether some sample's pre-activation a1[i, j] lies within reach of ReLU's kink when one of the
     * unit's parameters moves by eps (W1[j, k] moves it by eps x[i, k], b1[j] by eps).
     */
    static boolean[] kinks(INDArray X, INDArray a1, double eps) {
        double[][] x = X.castTo(DataType.DOUBLE).toDoubleMatrix(), a = a1.castTo(DataType.DOUBLE).toDoubleMatrix();
        boolean[] kink = new boolean[a[0].length];
        for (int i = 0; i < a.length; i++) {
            double reach = eps * Math.max(1, Math.max(Math.abs(x[i][0]), Math.abs(x[i][1])));
            for (int j = 0; j < kink.length; j++) kink[j] |= Math.abs(a[i][j]) <= reach;
        }
        return kink;
    }

    /** L(W1, b1, W2, b2) on X, E by the hand-written forward pass, in one step's memory (finite differences make 2 passes per parameter). */
    static ToDoubleFunction<Map<String, INDArray>> loss(INDArray X, INDArray E) {
        return parameters -> {
            try (var memory = ManualBackprop.stepMemory()) {
                return ManualBackprop.loss(ManualBackprop.forward(X, TwoLayerNet.of(parameters)).a2(), E);
            }
        };
    }

    /** The same net in SameDiff, for ND4J's autodiff: x -> Linear -> ReLU -> Linear -> softmax -> cross-entropy. */
    static GradientCheck.Graph graph(INDArray X, INDArray E) {
        return (sd, p) -> {
            SDVariable x = sd.constant("X", X.castTo(DataType.DOUBLE)), e = sd.constant("E", E.castTo(DataType.DOUBLE));
            SDVariable h1 = sd.nn.relu(x.mmul(sd.transpose(p.get("W1"))).add(p.get("b1")), 0.0);
            SDVariable a2 = h1.mmul(sd.transpose(p.get("W2"))).add(p.get("b2"));
            return sd.nn.logSoftmax(a2).mul(e).sum(1).mean().neg("loss");
        };
    }
}
