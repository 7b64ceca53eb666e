import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's default initial weights, bit for bit: {@code torch.manual_seed(seed)} followed by constructing
 * {@code nn.Linear} layers in order. PyTorch's CPU generator is MT19937 seeded with the low 32 bits of the seed;
 * a float32 {@code uniform_(from, to)} takes one 32-bit draw per element, in row-major order.
 */
public final class TorchInit {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] state = new int[N];
    private int next = N;

    /** The generator as {@code torch.manual_seed(seed)} leaves it (any long, as torch wraps it to uint64). */
    public TorchInit(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
    }

    /** The next 32-bit draw of MT19937 (as an unsigned value in the low bits of an int). */
    int nextInt() {
        if (next == N) twist();
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void twist() {
        for (int k = 0; k < N; k++) {
            int y = (state[k] & 0x80000000) | (state[(k + 1) % N] & 0x7fffffff);
            state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        next = 0;
    }

    /**
     * One float32 draw of {@code uniform_(from, to)}: 24 random bits scaled to [0, 1), then {@code x*(to-from)+from}
     * in float with a fused multiply-add (which is how PyTorch's compiled kernel rounds it; plain float or double
     * arithmetic differs in up to half of the last bits).
     */
    float uniform(double from, double to) {
        float lo = (float) from;
        float hi = (float) to;
        float x = (nextInt() & 0xffffff) * 0x1p-24f;
        return Math.fma(x, hi - lo, lo);
    }

    /**
     * Initialises an {@code nn.Linear(in, out)} as its constructor does: weight [out, in] by
     * {@code kaiming_uniform_(a=sqrt(5))}, then bias [out] by {@code U(-1/sqrt(in), 1/sqrt(in))}.
     */
    public void initLinear(INDArray weight, INDArray bias) {
        long in = weight.size(1);
        double a = Math.sqrt(5);
        double gain = Math.sqrt(2.0 / (1 + a * a));           // calculate_gain('leaky_relu', a)
        double weightBound = Math.sqrt(3.0) * (gain / Math.sqrt(in));
        fill(weight, -weightBound, weightBound);
        double biasBound = 1 / Math.sqrt(in);
        fill(bias, -biasBound, biasBound);
    }

    /** Fills a tensor in row-major order, as PyTorch walks a contiguous tensor. */
    private void fill(INDArray target, double from, double to) {
        float[] values = new float[Math.toIntExact(target.length())];
        for (int i = 0; i < values.length; i++) values[i] = uniform(from, to);
        target.assign(Nd4j.create(values, target.shape(), 'c').castTo(target.dataType()));
    }
}
