package nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import speed.Blas;

/**
 * One fully connected layer {@code z = x W^T + b}, in PyTorch's layout: weight [out, in], bias [out]. Holds its
 * parameters and their gradients (the analog of {@code .weight.grad}), all 'f'-ordered for ND4J's fast gemm. They are
 * views into the net's flat parameter and gradient vectors (see {@link Mlp#parameters()}), so that the optimizer can
 * update all of them with one op instead of one op per array: each ND4J call costs ~8 us of overhead, which is most of
 * a small net's epoch.
 */
public final class Linear {
    private final String name;
    private final INDArray weight;
    private final INDArray bias;
    private final INDArray weightGrad;
    private final INDArray biasGrad;
    /**
     * {@code [W b]} [out, in + 1]: weight and bias are stored one after the other, and an 'f'-ordered [out, in]
     * matrix followed by an [out] vector is exactly an 'f'-ordered [out, in + 1] matrix whose last column is the bias.
     */
    private final INDArray weightAndBias;
    /** {@code [weightGrad biasGrad]}, the same way. */
    private final INDArray gradWithBias;

    /**
     * A layer whose weight and bias live at {@code offset} in the flat vector {@code parameters} (weight [out, in]
     * 'f'-ordered, then bias [out]; {@link #size} elements in all) and whose gradients live at the same offset in
     * {@code gradients}. Its values are those vectors' (zeros when new); see {@link TorchInit} for PyTorch's.
     */
    Linear(String name, int in, int out, INDArray parameters, INDArray gradients, long offset) {
        this.name = name;
        weight = matrixAt(parameters, offset, out, in);
        bias = vectorAt(parameters, offset + (long) out * in, out);
        weightGrad = matrixAt(gradients, offset, out, in);
        biasGrad = vectorAt(gradients, offset + (long) out * in, out);
        weightAndBias = matrixAt(parameters, offset, out, in + 1);
        gradWithBias = matrixAt(gradients, offset, out, in + 1);
    }

    /** Elements of a Linear(in, out): weight and bias. */
    static long size(int in, int out) {
        return (long) out * in + out;
    }

    private static INDArray matrixAt(INDArray flat, long offset, int rows, int columns) {
        return Nd4j.create(flat.data(), new long[] {rows, columns}, new long[] {1, rows}, offset, 'f');
    }

    private static INDArray vectorAt(INDArray flat, long offset, int length) {
        return Nd4j.create(flat.data(), new long[] {length}, new long[] {1}, offset, 'f');
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
        Blas.gemm(x, false, weight, true, z);
        z.addiRowVector(bias);
    }

    /**
     * {@code z = x W^T + b} for a batch given as {@code xOnes = [x 1]} [n, in + 1] (x with a column of ones appended):
     * {@code [x 1] [W b]^T = x W^T + b}, so the bias add rides along in the gemm instead of costing an op of its own.
     */
    public void forwardWithOnes(INDArray xOnes, INDArray z) {
        Blas.gemm(xOnes, false, weightAndBias, true, z);
    }

    /**
     * Given the loss gradient dz [n, out] of this layer's output and its input as {@code xOnes = [x 1]}: sets
     * {@code [weightGrad biasGrad] = dz^T [x 1]} in one gemm (the bias gradient, dz's column sums, is the product with
     * the ones column) and, unless {@code dx} is null, {@code dx = dz W} (the gradient passed on to the layer below).
     */
    public void backwardWithOnes(INDArray xOnes, INDArray dz, INDArray dx) {
        Blas.gemm(dz, true, xOnes, false, gradWithBias);
        if (dx != null) Blas.gemm(dz, false, weight, false, dx);
    }

    /** PyTorch's way of printing the layer, with its name: {@code hidden = Linear(in_features=2, out_features=264)}. */
    @Override
    public String toString() {
        return name + " = Linear(in_features=" + in() + ", out_features=" + out() + ")";
    }
}
