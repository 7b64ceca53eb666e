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

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import backprop.ManualBackprop;
import backprop.TwoLayerNet;
import cli.Cli;
import cli.TwoLayerNetOptions;
import data.Npz;
import data.Points;
import data.TwoMoons;

/**
 * Exercise 2, step 3: the hand-written backward pass (shared/ManualBackprop.java), checked the way cs231n and
 * micrograd check theirs: against automatic differentiation (ND4J SameDiff, same graph, same weights) and against
 * central finite differences, all in float64.
 */
@Command(name = "backward", mixinStandardHelpOptions = true,
        description = "Gradient check of the hand-written backward pass of x -> Linear -> ReLU -> Linear -> softmax -> CE "
                + "against SameDiff autodiff and central differences (float64); exit 1 if a relative error exceeds "
                + "the threshold.")
public class backward implements Callable<Integer> {
    /** Relative errors above this fail the check; float64 hand vs autodiff agree to ~1e-15, vs differences ~1e-9. */
    static final double THRESHOLD = 1e-6;
    /** The finite-difference step: central differences err by ~eps^2 (truncation) + 1e-16/eps (rounding). */
    static final double EPS = 1e-6;

    @Mixin
    TwoLayerNetOptions start;

    @Option(names = "--train", paramLabel = "FILE", description = "Training CSV (x1,x2,label); default the lecture's train split.")
    Path train;

    @Option(names = "--grads-out", paramLabel = "FILE.npz", description = "Write the hand-written gradients (float32, keys W1,b1,W2,b2).")
    Path gradsOut;

    public static void main(String... args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return Cli.run(new backward(), args);
    }

    @Override
    public Integer call() {
        start.validate();
        // data and model (float64 throughout: a gradient check needs the digits)
        Points data = train == null ? TwoMoons.lecture().train() : Points.readCsv(train, "--train");
        TwoLayerNet net = start.create(DataType.DOUBLE);
        INDArray x = data.features(DataType.DOUBLE);
        INDArray oneHot = data.oneHot(TwoLayerNet.CLASSES, DataType.DOUBLE);

        // the three gradients
        TwoLayerNet hand = ManualBackprop.gradients(net, x, data.y());
        Map<String, INDArray> autodiff = sameDiffGradients(net, x, oneHot);
        TwoLayerNet numeric = finiteDifferences(net, x, data.y(), EPS);

        // the table
        System.out.printf("gradient check of x -> Linear(2, %d) -> ReLU -> Linear(%d, 2) -> softmax -> CE, %d samples, "
                + "float64, loss %.10f%n", net.hidden, net.hidden, data.size(), ManualBackprop.loss(net, x, data.y()));
        System.out.printf("rel error = ||hand - other||_2 / max(||hand||_2, ||other||_2); fail above %.0e%n", THRESHOLD);
        System.out.printf("%-6s %-9s | %-26s | %-26s%n", "", "", "vs SameDiff autodiff", "vs central diff. (eps " + EPS + ")");
        System.out.printf("%-6s %-9s | %-12s %-13s | %-12s %-13s%n", "param", "shape", "max |diff|", "rel error", "max |diff|", "rel error");
        Map<String, INDArray> handByKey = hand.toMap();
        Map<String, INDArray> numericByKey = numeric.toMap();
        boolean ok = true;
        for (String key : TwoLayerNet.KEYS) {
            INDArray h = handByKey.get(key);
            INDArray a = autodiff.get(key).reshape(h.shape());
            INDArray d = numericByKey.get(key);
            double relA = relativeError(h, a);
            double relD = relativeError(h, d);
            ok &= relA <= THRESHOLD && relD <= THRESHOLD; // NaN fails too
            System.out.printf("d%-5s %-9s | %-12.3e %-13.3e | %-12.3e %-13.3e%n", key, Arrays.toString(h.shape()).replace(" ", ""),
                    maxAbsDiff(h, a), relA, maxAbsDiff(h, d), relD);
        }
        System.out.println(ok ? "PASS: every relative error <= " + THRESHOLD : "FAIL: a relative error exceeds " + THRESHOLD);

        // record
        if (gradsOut != null) {
            Npz.write(gradsOut, hand.copy(DataType.FLOAT).toMap());
            System.out.println("wrote " + gradsOut);
        }
        return ok ? 0 : 1;
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
    static Map<String, INDArray> sameDiffGradients(TwoLayerNet net, INDArray x, INDArray oneHot) {
        SameDiff sd = SameDiff.create();
        DataType type = net.dataType();
        SDVariable xs = sd.constant("X", x.castTo(type));
        SDVariable e = sd.constant("E", oneHot.castTo(type));
        SDVariable w1 = sd.var("W1", net.W1.dup('c'));
        SDVariable b1 = sd.var("b1", net.b1.dup('c'));
        SDVariable w2 = sd.var("W2", net.W2.dup('c'));
        SDVariable b2 = sd.var("b2", net.b2.dup('c'));
        SDVariable h1 = sd.nn.relu(xs.mmul(sd.transpose(w1)).add(b1), 0.0);
        SDVariable a2 = h1.mmul(sd.transpose(w2)).add(b2);
        SDVariable loss = sd.nn.logSoftmax(a2).mul(e).sum(1).mean().neg("loss");
        sd.setLossVariables(loss);
        // SameDiff prints a line per differentiated op to System.out; keep the table readable
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return new LinkedHashMap<>(sd.calculateGradients(Map.of(), TwoLayerNet.KEYS));
        } finally {
            System.setOut(out);
        }
    }

    /** dL/dtheta_i ~ (L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps) for every parameter, in float64. */
    static TwoLayerNet finiteDifferences(TwoLayerNet net, INDArray x, int[] labels, double eps) {
        TwoLayerNet probe = net.copy(DataType.DOUBLE);
        TwoLayerNet grads = TwoLayerNet.zeros(net.hidden, DataType.DOUBLE);
        var work = new ManualBackprop(x.castTo(DataType.DOUBLE), labels, net.hidden);
        for (long i = 0; i < probe.size(); i++) {
            double theta = probe.get(i);
            probe.set(i, theta + eps);
            work.forward(probe);
            double up = work.loss();
            probe.set(i, theta - eps);
            work.forward(probe);
            double down = work.loss();
            probe.set(i, theta);
            grads.set(i, (up - down) / (2 * eps));
        }
        return grads;
    }
}
