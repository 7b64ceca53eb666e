import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.reduce.same.Max;
import org.nd4j.linalg.api.ops.impl.reduce.same.Sum;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Log;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Backpropagation by hand for x -> Linear -> ReLU -> Linear -> softmax -> cross-entropy (mean over the batch),
 * derived in scripts/backprop.md. Batch form: the n samples are the rows of X [n, 2], so with PyTorch's (out, in)
 * weights the layers are A1 = X W1^T + 1 b1^T and A2 = H1 W2^T + 1 b2^T.
 *
 * <p>An instance is the workspace of one data set (full-batch gradient descent): every intermediate has a buffer
 * allocated once, and each call overwrites them with gemm into existing outputs and in-place ops, so a training
 * step allocates no new arrays (off-heap memory stays flat). The static {@link #forward(INDArray, INDArray,
 * INDArray, INDArray, INDArray)} and {@link #gradients} are allocating conveniences for one-off use.
 */
public final class ManualBackprop {
    /** What the forward pass keeps for the backward pass; {@code a2} are the logits, {@code p} the softmax. */
    public record Forward(INDArray a1, INDArray h1, INDArray a2, INDArray p) {
        public INDArray logits() {
            return a2;
        }
    }

    private final INDArray x;
    private final INDArray oneHot;
    private final int n;
    private final Forward forward;
    // softmax / cross-entropy buffers: a2 - rowmax, the row max, and log sum_k exp(a2 - rowmax)
    private final INDArray shifted;
    private final INDArray rowMax;
    private final INDArray logSumExp;
    // the one-hot labels and shifted logits seen as flat [2n] vectors (views), so the picked logits are one BLAS dot
    private final INDArray oneHotFlat;
    private final INDArray shiftedFlat;
    private final INDArray onesN;
    private final INDArray oneHotOverN;
    // backward buffers: G2 = dL/dA2 [n, 2] and G1 = dL/dA1 [n, H] (first holding dL/dH1, then masked in place)
    private final INDArray g2;
    private final INDArray g1;

    /**
     * A workspace for inputs {@code x} [n, 2] and one-hot labels {@code oneHot} [n, 2] (null: forward only),
     * for a net of {@code hidden} units; the data type is x's.
     */
    public ManualBackprop(INDArray x, INDArray oneHot, int hidden) {
        if (x.rank() != 2 || x.columns() != TwoLayerNet.INPUTS) throw new IllegalArgumentException("x must be [n, 2]");
        this.x = x.ordering() == 'f' ? x : x.dup('f');
        this.n = (int) x.rows();
        DataType type = x.dataType();
        long k = TwoLayerNet.CLASSES;
        forward = new Forward(matrix(type, n, hidden), matrix(type, n, hidden), matrix(type, n, k), matrix(type, n, k));
        shifted = matrix(type, n, k);
        rowMax = Nd4j.create(type, n);
        logSumExp = Nd4j.create(type, n);
        shiftedFlat = shifted.reshape('f', new long[] {n * k});
        onesN = Nd4j.ones(type, n);
        if (oneHot != null) {
            if (oneHot.rows() != n || oneHot.columns() != k) throw new IllegalArgumentException("oneHot must be [n, 2]");
            this.oneHot = oneHot.castTo(type).dup('f');
            oneHotFlat = this.oneHot.reshape('f', new long[] {n * k});
            oneHotOverN = this.oneHot.div(n).dup('f');
        } else {
            this.oneHot = null;
            oneHotFlat = null;
            oneHotOverN = null;
        }
        g2 = matrix(type, n, k);
        g1 = matrix(type, n, hidden);
    }

    private static INDArray matrix(DataType type, long rows, long columns) {
        return Nd4j.create(type, new long[] {rows, columns}, 'f');
    }

    public int size() {
        return n;
    }

    /**
     * a1 = W1 x + b1, h1 = ReLU(a1), a2 = W2 h1 + b2, p = softmax(a2), for every row x of X at once.
     * Returns this workspace's buffers (overwritten by the next call).
     */
    public Forward forward(TwoLayerNet net) {
        Nd4j.gemm(x, net.W1, forward.a1, false, true, 1.0, 0.0);
        forward.a1.addiRowVector(net.b1);
        Nd4j.exec(new RectifiedLinear(forward.a1, forward.h1));
        Nd4j.gemm(forward.h1, net.W2, forward.a2, false, true, 1.0, 0.0);
        forward.a2.addiRowVector(net.b2);
        softmax(forward.a2, forward.p);
        return forward;
    }

    /**
     * The numerically stable softmax: subtracting the row max m changes nothing mathematically
     * (exp(a - m) / sum exp(a - m) = exp(a) / sum exp(a)) but keeps every exponent <= 0, so nothing overflows, and
     * log sum_k exp(a_k) = m + log sum_k exp(a_k - m) is kept for the loss. (ND4J's own log_softmax returns -inf for
     * logits [1000, 0]; see the tests.)
     */
    private void softmax(INDArray a2, INDArray p) {
        Nd4j.exec(new Max(a2, rowMax, 1));
        Nd4j.exec(new BroadcastSubOp(a2, rowMax, shifted, 0));
        Nd4j.exec(new Exp(shifted, p));
        Nd4j.exec(new Sum(p, logSumExp, 1));
        Nd4j.exec(new BroadcastDivOp(p, logSumExp, p, 0));
        Nd4j.exec(new Log(logSumExp, logSumExp));
    }

    /**
     * L = -(1/n) sum_i log p_{i, y_i} of the last {@link #forward}, computed from the logits, never from p:
     * log p_{i,y} = (a_{i,y} - m_i) - log sum_k exp(a_{i,k} - m_i), finite even where p_{i,y} underflows to 0.
     */
    public double loss() {
        if (oneHot == null) throw new IllegalStateException("this workspace has no labels");
        double picked = Nd4j.getBlasWrapper().dot(oneHotFlat, shiftedFlat);
        double normalizers = Nd4j.getBlasWrapper().dot(logSumExp, onesN);
        return -(picked - normalizers) / n;
    }

    /** How many rows the last {@link #forward} classified as {@code labels} says (argmax; ties go to class 0, as torch). */
    public int correct(int[] labels) {
        var logits = forward.a2.data();
        int right = 0;
        for (int i = 0; i < n; i++) {
            int predicted = logits.getDouble(n + i) > logits.getDouble(i) ? 1 : 0; // 'f' order: (i, j) at i + j n
            if (predicted == labels[i]) right++;
        }
        return right;
    }

    /**
     * The gradients of {@link #loss} at the last {@link #forward} into {@code grads} (same layout as the net):
     * G2 = (P - E) / n; dW2 = G2^T H1; db2 = sum_i G2; dH1 = G2 W2; G1 = dH1 * 1[A1 > 0]; dW1 = G1^T X; db1 = sum_i G1.
     */
    public void backward(TwoLayerNet net, TwoLayerNet grads) {
        if (oneHot == null) throw new IllegalStateException("this workspace has no labels");
        forward.p.mul(1.0 / n, g2);
        g2.subi(oneHotOverN);
        Nd4j.gemm(g2, forward.h1, grads.W2, true, false, 1.0, 0.0);
        Nd4j.exec(new Sum(g2, grads.b2, 0));
        Nd4j.gemm(g2, net.W2, g1, false, false, 1.0, 0.0);
        // ReLU'(a) = 1 if a > 0 else 0 (0 at the kink, as PyTorch): relu_bp passes the gradient where a1 > 0
        Nd4j.exec(new RectifiedLinearDerivative(forward.a1, g1, g1));
        Nd4j.gemm(g1, x, grads.W1, true, false, 1.0, 0.0);
        Nd4j.exec(new Sum(g1, grads.b1, 0));
    }

    /** One step of plain gradient descent, theta <- theta - lr * grad, for all four parameters in one BLAS axpy. */
    public static void step(TwoLayerNet net, TwoLayerNet grads, double lr) {
        Nd4j.getBlasWrapper().axpy(-lr, grads.flat, net.flat);
    }

    /** The forward pass of one batch with the given weights (allocating; W1 [H, 2], b1 [H], W2 [2, H], b2 [2]). */
    public static Forward forward(INDArray x, INDArray W1, INDArray b1, INDArray W2, INDArray b2) {
        var net = TwoLayerNet.of(W1, b1, W2, b2, x.dataType());
        return new ManualBackprop(x, null, net.hidden).forward(net);
    }

    /** dL/dW1, db1, dW2, db2 of the mean cross-entropy on ({@code x}, {@code oneHot}) at {@code net} (allocating). */
    public static TwoLayerNet gradients(TwoLayerNet net, INDArray x, INDArray oneHot) {
        var work = new ManualBackprop(x.castTo(net.dataType()), oneHot, net.hidden);
        var grads = TwoLayerNet.zeros(net.hidden, net.dataType());
        work.forward(net);
        work.backward(net, grads);
        return grads;
    }

    /** The loss of the mean cross-entropy on ({@code x}, {@code oneHot}) at {@code net} (allocating). */
    public static double loss(TwoLayerNet net, INDArray x, INDArray oneHot) {
        var work = new ManualBackprop(x.castTo(net.dataType()), oneHot, net.hidden);
        work.forward(net);
        return work.loss();
    }
}
