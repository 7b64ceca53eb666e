package nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import data.MersenneTwister;

/**
 * PyTorch's default initial weights, bit for bit: {@code torch.manual_seed(seed)} followed by constructing
 * {@code nn.Linear} layers in order. PyTorch's CPU generator is MT19937 seeded with the low 32 bits of the seed;
 * a float32 {@code uniform_(from, to)} takes one 32-bit draw per element, in row-major order.
 */
public final class TorchInit {
    private final MersenneTwister generator;

    /** The generator as {@code torch.manual_seed(seed)} leaves it (any long, as torch wraps it to uint64). */
    public TorchInit(long seed) {
        generator = new MersenneTwister(seed);
    }

    /** The next 32-bit draw of MT19937 (as an unsigned value in the low bits of an int). */
    public int nextInt() {
        return generator.nextInt();
    }

    /**
     * One float32 draw of {@code uniform_(from, to)}: 24 random bits scaled to [0, 1), then {@code x*(to-from)+from}
     * in float with a fused multiply-add (which is how PyTorch's compiled kernel rounds it; plain float or double
     * arithmetic differs in up to half of the last bits).
     */
    public float uniform(double from, double to) {
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

    /** {@code torch.nn.init.xavier_uniform_(weight)}: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)). */
    public void xavierUniform(INDArray weight) {
        double std = Math.sqrt(2.0 / (weight.size(1) + weight.size(0)));
        fill(weight, -Math.sqrt(3.0) * std, Math.sqrt(3.0) * std);
    }

    /** {@code torch.nn.init.kaiming_uniform_(weight, nonlinearity='relu')}: U(-b, b) with b = sqrt(3) sqrt(2) / sqrt(fan_in). */
    public void kaimingUniform(INDArray weight) {
        double std = Math.sqrt(2.0) / Math.sqrt(weight.size(1));
        fill(weight, -Math.sqrt(3.0) * std, Math.sqrt(3.0) * std);
    }

    /** Fills a tensor in row-major order, as PyTorch walks a contiguous tensor. */
    private void fill(INDArray target, double from, double to) {
        float[] values = new float[Math.toIntExact(target.length())];
        for (int i = 0; i < values.length; i++) values[i] = uniform(from, to);
        target.assign(Nd4j.create(values, target.shape(), 'c').castTo(target.dataType()));
    }

    @Override
    public String toString() {
        return "TorchInit[PyTorch's CPU generator, " + generator + "]";
    }
}
