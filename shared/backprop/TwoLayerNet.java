package backprop;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import cli.Cli;
import data.Npz;

/**
 * The parameters of x -> Linear(2, H) -> ReLU -> Linear(H, 2), in PyTorch's nn.Linear layout (out, in):
 * W1 is [H, 2], b1 [H], W2 [2, H], b2 [2]. The same class holds their gradients dW1, db1, dW2, db2.
 *
 * <p>Each layer's weights and bias live side by side in one 'f'-ordered array, [W1 b1] [H, 3] and [W2 b2] [2, H + 1]
 * (ND4J's matrix products are much faster on 'f' operands); W1, b1, W2, b2 are views of them. With a column of ones
 * appended to a layer's input, one matrix product then gives X W^T + 1 b^T and one gives dW and db together, and a
 * gradient step updates a layer with one axpy (see ManualBackprop).
 */
public final class TwoLayerNet {
    public static final int INPUTS = 2;
    public static final int CLASSES = 2;
    /** The npz keys, in the order np.savez and {@link #toMap} write them. */
    public static final String[] KEYS = {"W1", "b1", "W2", "b2"};

    public final int hidden;
    public final INDArray W1;
    public final INDArray b1;
    public final INDArray W2;
    public final INDArray b2;
    /** [W1 b1] [H, 3] and [W2 b2] [2, H + 1], the arrays that own the parameters ('f' order: W1, then b1; W2, then b2). */
    final INDArray W1b1;
    final INDArray W2b2;

    private TwoLayerNet(int hidden, DataType type) {
        if (hidden < 1) throw new IllegalArgumentException("hidden must be >= 1, got " + hidden);
        this.hidden = hidden;
        W1b1 = Nd4j.create(type, new long[] {hidden, INPUTS + 1}, 'f');
        W2b2 = Nd4j.create(type, new long[] {CLASSES, hidden + 1}, 'f');
        W1 = W1b1.get(NDArrayIndex.all(), NDArrayIndex.interval(0, INPUTS));
        b1 = W1b1.getColumn(INPUTS);
        W2 = W2b2.get(NDArrayIndex.all(), NDArrayIndex.interval(0, hidden));
        b2 = W2b2.getColumn(hidden);
    }

    /** The arrays that own the parameters, in {@link #KEYS} order (a step updates these). */
    INDArray[] storage() {
        return new INDArray[] {W1b1, W2b2};
    }

    /** The number of parameters, 2H + H + 2H + 2. */
    public long size() {
        return W1.length() + b1.length() + W2.length() + b2.length();
    }

    /** Parameter {@code i} in the order W1 (column-major), b1, W2 (column-major), b2; for finite differences. */
    public double get(long i) {
        for (INDArray a : storage()) {
            if (i < a.length()) return a.data().getDouble(i);
            i -= a.length();
        }
        throw new IndexOutOfBoundsException();
    }

    /** Sets parameter {@code i} (same order as {@link #get}). */
    public void set(long i, double value) {
        for (INDArray a : storage()) {
            if (i < a.length()) {
                a.data().put(i, value);
                return;
            }
            i -= a.length();
        }
        throw new IndexOutOfBoundsException();
    }

    /** All parameters zero (also the shape of a gradient buffer). */
    public static TwoLayerNet zeros(int hidden, DataType type) {
        return new TwoLayerNet(hidden, type);
    }

    /**
     * The lecture's init (pytorch_reference.py's manual loop): W ~ N(0, 1) * sqrt(2 / fan_in) (He), zero biases.
     * Drawn with java.util.Random, W1 then W2, each in row-major (out, in) order; draws are in double, then cast,
     * so a float32 and a float64 run of one seed start from the same numbers. (PyTorch's generator is a different
     * one: to start from PyTorch's exact weights, save them with np.savez and load them with {@link #load}.)
     */
    public static TwoLayerNet heNormal(int hidden, long seed, DataType type) {
        var net = new TwoLayerNet(hidden, type);
        var random = new Random(seed);
        fillGaussian(net.W1, Math.sqrt(2.0 / INPUTS), random);
        fillGaussian(net.W2, Math.sqrt(2.0 / hidden), random);
        return net;
    }

    private static void fillGaussian(INDArray w, double std, Random random) {
        for (int r = 0; r < w.rows(); r++) {
            for (int c = 0; c < w.columns(); c++) w.putScalar(r, c, random.nextGaussian() * std);
        }
    }

    /** A copy of W1, b1, W2, b2 (any float type, any ordering) in one new net of {@code type}. */
    public static TwoLayerNet of(INDArray w1, INDArray b1, INDArray w2, INDArray b2, DataType type) {
        var net = new TwoLayerNet((int) w1.rows(), type);
        net.W1.assign(w1);
        net.b1.assign(b1.reshape(net.b1.shape()));
        net.W2.assign(w2);
        net.b2.assign(b2.reshape(net.b2.shape()));
        return net;
    }

    /**
     * Reads W1, b1, W2, b2 from an .npz in (out, in) layout. The width H is W1's row count; when
     * {@code expectedHidden} is not null it must agree. Any missing or misshaped key is a one-line
     * {@link BadInputException} naming {@code option} and the key.
     */
    public static TwoLayerNet load(Path file, String option, Integer expectedHidden, DataType type) {
        Map<String, INDArray> arrays = Npz.read(file, option);
        INDArray w1 = arrays.get("W1");
        Cli.require(w1 != null, option + ": missing key 'W1' (expected shape [H, 2]; found keys " + arrays.keySet() + ")");
        Cli.require(w1.rank() == 2 && w1.columns() == INPUTS && w1.rows() >= 1, option + ": key 'W1' has shape "
                + java.util.Arrays.toString(w1.shape()) + ", expected [H, 2] with H >= 1");
        long h = expectedHidden != null ? expectedHidden : w1.rows();
        long[][] shapes = {{h, INPUTS}, {h}, {CLASSES, h}, {CLASSES}};
        INDArray[] found = new INDArray[KEYS.length];
        for (int k = 0; k < KEYS.length; k++) {
            found[k] = Npz.require(arrays, KEYS[k], shapes[k], option);
            Cli.require(found[k].dataType().isFPType(), option + ": key '" + KEYS[k] + "' has type "
                    + found[k].dataType() + ", expected float32 or float64");
        }
        var net = of(found[0], found[1], found[2], found[3], type);
        for (long i = 0; i < net.size(); i++) {
            Cli.require(Double.isFinite(net.get(i)), option + ": " + file + " holds NaN or infinite weights");
        }
        return net;
    }

    /** The four arrays by key, for {@link Npz#write} (PyTorch layout, so np.load(...)["W1"] matches nn.Linear). */
    public Map<String, INDArray> toMap() {
        var map = new LinkedHashMap<String, INDArray>();
        map.put("W1", W1);
        map.put("b1", b1);
        map.put("W2", W2);
        map.put("b2", b2);
        return map;
    }

    /** An independent copy in {@code type}. */
    public TwoLayerNet copy(DataType type) {
        return of(W1, b1, W2, b2, type);
    }

    public DataType dataType() {
        return W1.dataType();
    }
}
