package speed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.IntPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise steps of training a float net, as Java loops over the memory of ND4J arrays: the activations
 * (nn.Activation names the loops of each; this class knows none of them by name), their derivatives, the shares of units
 * that pass (almost) no gradient back, and the L2 norm. ND4J's own ops for these run one scalar loop each plus
 * 10-20 us of call overhead; measured on [800, 264] floats, one thread: sigmoid 775 us (ND4J) against 175-210 us here,
 * ReLU 55 us against 36, ReLU' 105-170 us (Step, then muli) against 52, and a double-accumulated norm of 264 x 264
 * floats 120 us (a cast to double, then Norm2) against 33 us.
 * <p>
 * Every loop works through its arrays in blocks of {@link #BLOCK} elements copied into small heap arrays and back:
 * the JIT vectorises loops over heap arrays (not over direct buffers), and a block stays in the L1 cache.
 */
public final class Elementwise {
    public static final int BLOCK = 2048;

    private Elementwise() {}

    /** {@code a = max(a, 0)} (NaN stays NaN, like torch.relu). */
    public static void relu(INDArray a) {
        inPlaceBlockwise(a, (x, n, s) -> {
            for (int i = 0; i < n; i++) x[i] = Math.max(x[i], 0f);
        });
    }

    /**
     * {@code a = 1 / (1 + exp(-a))}, as {@code torch.sigmoid} computes it: on 10,034 test inputs 97% of the results
     * are bit-identical to PyTorch 1.13's and none is more than 2 units in the last place away (ElementwiseTest); where
     * exp(-a) overflows (a < -88.7) the result is 0, as in PyTorch.
     */
    public static void sigmoid(INDArray a) {
        inPlaceBlockwise(a, (x, n, s) -> {
            float[] kPlusMagic = s.d, twoToK = s.e;
            expSplit(x, -1f, n, s);   // e^-a = 2^k e^r
            for (int i = 0; i < n; i++) x[i] = 1f / (1f + (expm1OfRemainder(x[i], kPlusMagic[i]) + 1f) * twoToK[i]);
        });
    }

    /** {@code v = e^v} for v[0..n), Cephes' {@code expf} ({@link #expSplit}). */
    private static void exp(float[] v, int n, Scratch s) {
        float[] kPlusMagic = s.d, twoToK = s.e;
        expSplit(v, 1f, n, s);
        for (int i = 0; i < n; i++) v[i] = (expm1OfRemainder(v[i], kPlusMagic[i]) + 1f) * twoToK[i];
    }

    /**
     * {@code v = e^v - 1}, as {@code 2^k (e^r - 1) + (2^k - 1)}, so it keeps its relative precision where e^v is near 1
     * (|v| < ln(2) / 2 gives k = 0 and the polynomial's e^r - 1 itself).
     */
    private static void expMinusOne(float[] v, int n, Scratch s) {
        float[] kPlusMagic = s.d, twoToK = s.e;
        expSplit(v, 1f, n, s);
        for (int i = 0; i < n; i++) v[i] = twoToK[i] * expm1OfRemainder(v[i], kPlusMagic[i]) + (twoToK[i] - 1f);
    }

    /**
     * The first half of Cephes' {@code expf} for {@code e^(scale v)} (a scale of +-1 or 2 is exact): {@code e^x = 2^k e^r}
     * with k = round(x / ln 2) and |r| <= ln(2) / 2. Sets v = x, clamped so that 2^k is at most the first power beyond the
     * float range (-> +inf), {@code s.d} = k + {@link #MAGIC} and {@code s.e} = 2^k; {@link #expm1OfRemainder} gives
     * e^r - 1. Java 17's JIT vectorises the float arithmetic but not the cast of k's bits into a float's exponent
     * ({@code Float.intBitsToFloat}), so those bits make a round trip through a direct buffer, two memcpy's of the block.
     */
    private static void expSplit(float[] v, float scale, int n, Scratch s) {
        float[] kPlusMagic = s.d, twoToK = s.e;
        int[] bits = s.bits;
        for (int i = 0; i < n; i++) {
            v[i] = Math.max(-88f, Math.min(88.72283f, scale * v[i]));
            kPlusMagic[i] = v[i] * LOG2E + MAGIC;   // k = round(v / ln 2) sits in the low mantissa bits
        }
        s.castFloats.put(0, kPlusMagic, 0, n);
        s.castInts.get(0, bits, 0, n);
        for (int i = 0; i < n; i++) bits[i] = (bits[i] << 23) + ONE_BITS;   // 2^k: k into the exponent field
        s.castInts.put(0, bits, 0, n);
        s.castFloats.get(0, twoToK, 0, n);
    }

    /** {@code e^r - 1} for r = x - k ln 2 (x and k + MAGIC as {@link #expSplit} left them): a degree-7 polynomial. */
    private static float expm1OfRemainder(float x, float kPlusMagic) {
        float k = kPlusMagic - MAGIC;
        float r = x - k * LN2_HIGH - k * LN2_LOW;   // exact: k * LN2_HIGH has few bits
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        return p * r * r + r;
    }

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an integer, kept in the low mantissa bits. */
    private static final float MAGIC = 12582912f;
    private static final int ONE_BITS = Float.floatToRawIntBits(1f);

    /**
     * {@code grad = grad * (y > 0)} for a ReLU output y (so y is +0, positive or NaN): where y is +0 the gradient
     * becomes +0, elsewhere it stays bit for bit, as in PyTorch's threshold_backward.
     */
    public static void multiplyByReluDerivative(INDArray grad, INDArray y) {
        IntBuffer gradBits = ints(grad), yBits = ints(sameLayout(y, grad));
        Scratch s = Scratch.get();
        forEachBlock(grad.length(), (start, n) -> {
            int[] g = s.bits, out = s.moreBits;
            gradBits.get(start, g, 0, n);
            yBits.get(start, out, 0, n);
            // Done on the floats' bits, which the JIT vectorises (a float compare-and-select it does not): y's bits
            // are 0 exactly for +0; for any other y, (b | -b) has the sign bit set, so the shift gives all ones.
            for (int i = 0; i < n; i++) g[i] &= (out[i] | -out[i]) >> 31;
            gradBits.put(start, g, 0, n);
        });
    }

    /** {@code grad = grad * (1 - y) * y} for a sigmoid output y, in the order PyTorch's sigmoid_backward rounds it. */
    public static void multiplyBySigmoidDerivative(INDArray grad, INDArray y) {
        multiplyBlockwise(grad, y, (g, out, n) -> {
            for (int i = 0; i < n; i++) g[i] = g[i] * (1f - out[i]) * out[i];
        });
    }

    /**
     * {@code a = tanh(a) = (e^2a - 1) / (e^2a + 1)}, with e^2a - 1 from {@link #expMinusOne}, so it keeps its relative
     * precision near 0 (ND4J's float tanh is 5e-6 off at 0.001); |a| above 9 gives +-1, as float tanh does from 9.01.
     */
    public static void tanh(INDArray a) {
        inPlaceBlockwise(a, (x, n, s) -> {
            float[] e = s.b;
            for (int i = 0; i < n; i++) e[i] = 2f * Math.max(-9f, Math.min(9f, x[i]));
            expMinusOne(e, n, s);
            for (int i = 0; i < n; i++) x[i] = e[i] / (e[i] + 2f);
        });
    }

    /** {@code grad = grad * (1 - y * y)} for a tanh output y. */
    public static void multiplyByTanhDerivative(INDArray grad, INDArray y) {
        multiplyBlockwise(grad, y, (g, out, n) -> {
            for (int i = 0; i < n; i++) g[i] = g[i] * (1f - out[i] * out[i]);
        });
    }

    /** {@code a = a > 0 ? a : slope a}, as torch's leaky_relu (NaN stays NaN). */
    public static void leakyRelu(INDArray a, float slope) {
        inPlaceBlockwise(a, (x, n, s) -> {
            for (int i = 0; i < n; i++) x[i] = x[i] > 0 ? x[i] : slope * x[i];
        });
    }

    /** {@code grad = grad * (y > 0 ? 1 : slope)} for a leaky ReLU output y, positive exactly where its input is. */
    public static void multiplyByLeakyReluDerivative(INDArray grad, INDArray y, float slope) {
        multiplyBlockwise(grad, y, (g, out, n) -> {
            for (int i = 0; i < n; i++) g[i] = out[i] > 0 ? g[i] : g[i] * slope;
        });
    }

    /**
     * {@code a = a * 0.5 * (1 + erf(a / sqrt 2))}, GELU in the exact form and in the order torch's gelu computes it in
     * float, erf as {@link #erf} approximates it (PyTorch's vectorised float erf is the same approximation).
     */
    public static void gelu(INDArray a) {
        inPlaceBlockwise(a, (x, n, s) -> {
            float[] e = s.b;
            for (int i = 0; i < n; i++) e[i] = -(x[i] * SQRT1_2) * (x[i] * SQRT1_2);
            exp(e, n, s);   // e^-(a^2 / 2)
            for (int i = 0; i < n; i++) x[i] = x[i] * 0.5f * (1f + erf(x[i] * SQRT1_2, e[i]));
        });
    }

    /**
     * {@code grad = grad * (cdf + z pdf)} at GELU's INPUT z, {@code cdf = 0.5 (1 + erf(z / sqrt 2))} and {@code pdf =
     * e^(-z^2 / 2) / sqrt(2 pi)}, as torch's gelu_backward computes it.
     */
    public static void multiplyByGeluDerivative(INDArray grad, INDArray z) {
        FloatBuffer gradMemory = floats(grad), zMemory = floats(sameLayout(z, grad));
        Scratch s = Scratch.get();
        forEachBlock(grad.length(), (start, n) -> {
            float[] g = s.a, x = s.b, e = s.c;
            gradMemory.get(start, g, 0, n);
            zMemory.get(start, x, 0, n);
            for (int i = 0; i < n; i++) e[i] = -(x[i] * SQRT1_2) * (x[i] * SQRT1_2);
            exp(e, n, s);   // e^-(z^2 / 2)
            for (int i = 0; i < n; i++) {
                float cdf = 0.5f * (1f + erf(x[i] * SQRT1_2, e[i]));
                g[i] = g[i] * (cdf + x[i] * (e[i] * INV_SQRT_2PI));
            }
            gradMemory.put(start, g, 0, n);
        });
    }

    /**
     * erf(u), given {@code expMinusUSquared} = e^(-u^2): Abramowitz and Stegun's 7.1.26, |error| < 1.5e-7,
     * {@code sign(u) (1 - t p(t) e^(-u^2))} with {@code t = 1 / (1 + 0.3275911 |u|)} and p of degree 4.
     */
    private static float erf(float u, float expMinusUSquared) {
        float t = 1f / (1f + 0.3275911f * Math.abs(u));
        float p = 1.061405429f;
        p = p * t - 1.453152027f;
        p = p * t + 1.421413741f;
        p = p * t - 0.284496736f;
        p = p * t + 0.254829592f;
        return Math.copySign(1f - p * t * expMinusUSquared, u);
    }

    private static final float SQRT1_2 = (float) Math.sqrt(0.5);
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /** A loop over one block: {@code g[i] = g[i] * f'(out[i])} for i < n. */
    private interface DerivativeLoop {
        void run(float[] g, float[] out, int n);
    }

    private static void multiplyBlockwise(INDArray grad, INDArray y, DerivativeLoop loop) {
        FloatBuffer gradMemory = floats(grad), yMemory = floats(sameLayout(y, grad));
        Scratch s = Scratch.get();
        forEachBlock(grad.length(), (start, n) -> {
            gradMemory.get(start, s.a, 0, n);
            yMemory.get(start, s.b, 0, n);
            loop.run(s.a, s.b, n);
            gradMemory.put(start, s.a, 0, n);
        });
    }

    /** The L2 norm of all elements, the squares summed in double (a float sum of 70k squares is off by ~1e-5). */
    public static double norm(INDArray a) {
        FloatBuffer memory = floats(a);
        Scratch s = Scratch.get();
        double[] sums = new double[4];
        forEachBlock(a.length(), (start, n) -> {
            float[] x = s.a;
            memory.get(start, x, 0, n);
            // four partial sums: one running sum is a chain of dependent adds, 4 cycles each
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            for (; i + 4 <= n; i += 4) {
                s0 += (double) x[i] * x[i];
                s1 += (double) x[i + 1] * x[i + 1];
                s2 += (double) x[i + 2] * x[i + 2];
                s3 += (double) x[i + 3] * x[i + 3];
            }
            for (; i < n; i++) s0 += (double) x[i] * x[i];
            sums[0] += s0;
            sums[1] += s1;
            sums[2] += s2;
            sums[3] += s3;
        });
        return Math.sqrt((sums[0] + sums[1]) + (sums[2] + sums[3]));
    }

    /** Copies the elements of a float matrix (in memory order) into {@code into}, e.g. a layer's weights before a step. */
    public static void copy(INDArray a, float[] into) {
        floats(a).get(0, into, 0, Math.toIntExact(a.length()));
    }

    /**
     * {@code ||a - before||}: the difference taken in float, element by element (what a float tensor subtraction gives,
     * {@code (w_after - w_before).norm()} in PyTorch), its squares summed in double.
     */
    public static double distance(INDArray a, float[] before) {
        FloatBuffer memory = floats(a);
        Scratch s = Scratch.get();
        double[] sum = new double[1];
        forEachBlock(a.length(), (start, n) -> {
            memory.get(start, s.a, 0, n);
            double block = 0;
            for (int i = 0; i < n; i++) {
                float d = s.a[i] - before[start + i];
                block += (double) d * d;
            }
            sum[0] += block;
        });
        return Math.sqrt(sum[0]);
    }

    /** The share of columns of an 'f'-ordered [n, units] float matrix that are 0 in every row: ReLU units that are dead. */
    public static double zeroColumnsFraction(INDArray h) {
        FloatBuffer memory = floats(h);
        int rows = (int) h.rows(), columns = (int) h.columns(), zero = 0;
        if (h.ordering() != 'f') throw new IllegalArgumentException("expected an 'f'-ordered matrix");
        for (int c = 0; c < columns; c++) {
            boolean allZero = true;
            for (int r = 0; r < rows && allZero; r++) allZero = memory.get(c * rows + r) == 0f;   // a live unit stops at once
            if (allZero) zero++;
        }
        return (double) zero / columns;
    }

    /** The share of elements of a float array with {@code h (1 - h) < 0.01} (in float): saturated sigmoid outputs. */
    public static double saturatedFraction(INDArray h) {
        FloatBuffer memory = floats(h);
        Scratch s = Scratch.get();
        long[] count = new long[1];
        forEachBlock(h.length(), (start, n) -> {
            memory.get(start, s.a, 0, n);
            int block = 0;
            for (int i = 0; i < n; i++) block += s.a[i] * (1f - s.a[i]) < 0.01f ? 1 : 0;
            count[0] += block;
        });
        return (double) count[0] / h.length();
    }

    /**
     * The share of columns of an 'f'-ordered [n, units] float matrix of derivatives whose every |element| is below
     * {@code below}: units that pass (almost) no gradient back for any row (NaN is not below anything).
     */
    public static double columnsBelowFraction(INDArray d, float below) {
        FloatBuffer memory = floats(d);
        int rows = (int) d.rows(), columns = (int) d.columns(), count = 0;
        if (d.ordering() != 'f') throw new IllegalArgumentException("expected an 'f'-ordered matrix");
        for (int c = 0; c < columns; c++) {
            boolean all = true;
            for (int r = 0; r < rows && all; r++) all = Math.abs(memory.get(c * rows + r)) < below;
            if (all) count++;
        }
        return (double) count / columns;
    }

    /** The share of elements of a float array of derivatives with |element| below {@code below}. */
    public static double belowFraction(INDArray d, float below) {
        FloatBuffer memory = floats(d);
        Scratch s = Scratch.get();
        long[] count = new long[1];
        forEachBlock(d.length(), (start, n) -> {
            memory.get(start, s.a, 0, n);
            int block = 0;
            for (int i = 0; i < n; i++) block += Math.abs(s.a[i]) < below ? 1 : 0;
            count[0] += block;
        });
        return (double) count[0] / d.length();
    }

    /** A loop over one block x[0..n) in place; s holds the other scratch arrays. */
    private interface InPlaceLoop {
        void run(float[] x, int n, Scratch s);
    }

    private static void inPlaceBlockwise(INDArray a, InPlaceLoop loop) {
        FloatBuffer memory = floats(a);
        Scratch s = Scratch.get();
        forEachBlock(a.length(), (start, n) -> {
            memory.get(start, s.a, 0, n);
            loop.run(s.a, n, s);
            memory.put(start, s.a, 0, n);
        });
    }

    private interface Block {
        void run(int start, int n);
    }

    private static void forEachBlock(long length, Block block) {
        for (long start = 0; start < length; start += BLOCK) block.run((int) start, (int) Math.min(BLOCK, length - start));
    }

    /** A float array's memory; its elements must fill it without gaps (any order: the loops are element-wise). */
    private static FloatBuffer floats(INDArray a) {
        return a.isEmpty() ? FloatBuffer.allocate(0) : Blas.floats(requireDense(a)).asBuffer();
    }

    private static INDArray requireDense(INDArray a) {
        if (a.dataType() != DataType.FLOAT) throw new IllegalArgumentException("expected a float array, got " + a.dataType());
        long[] shape = a.shape(), stride = a.stride();
        boolean dense = switch (a.rank()) {
            case 1 -> stride[0] == 1 || shape[0] <= 1;
            case 2 -> a.ordering() == 'f' ? (stride[0] == 1 || shape[0] <= 1) && (stride[1] == shape[0] || shape[1] <= 1)
                                          : (stride[1] == 1 || shape[1] <= 1) && (stride[0] == shape[1] || shape[0] <= 1);
            default -> false;
        };
        if (!dense) {
            throw new IllegalArgumentException("expected a dense vector or matrix, got shape " + Arrays.toString(shape)
                    + " strides " + Arrays.toString(stride));
        }
        return a;
    }

    /** The same memory as {@link #floats}, seen as the floats' bits. */
    private static IntBuffer ints(INDArray a) {
        return a.isEmpty() ? IntBuffer.allocate(0)
                : new IntPointer(Blas.floats(requireDense(a))).asBuffer();
    }

    /** Two arrays of one element-wise op must lay out their elements alike. */
    private static INDArray sameLayout(INDArray a, INDArray like) {
        if (!Arrays.equals(a.shape(), like.shape()) || (a.rank() == 2 && a.ordering() != like.ordering())) {
            throw new IllegalArgumentException("expected " + Arrays.toString(like.shape()) + " '" + like.ordering() + "', got "
                    + Arrays.toString(a.shape()) + " '" + a.ordering() + "'");
        }
        return a;
    }

    /** Per-thread block buffers (the deep script trains two nets at a time). */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        final float[] a = new float[BLOCK], b = new float[BLOCK], c = new float[BLOCK], d = new float[BLOCK], e = new float[BLOCK];
        final int[] bits = new int[BLOCK], moreBits = new int[BLOCK];
        /** One direct buffer seen as floats and as ints: the vectorisable way to reinterpret bits. */
        final FloatBuffer castFloats;
        final IntBuffer castInts;

        Scratch() {
            ByteBuffer cast = ByteBuffer.allocateDirect(4 * BLOCK).order(ByteOrder.nativeOrder());
            castFloats = cast.asFloatBuffer();
            castInts = cast.asIntBuffer();
        }

        static Scratch get() {
            return PER_THREAD.get();
        }
    }
}
