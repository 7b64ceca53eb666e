package speed;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import speed.Elementwise.Scratch;

/**
 * The activations' float loops, f in place and grad *= f', over the memory of ND4J arrays in {@link Elementwise}'s
 * blocks; nn.Activation names each entry's (this class knows none of them by name), and ActivationTest and
 * ElementwiseTest hold them to the entries' formulas and to PyTorch's. ND4J's own ops for these run one scalar loop each
 * plus 10-20 us of call overhead; measured on [800, 264] floats, one thread: sigmoid 775 us (ND4J) against 175-210 us
 * here, ReLU 55 us against 36, ReLU' 105-170 us (Step, then muli) against 52.
 */
public final class ActivationLoops {
    private ActivationLoops() {}

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
        IntBuffer gradBits = Elementwise.runBits(grad), yBits = Elementwise.runBits(Elementwise.sameLayout(y, grad));
        Scratch s = Scratch.get();
        Elementwise.forEachBlock(grad, (start, n) -> {
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
        FloatBuffer gradMemory = Elementwise.runs(grad), zMemory = Elementwise.runs(Elementwise.sameLayout(z, grad));
        Scratch s = Scratch.get();
        Elementwise.forEachBlock(grad, (start, n) -> {
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
        FloatBuffer gradMemory = Elementwise.runs(grad), yMemory = Elementwise.runs(Elementwise.sameLayout(y, grad));
        Scratch s = Scratch.get();
        Elementwise.forEachBlock(grad, (start, n) -> {
            gradMemory.get(start, s.a, 0, n);
            yMemory.get(start, s.b, 0, n);
            loop.run(s.a, s.b, n);
            gradMemory.put(start, s.a, 0, n);
        });
    }

    /** A loop over one block x[0..n) in place; s holds the other scratch arrays. */
    private interface InPlaceLoop {
        void run(float[] x, int n, Scratch s);
    }

    private static void inPlaceBlockwise(INDArray a, InPlaceLoop loop) {
        FloatBuffer memory = Elementwise.runs(a);
        Scratch s = Scratch.get();
        Elementwise.forEachBlock(a, (start, n) -> {
            memory.get(start, s.a, 0, n);
            loop.run(s.a, n, s);
            memory.put(start, s.a, 0, n);
        });
    }

}
