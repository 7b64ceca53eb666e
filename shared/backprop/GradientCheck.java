package backprop;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import speed.Parallel;

/**
 * The check of hand-written gradients, as cs231n and micrograd check theirs: against automatic differentiation (ND4J's
 * SameDiff, the same loss as a graph on the same values) and against central finite differences, all in float64. It
 * knows no particular net: it takes the parameters by name, the loss as a function of them (for the differences) and
 * the same loss as a SameDiff graph of them (for autodiff), so a net of two hidden layers is checked as the lecture's is.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /** The loss as a SameDiff graph of the parameters' variables, by name (the same names as the parameters). */
    @FunctionalInterface
    public interface Graph {
        SDVariable loss(SameDiff sd, Map<String, SDVariable> parameters);
    }

    /**
     * One parameter's hand-written gradient ({@code gradient}, e.g. {@code dW1}) against the two references: the largest
     * |difference| of an element and the relative error ||hand - other||_2 / max(||hand||_2, ||other||_2).
     */
    public record Compared(String gradient, long[] shape, double autodiffMaxDiff, double autodiffError, double numericMaxDiff,
            double numericError) {
        /** Both relative errors at most {@code threshold} (NaN fails). */
        public boolean passed(double threshold) {
            return autodiffError <= threshold && numericError <= threshold;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %s: vs autodiff %.3e, vs finite differences %.3e", gradient, Arrays.toString(shape),
                    autodiffError, numericError);
        }
    }

    /**
     * Each hand-written gradient (by its parameter's name) against autodiff and central differences with step {@code eps}:
     * {@code loss} computes the loss from the parameters it is given (the differences nudge copies of them), {@code graph}
     * builds it in SameDiff.
     */
    public static List<Compared> compare(Map<String, INDArray> handWritten, Map<String, INDArray> parameters,
            ToDoubleFunction<Map<String, INDArray>> loss, Graph graph, double eps) {
        return compare(handWritten, parameters, loss, graph, eps, Map.of());
    }

    /**
     * As above, with rows of some parameters left out of the finite-difference comparison ({@code rowsLeftOut}: by
     * parameter name, true for each row, along the first dimension, to leave out): where a central difference straddles
     * a kink (ReLU's at 0) it measures no derivative (cs231n's "kinks"). Autodiff is still compared on every entry.
     */
    public static List<Compared> compare(Map<String, INDArray> handWritten, Map<String, INDArray> parameters,
            ToDoubleFunction<Map<String, INDArray>> loss, Graph graph, double eps, Map<String, boolean[]> rowsLeftOut) {
        Map<String, INDArray> autodiff = autodiff(parameters, graph);
        Map<String, INDArray> numeric = finiteDifferences(parameters, loss, eps);
        var rows = new ArrayList<Compared>();
        handWritten.forEach((name, hand) -> {
            INDArray a = autodiff.get(name).reshape(hand.shape()), d = numeric.get(name).reshape(hand.shape());
            boolean[] out = rowsLeftOut.get(name);
            INDArray hd = out == null ? hand : withoutRows(hand, out);
            if (out != null) d = withoutRows(d, out);
            rows.add(new Compared("d" + name, hand.shape(), maxAbsDiff(hand, a), relativeError(hand, a), maxAbsDiff(hd, d), relativeError(hd, d)));
        });
        return rows;
    }

    /** A float64 copy of {@code g} with the rows marked (entries of a vector, rows of a matrix) set to 0. */
    static INDArray withoutRows(INDArray g, boolean[] rows) {
        INDArray copy = g.castTo(DataType.DOUBLE).dup('c');
        for (int j = 0; j < rows.length; j++) {
            if (!rows[j]) continue;
            if (copy.rank() == 1) copy.putScalar(j, 0);
            else copy.getRow(j).assign(0);
        }
        return copy;
    }

    /** The gradient of the graph's loss for every parameter, by name, from ND4J's autodiff (float64, on copies of the values). */
    public static Map<String, INDArray> autodiff(Map<String, INDArray> parameters, Graph graph) {
        SameDiff sd = SameDiff.create();
        var variables = new LinkedHashMap<String, SDVariable>();
        parameters.forEach((name, value) -> variables.put(name, sd.var(name, value.castTo(DataType.DOUBLE).dup('c'))));
        sd.setLossVariables(graph.loss(sd, variables));
        // SameDiff prints a line per differentiated op to System.out: kept out of what the user reads
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return sd.calculateGradients(Map.of(), variables.keySet().toArray(String[]::new));
        } finally {
            System.setOut(out);
        }
    }

    /**
     * dL/dtheta_i ~ (L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps) for every element of every parameter, in float64
     * (central differences err by ~eps^2 from truncation plus ~1e-16/eps from rounding); the parameters on the cores side
     * by side, each nudging its own float64 copy of them all.
     */
    public static Map<String, INDArray> finiteDifferences(Map<String, INDArray> parameters, ToDoubleFunction<Map<String, INDArray>> loss,
            double eps) {
        List<String> names = List.copyOf(parameters.keySet());
        List<INDArray> grads = Parallel.map(names, Runtime.getRuntime().availableProcessors(), name -> {
            var probe = new LinkedHashMap<String, INDArray>();
            parameters.forEach((n, value) -> probe.put(n, value.castTo(DataType.DOUBLE).dup('c')));
            INDArray theta = probe.get(name), grad = theta.like();
            for (long i = 0; i < theta.length(); i++) {
                double value = theta.getDouble(i);
                theta.putScalar(i, value + eps);
                double up = loss.applyAsDouble(probe);
                theta.putScalar(i, value - eps);
                double down = loss.applyAsDouble(probe);
                theta.putScalar(i, value);
                grad.putScalar(i, (up - down) / (2 * eps));
            }
            return grad;
        });
        var byName = new LinkedHashMap<String, INDArray>();
        for (int k = 0; k < names.size(); k++) byName.put(names.get(k), grads.get(k));
        return byName;
    }

    /** ||a - b|| / max(||a||, ||b||): scale-free, and not blown up by single near-zero entries as an elementwise ratio is. */
    public static double relativeError(INDArray a, INDArray b) {
        INDArray a64 = a.castTo(DataType.DOUBLE), b64 = b.castTo(DataType.DOUBLE);
        double scale = Math.max(a64.norm2Number().doubleValue(), b64.norm2Number().doubleValue());
        double diff = a64.sub(b64).norm2Number().doubleValue();
        return scale == 0 ? diff : diff / scale;
    }

    public static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
