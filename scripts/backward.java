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

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import backprop.ManualBackprop.Gradients;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import cli.Cli;
import cli.Output;
import cli.TwoLayerNetOptions;
import data.Npz;
import data.Points;
import data.TwoMoons;
import report.BackwardResult;
import report.StepCommand;
import speed.Parallel;

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

        // the hand-written gradients and the two references
        ManualBackprop.Forward f = ManualBackprop.forward(X, net);
        Gradients hand = ManualBackprop.backward(X, E, f, net.W2());
        Map<String, INDArray> autodiff = sameDiffGradients(net, X, E);
        Map<String, INDArray> numeric = finiteDifferences(net, X, E, EPS).toMap();

        // the check, parameter by parameter; finite differences only where they measure a derivative (no kink within eps)
        boolean[] kink = kinks(X, f.a1(), EPS);
        var checks = new ArrayList<BackwardResult.Check>();
        hand.toMap().forEach((key, h) -> {
            INDArray a = autodiff.get(key).reshape(h.shape());
            boolean perUnit = key.equals("W1") || key.equals("b1");
            INDArray hd = perUnit ? withoutUnits(h, kink) : h, d = perUnit ? withoutUnits(numeric.get(key), kink) : numeric.get(key);
            checks.add(new BackwardResult.Check("d" + key, h.shape(), maxAbsDiff(h, a), relativeError(h, a), maxAbsDiff(hd, d), relativeError(hd, d)));
        });
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

    /** A copy of a per-unit gradient (W1 [H, 2] or b1 [H]) with the rows of the units marked set to 0. */
    static INDArray withoutUnits(INDArray g, boolean[] units) {
        INDArray copy = g.castTo(DataType.DOUBLE).dup('c');
        for (int j = 0; j < units.length; j++) {
            if (!units[j]) continue;
            if (copy.rank() == 1) copy.putScalar(j, 0);
            else copy.getRow(j).assign(0);
        }
        return copy;
    }

    /** ||a - b|| / max(||a||, ||b||): scale-free, and not blown up by single near-zero entries as an elementwise ratio is. */
    static double relativeError(INDArray a, INDArray b) {
        INDArray a64 = a.castTo(DataType.DOUBLE);
        INDArray b64 = b.castTo(DataType.DOUBLE);
        double scale = Math.max(a64.norm2Number().doubleValue(), b64.norm2Number().doubleValue());
        double diff = a64.sub(b64).norm2Number().doubleValue();
        return scale == 0 ? diff : diff / scale;
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    /** The same graph in SameDiff, differentiated by ND4J: the gradients of W1, b1, W2, b2 by key. */
    static Map<String, INDArray> sameDiffGradients(TwoLayerNet net, INDArray X, INDArray E) {
        SameDiff sd = SameDiff.create();
        DataType type = net.dataType();
        SDVariable x = sd.constant("X", X.castTo(type));
        SDVariable e = sd.constant("E", E.castTo(type));
        SDVariable W1 = sd.var("W1", net.W1().dup('c'));
        SDVariable b1 = sd.var("b1", net.b1().dup('c'));
        SDVariable W2 = sd.var("W2", net.W2().dup('c'));
        SDVariable b2 = sd.var("b2", net.b2().dup('c'));
        SDVariable h1 = sd.nn.relu(x.mmul(sd.transpose(W1)).add(b1), 0.0);
        SDVariable a2 = h1.mmul(sd.transpose(W2)).add(b2);
        SDVariable loss = sd.nn.logSoftmax(a2).mul(e).sum(1).mean().neg("loss");
        sd.setLossVariables(loss);
        // SameDiff prints a line per differentiated op to System.out; keep the table readable
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return sd.calculateGradients(Map.of(), TwoLayerNet.KEYS);
        } finally {
            System.setOut(out);
        }
    }

    /**
     * dL/dtheta_i ~ (L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps) for every parameter, in float64; the four
     * arrays W1, b1, W2, b2 on the cores side by side, each on its own copy of the net.
     */
    static Gradients finiteDifferences(TwoLayerNet net, INDArray X, INDArray E, double eps) {
        INDArray X64 = X.castTo(DataType.DOUBLE), E64 = E.castTo(DataType.DOUBLE);
        List<INDArray> grads = Parallel.map(List.of(0, 1, 2, 3), Runtime.getRuntime().availableProcessors(), k -> {
            TwoLayerNet probe = net.copy(DataType.DOUBLE);
            INDArray theta = probe.parameters().get(k), grad = theta.like();
            for (long i = 0; i < theta.length(); i++) {
                double value = theta.getDouble(i);
                double up = lossWith(probe, theta, i, value + eps, X64, E64);
                double down = lossWith(probe, theta, i, value - eps, X64, E64);
                theta.putScalar(i, value);
                grad.putScalar(i, (up - down) / (2 * eps));
            }
            return grad;
        });
        return new Gradients(grads.get(0), grads.get(1), grads.get(2), grads.get(3));
    }

    /** L with theta[i] set to {@code value}; in one step's memory, as the 2 passes per parameter add up. */
    private static double lossWith(TwoLayerNet net, INDArray theta, long i, double value, INDArray X, INDArray E) {
        theta.putScalar(i, value);
        try (var memory = ManualBackprop.stepMemory()) {
            return ManualBackprop.loss(ManualBackprop.forward(X, net).a2(), E);
        }
    }
}
