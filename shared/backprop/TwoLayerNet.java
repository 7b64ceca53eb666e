package backprop;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import data.Npz;
import io.BadInputException;

/**
 * The parameters of x -> Linear(2, H) -> ReLU -> Linear(H, 2), in PyTorch's nn.Linear layout (out, in):
 * W1 [H, 2], b1 [H], W2 [2, H], b2 [2].
 */
public record TwoLayerNet(INDArray W1, INDArray b1, INDArray W2, INDArray b2) {
    public static final int INPUTS = 2;
    public static final int CLASSES = 2;
    /** The npz keys, in the order np.savez and {@link #toMap} write them. */
    public static final List<String> KEYS = List.of("W1", "b1", "W2", "b2");

    public TwoLayerNet {
        long h = W1.rows();
        if (!Arrays.equals(W1.shape(), new long[] {h, INPUTS}) || !Arrays.equals(b1.shape(), new long[] {h})
                || !Arrays.equals(W2.shape(), new long[] {CLASSES, h}) || !Arrays.equals(b2.shape(), new long[] {CLASSES})) {
            throw new IllegalArgumentException("expected W1 [H, 2], b1 [H], W2 [2, H], b2 [2], got " + shapes(W1, b1, W2, b2));
        }
    }

    /** H, the number of hidden units. */
    public int hidden() {
        return (int) W1.rows();
    }

    public DataType dataType() {
        return W1.dataType();
    }

    /** W1, b1, W2, b2: the arrays a gradient step changes (and finite differences nudge). */
    public List<INDArray> parameters() {
        return List.of(W1, b1, W2, b2);
    }

    /** All parameters zero. */
    public static TwoLayerNet zeros(int hidden, DataType type) {
        return new TwoLayerNet(Nd4j.zeros(type, hidden, INPUTS), Nd4j.zeros(type, hidden), Nd4j.zeros(type, CLASSES, hidden),
                Nd4j.zeros(type, CLASSES));
    }

    /**
     * The lecture's init (pytorch_reference.py's manual loop): W ~ N(0, 1) * sqrt(2 / fan_in) (He), zero biases.
     * Drawn with java.util.Random, W1 then W2, each in row-major (out, in) order; draws are in double, then cast,
     * so a float32 and a float64 run of one seed start from the same numbers. (PyTorch's generator is a different
     * one: to start from PyTorch's exact weights, save them with np.savez and load them with {@link #load}.)
     */
    public static TwoLayerNet heNormal(int hidden, long seed, DataType type) {
        if (hidden < 1) throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        var random = new Random(seed);
        INDArray w1 = gaussian(hidden, INPUTS, Math.sqrt(2.0 / INPUTS), random);
        INDArray w2 = gaussian(CLASSES, hidden, Math.sqrt(2.0 / hidden), random);
        return new TwoLayerNet(w1.castTo(type), Nd4j.zeros(type, hidden), w2.castTo(type), Nd4j.zeros(type, CLASSES));
    }

    private static INDArray gaussian(int rows, int columns, double std, Random random) {
        double[] w = new double[rows * columns];
        for (int i = 0; i < w.length; i++) w[i] = random.nextGaussian() * std;
        return Nd4j.create(w, new long[] {rows, columns}, 'c');
    }

    /** A copy of W1, b1, W2, b2 (any float type, any ordering; biases of any shape with H and 2 elements) in {@code type}. */
    public static TwoLayerNet of(INDArray W1, INDArray b1, INDArray W2, INDArray b2, DataType type) {
        return new TwoLayerNet(W1.castTo(type).dup('c'), b1.castTo(type).reshape(b1.length()).dup('c'),
                W2.castTo(type).dup('c'), b2.castTo(type).reshape(b2.length()).dup('c'));
    }

    /** The net whose parameters are {@code parameters} by key (W1, b1, W2, b2), the arrays themselves, as {@link #toMap} gives them. */
    public static TwoLayerNet of(Map<String, INDArray> parameters) {
        return new TwoLayerNet(parameters.get("W1"), parameters.get("b1"), parameters.get("W2"), parameters.get("b2"));
    }

    /** An independent copy in {@code type}. */
    public TwoLayerNet copy(DataType type) {
        return of(W1, b1, W2, b2, type);
    }

    /**
     * Reads W1, b1, W2, b2 from an .npz in (out, in) layout. The width H is W1's row count; when
     * {@code expectedHidden} is not null it must agree. A missing, misshaped, unexpected or non-finite key is a one-line
     * {@link io.BadInputException} naming {@code option} and the key (the rule of every --init: {@link Npz#stateDict}).
     */
    public static TwoLayerNet load(Path file, String option, Integer expectedHidden, DataType type) {
        Map<String, INDArray> arrays = Npz.read(file, option);
        INDArray w1 = arrays.get("W1");
        BadInputException.require(w1 != null, option + ": missing key 'W1' (expected shape [H, 2]; found keys " + arrays.keySet() + ")");
        BadInputException.require(w1.rank() == 2 && w1.columns() == INPUTS && w1.rows() >= 1, option + ": key 'W1' has shape "
                + Arrays.toString(w1.shape()) + ", expected [H, 2] with H >= 1");
        long h = expectedHidden != null ? expectedHidden : w1.rows();
        var shapes = new LinkedHashMap<String, long[]>();
        shapes.put("W1", new long[] {h, INPUTS});
        shapes.put("b1", new long[] {h});
        shapes.put("W2", new long[] {CLASSES, h});
        shapes.put("b2", new long[] {CLASSES});
        Map<String, INDArray> state = Npz.stateDict(arrays, option, shapes, type);   // PyTorch's strict rule, as every --init
        return of(state.get("W1"), state.get("b1"), state.get("W2"), state.get("b2"), type);
    }

    /** The four arrays by key, for {@link Npz#write} (PyTorch layout, so np.load(...)["W1"] matches nn.Linear). */
    public Map<String, INDArray> toMap() {
        var map = new LinkedHashMap<String, INDArray>();
        for (int k = 0; k < KEYS.size(); k++) map.put(KEYS.get(k), parameters().get(k));
        return map;
    }

    /** Writes W1, b1, W2, b2 as an .npz (np.load reads it; {@link #load} too); returns its path. */
    public Path save(Path file) {
        Npz.write(file, toMap());
        return file;
    }

    /** e.g. {@code TwoLayerNet[W1 [64, 2], b1 [64], W2 [2, 64], b2 [2], FLOAT]}. */
    @Override
    public String toString() {
        return "TwoLayerNet[" + shapes(W1, b1, W2, b2) + ", " + dataType() + "]";
    }

    private static String shapes(INDArray W1, INDArray b1, INDArray W2, INDArray b2) {
        return "W1 " + Arrays.toString(W1.shape()) + ", b1 " + Arrays.toString(b1.shape()) + ", W2 " + Arrays.toString(W2.shape())
                + ", b2 " + Arrays.toString(b2.shape());
    }
}
