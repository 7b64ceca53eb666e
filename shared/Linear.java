import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One fully connected layer {@code z = x W^T + b}, in PyTorch's layout: weight [out, in], bias [out]. Holds its
 * parameters and their gradients (the analog of {@code .weight.grad}), all 'f'-ordered for ND4J's fast gemm.
 */
public final class Linear {
    private final String name;
    private final INDArray weight;
    private final INDArray bias;
    private final INDArray weightGrad;
    private final INDArray biasGrad;
    /** biasGrad seen as a [1, out] row (same memory), for gemm. */
    private final INDArray biasGradRow;

    /** A zero-initialised layer; see {@link TorchInit} for PyTorch's initial values. */
    public Linear(String name, int in, int out, DataType type) {
        this.name = name;
        weight = Nd4j.create(type, new long[] {out, in}, 'f');
        bias = Nd4j.create(type, new long[] {out}, 'f');
        weightGrad = Nd4j.create(type, new long[] {out, in}, 'f');
        biasGrad = Nd4j.create(type, new long[] {out}, 'f');
        biasGradRow = biasGrad.reshape('f', 1, out);
        if (biasGradRow.data().address() != biasGrad.data().address()) throw new IllegalStateException("reshape copied");
    }

    public String name() { return name; }
    public INDArray weight() { return weight; }
    public INDArray bias() { return bias; }
    public INDArray weightGrad() { return weightGrad; }
    public INDArray biasGrad() { return biasGrad; }
    public int in() { return (int) weight.size(1); }
    public int out() { return (int) weight.size(0); }

    /** {@code z = x W^T + b} for a batch x [n, in] into the preallocated z [n, out]. */
    public void forward(INDArray x, INDArray z) {
        Nd4j.gemm(x, weight, z, false, true, 1.0, 0.0);
        z.addiRowVector(bias);
    }

    /**
     * Given the loss gradient dz [n, out] of this layer's output and its input x [n, in]: sets
     * {@code weightGrad = dz^T x} and {@code biasGrad = ones^T dz} (the column sums of dz; {@code ones} is an [n, 1]
     * column of ones: as a gemm this is twice as fast as ND4J's sum along dimension 0), and, unless {@code dx} is
     * null, {@code dx = dz W} (the gradient passed on to the layer below).
     */
    public void backward(INDArray x, INDArray dz, INDArray dx, INDArray ones) {
        Nd4j.gemm(dz, x, weightGrad, true, false, 1.0, 0.0);
        Nd4j.gemm(ones, dz, biasGradRow, true, false, 1.0, 0.0);
        if (dx != null) Nd4j.gemm(dz, weight, dx, false, false, 1.0, 0.0);
    }
}
