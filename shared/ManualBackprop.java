import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Backpropagation by hand for x -> Linear -> ReLU -> Linear -> softmax -> cross-entropy (mean over the batch),
 * derived in scripts/backprop.md. Batch form: the n samples are the rows of X [n, 2], so with PyTorch's (out, in)
 * weights the layers are A1 = X W1^T + 1 b1^T and A2 = H1 W2^T + 1 b2^T.
 *
 * <p>An instance is the workspace of one data set (full-batch gradient descent): every intermediate has a buffer
 * allocated once, and each call overwrites them with gemm into existing outputs and in-place ops (biases are
 * broadcast and summed by rank-1 gemm with a column of ones, cheaper in ND4J than broadcast and reduce ops), so a
 * training step allocates no new arrays (off-heap memory stays flat). The static {@link #forward(INDArray, INDArray,
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
    private final int[] labels;
    private final int n;
    private final Forward forward;
    private double loss = Double.NaN;
    // a column of n ones: 1 b^T broadcasts a bias over the batch, G^T 1 sums a gradient over it (both one gemm)
    private final INDArray ones;
    private final INDArray oneHotOverN;
    // backward buffers: G2 = dL/dA2 [n, 2]; G1 = dL/dA1 [n, H] (first dL/dH1, then masked in place); 1[A1 > 0]
    private final INDArray g2;
    private final INDArray g1;
    private final INDArray reluSlope;
    // the logits and probabilities as java.nio views of ND4J's memory: element reads through DataBuffer cost ~10x more
    private final java.nio.Buffer logitsNio;
    private final java.nio.Buffer probsNio;

    /**
     * A workspace for inputs {@code x} [n, 2] and class indices {@code labels} (null: forward only), for a net of
     * {@code hidden} units; the data type is x's.
     */
    public ManualBackprop(INDArray x, int[] labels, int hidden) {
        if (x.rank() != 2 || x.columns() != TwoLayerNet.INPUTS) throw new IllegalArgumentException("x must be [n, 2]");
        this.x = x.ordering() == 'f' ? x : x.dup('f');
        this.n = (int) x.rows();
        DataType type = x.dataType();
        long k = TwoLayerNet.CLASSES;
        forward = new Forward(matrix(type, n, hidden), matrix(type, n, hidden), matrix(type, n, k), matrix(type, n, k));
        ones = Nd4j.ones(type, n, 1).dup('f');
        if (labels != null && labels.length != n) throw new IllegalArgumentException(labels.length + " labels for " + n + " rows");
        this.labels = labels;
        oneHotOverN = labels == null ? null : oneHot(labels, type).divi(n);
        g2 = matrix(type, n, k);
        g1 = matrix(type, n, hidden);
        reluSlope = matrix(type, n, hidden);
        logitsNio = type == DataType.DOUBLE ? forward.a2.data().asNioDouble() : forward.a2.data().asNioFloat();
        probsNio = type == DataType.DOUBLE ? forward.p.data().asNioDouble() : forward.p.data().asNioFloat();
    }

    private static double get(java.nio.Buffer b, int i) {
        return b instanceof java.nio.FloatBuffer f ? f.get(i) : ((java.nio.DoubleBuffer) b).get(i);
    }

    private static void put(java.nio.Buffer b, int i, double v) {
        if (b instanceof java.nio.FloatBuffer f) f.put(i, (float) v);
        else ((java.nio.DoubleBuffer) b).put(i, v);
    }

    /** The same, with the labels given one-hot ([n, 2], one 1 per row). */
    public ManualBackprop(INDArray x, INDArray oneHot, int hidden) {
        this(x, labelsOf(oneHot), hidden);
    }

    private static int[] labelsOf(INDArray oneHot) {
        if (oneHot == null) return null;
        int[] labels = new int[(int) oneHot.rows()];
        for (int i = 0; i < labels.length; i++) labels[i] = oneHot.getDouble(i, 1) > oneHot.getDouble(i, 0) ? 1 : 0;
        return labels;
    }

    /** e_y for every row: [n, 2], 1 in column y_i. */
    static INDArray oneHot(int[] labels, DataType type) {
        INDArray e = matrix(type, labels.length, TwoLayerNet.CLASSES);
        for (int i = 0; i < labels.length; i++) e.putScalar(i, labels[i], 1.0);
        return e;
    }

    private static INDArray matrix(DataType type, long rows, long columns) {
        return Nd4j.create(type, new long[] {rows, columns}, 'f');
    }

    public int size() {
        return n;
    }

    /**
     * a1 = W1 x + b1, h1 = ReLU(a1), a2 = W2 h1 + b2, p = softmax(a2), for every row x of X at once; with labels,
     * also the loss (see {@link #loss()}). Returns this workspace's buffers (overwritten by the next call).
     */
    public Forward forward(TwoLayerNet net) {
        Nd4j.gemm(ones, net.b1Row, forward.a1, false, false, 1.0, 0.0);      // A1 = 1 b1^T
        Nd4j.gemm(x, net.W1, forward.a1, false, true, 1.0, 1.0);            //    + X W1^T
        Nd4j.exec(new RectifiedLinear(forward.a1, forward.h1));            // H1 = max(A1, 0)
        Nd4j.gemm(ones, net.b2Row, forward.a2, false, false, 1.0, 0.0);      // A2 = 1 b2^T
        Nd4j.gemm(forward.h1, net.W2, forward.a2, false, true, 1.0, 1.0);   //    + H1 W2^T
        softmaxAndLoss();
        return forward;
    }

    /**
     * P = softmax(A2) row by row, and L = -(1/n) sum_i log p_{i,y_i}, both numerically stable: with m = max_k a_k,
     * softmax(a) = exp(a - m) / sum_k exp(a_k - m) (every exponent <= 0, nothing overflows) and
     * log p_y = a_y - (m + log sum_k exp(a_k - m)), the log-sum-exp, finite even where p_y underflows to 0.
     * A loop over the n x 2 logits: cheaper than five ND4J ops, and ND4J's own log_softmax is not stable
     * (it returns -inf for logits [1000, 0]; see the tests). Sums run in double, as the row count can be large.
     */
    private void softmaxAndLoss() {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double z0 = get(logitsNio, i), z1 = get(logitsNio, n + i); // 'f' order: element (i, k) at i + k n
            double m = Math.max(z0, z1);
            double e0 = Math.exp(z0 - m), e1 = Math.exp(z1 - m), sum = e0 + e1;
            put(probsNio, i, e0 / sum);
            put(probsNio, n + i, e1 / sum);
            if (labels != null) total += Math.log(sum) - ((labels[i] == 0 ? z0 : z1) - m); // z_y - m first: exact
        }
        loss = total / n;
    }

    /** The mean cross-entropy of the last {@link #forward}, computed from the logits (see {@link #softmaxAndLoss}). */
    public double loss() {
        if (labels == null) throw new IllegalStateException("this workspace has no labels");
        return loss;
    }

    /** How many rows the last {@link #forward} classified as {@code labels} says (argmax; ties go to class 0, as torch). */
    public int correct(int[] labels) {
        int right = 0;
        for (int i = 0; i < n; i++) {
            int predicted = get(logitsNio, n + i) > get(logitsNio, i) ? 1 : 0;
            if (predicted == labels[i]) right++;
        }
        return right;
    }

    /**
     * The gradients of {@link #loss} at the last {@link #forward} into {@code grads} (same layout as the net):
     * G2 = (P - E) / n; dW2 = G2^T H1; db2 = G2^T 1; dH1 = G2 W2; G1 = dH1 * 1[A1 > 0]; dW1 = G1^T X; db1 = G1^T 1.
     */
    public void backward(TwoLayerNet net, TwoLayerNet grads) {
        if (labels == null) throw new IllegalStateException("this workspace has no labels");
        forward.p.mul(1.0 / n, g2);                                          // G2 = P/n
        g2.subi(oneHotOverN);                                                //    - E/n
        Nd4j.gemm(g2, forward.h1, grads.W2, true, false, 1.0, 0.0);          // dW2 = G2^T H1
        Nd4j.gemm(ones, g2, grads.b2Row, true, false, 1.0, 0.0);             // db2 = 1^T G2
        Nd4j.gemm(g2, net.W2, g1, false, false, 1.0, 0.0);                   // dH1 = G2 W2
        Nd4j.exec(new Step(forward.a1, reluSlope, 0.0));                     // ReLU'(A1) = 1[A1 > 0], 0 at 0 as torch
        g1.muli(reluSlope);                                                  // G1 = dH1 * ReLU'(A1)
        Nd4j.gemm(g1, x, grads.W1, true, false, 1.0, 0.0);                   // dW1 = G1^T X
        Nd4j.gemm(ones, g1, grads.b1Row, true, false, 1.0, 0.0);             // db1 = 1^T G1
    }

    /** One step of plain gradient descent, theta <- theta - lr * grad, in place (a BLAS axpy per parameter). */
    public static void step(TwoLayerNet net, TwoLayerNet grads, double lr) {
        INDArray[] params = net.storage();
        INDArray[] slopes = grads.storage();
        for (int k = 0; k < params.length; k++) Nd4j.getBlasWrapper().level1().axpy(params[k].length(), -lr, slopes[k], params[k]);
    }

    /**
     * Runs ND4J's ops (OpenMP) and BLAS on one thread. These matrices are tiny: handing work to a second thread costs
     * more than it saves, and idle OpenMP workers spin, which on a shared machine slows a step ~10x. (pytorch_reference.py
     * also times PyTorch with one thread.)
     */
    public static void useOneThread() {
        Nd4j.create(1); // loads the backend, so the native ops below exist
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
    }

    /** The forward pass of one batch with the given weights (allocating; W1 [H, 2], b1 [H], W2 [2, H], b2 [2]). */
    public static Forward forward(INDArray x, INDArray W1, INDArray b1, INDArray W2, INDArray b2) {
        var net = TwoLayerNet.of(W1, b1, W2, b2, x.dataType());
        return new ManualBackprop(x, (int[]) null, net.hidden).forward(net);
    }

    /** dL/dW1, db1, dW2, db2 of the mean cross-entropy on ({@code x}, {@code labels}) at {@code net} (allocating). */
    public static TwoLayerNet gradients(TwoLayerNet net, INDArray x, int[] labels) {
        var work = new ManualBackprop(x.castTo(net.dataType()), labels, net.hidden);
        var grads = TwoLayerNet.zeros(net.hidden, net.dataType());
        work.forward(net);
        work.backward(net, grads);
        return grads;
    }

    /** The loss of the mean cross-entropy on ({@code x}, {@code labels}) at {@code net} (allocating). */
    public static double loss(TwoLayerNet net, INDArray x, int[] labels) {
        var work = new ManualBackprop(x.castTo(net.dataType()), labels, net.hidden);
        work.forward(net);
        return work.loss();
    }
}
