package backprop;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import speed.Nd4jSetup;

/**
 * Backpropagation by hand for x -> Linear -> ReLU -> Linear -> softmax -> cross-entropy (mean over the batch),
 * derived in scripts/backprop.md. Batch form: the n samples are the rows of X [n, 2], so with PyTorch's (out, in)
 * weights the layers are A1 = X W1^T + 1 b1^T and A2 = H1 W2^T + 1 b2^T. Each bias rides along as one more weight
 * column of its layer ([W1 b1], see TwoLayerNet) against a column of ones appended to the layer's input, so
 * A1 = [X 1] [W1 b1]^T is one matrix product, and [dW1 db1] = G1^T [X 1] gives both gradients at once.
 *
 * <p>An instance is the workspace of one data set (full-batch gradient descent): every intermediate has a buffer
 * allocated once, and each pass is a fixed list of ND4J ops bound once to those buffers and the net's arrays (see
 * {@link NativeOp}), so a training step allocates no arrays (off-heap memory stays flat) and pays no per-op setup.
 * The static {@link #forward(INDArray, INDArray, INDArray, INDArray, INDArray)} and {@link #gradients} are allocating
 * conveniences for one-off use.
 */
public final class ManualBackprop {
    /** What the forward pass keeps for the backward pass; {@code a2} are the logits, {@code p} the softmax. */
    public record Forward(INDArray a1, INDArray h1, INDArray a2, INDArray p) {
        public INDArray logits() {
            return a2;
        }
    }

    private static final int CLASSES = TwoLayerNet.CLASSES;
    private final int[] labels;
    private final int n;
    private final int hidden;
    private final Forward forward;
    private double loss = Double.NaN;
    // the layers' inputs with a column of ones appended: [X 1] [n, 3] and [H1 1] [n, H + 1] (forward.h1 is a view)
    private final INDArray xOnes;
    private final INDArray h1Ones;
    private final INDArray minusOneHotOverN;
    // backward buffers: G2 = dL/dA2 [n, 2]; G1 = dL/dA1 [n, H] (first dL/dH1, then masked in place); 1[A1 > 0]
    private final INDArray g2;
    private final INDArray g1;
    private final INDArray reluSlope;
    // the logits and probabilities as java.nio views of ND4J's memory: element reads through DataBuffer cost ~10x more
    private final java.nio.Buffer logitsNio;
    private final java.nio.Buffer probsNio;
    private final double[] exps = new double[CLASSES];
    // the passes' ops, bound to the net (and gradient buffers) they were built for; rebuilt when those change
    private List<Runnable> forwardOps = List.of();
    private List<Runnable> backwardOps = List.of();
    private TwoLayerNet forwardNet;
    private TwoLayerNet backwardNet;
    private TwoLayerNet backwardGrads;

    /**
     * A workspace for inputs {@code x} [n, 2] and class indices {@code labels} (null: forward only), for a net of
     * {@code hidden} units; the data type is x's.
     */
    public ManualBackprop(INDArray x, int[] labels, int hidden) {
        if (x.rank() != 2 || x.columns() != TwoLayerNet.INPUTS) throw new IllegalArgumentException("x must be [n, 2]");
        if (labels != null && labels.length != x.rows()) throw new IllegalArgumentException(labels.length + " labels for " + x.rows() + " rows");
        this.n = (int) x.rows();
        this.hidden = hidden;
        this.labels = labels;
        DataType type = x.dataType();
        xOnes = withOnesColumn(x);
        h1Ones = withOnesColumn(matrix(type, n, hidden));
        forward = new Forward(matrix(type, n, hidden), columns(h1Ones, hidden), matrix(type, n, CLASSES), matrix(type, n, CLASSES));
        minusOneHotOverN = labels == null ? null : oneHot(labels, type).divi(-n);
        g2 = matrix(type, n, CLASSES);
        g1 = matrix(type, n, hidden);
        reluSlope = matrix(type, n, hidden);
        logitsNio = type == DataType.DOUBLE ? forward.a2.data().asNioDouble() : forward.a2.data().asNioFloat();
        probsNio = type == DataType.DOUBLE ? forward.p.data().asNioDouble() : forward.p.data().asNioFloat();
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

    /** [m 1]: a copy of {@code m} [n, k] with a column of ones appended, [n, k + 1] in 'f' order. */
    private static INDArray withOnesColumn(INDArray m) {
        INDArray out = matrix(m.dataType(), m.rows(), m.columns() + 1);
        columns(out, m.columns()).assign(m);
        out.getColumn(m.columns()).assign(1);
        return out;
    }

    /** The first {@code k} columns of an 'f'-ordered matrix: a view, contiguous in memory. */
    private static INDArray columns(INDArray m, long k) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k));
    }

    /** A2[i, k] ('f' order: at i + k n). */
    private double logit(int i, int k) {
        return get(logitsNio, i + k * n);
    }

    private static double get(java.nio.Buffer b, int i) {
        return b instanceof java.nio.FloatBuffer f ? f.get(i) : ((java.nio.DoubleBuffer) b).get(i);
    }

    private static void put(java.nio.Buffer b, int i, double v) {
        if (b instanceof java.nio.FloatBuffer f) f.put(i, (float) v);
        else ((java.nio.DoubleBuffer) b).put(i, v);
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
        if (net != forwardNet) {
            forwardOps = forwardOps(net);
            forwardNet = net;
        }
        forwardOps.forEach(Runnable::run);
        softmaxAndLoss();
        return forward;
    }

    /** The forward pass's ops, bound to {@code net} and this workspace's buffers. */
    private List<Runnable> forwardOps(TwoLayerNet net) {
        requireShape(net);
        var ops = new ArrayList<Runnable>();
        ops.add(NativeOp.matmul(xOnes, false, net.W1b1, true, forward.a1));   // A1 = [X 1] [W1 b1]^T = X W1^T + 1 b1^T
        ops.add(NativeOp.of(DynamicCustomOp.builder("relu").addInputs(forward.a1).addOutputs(forward.h1)
                .addFloatingPointArguments(0.0).build()));                     // H1 = max(A1, 0)
        for (int k = 0; k < CLASSES; k++) {                                    // A2 = [H1 1] [W2 b2]^T, column k (class k)
            ops.add(NativeOp.matmul(h1Ones, false, net.W2b2.getRow(k), false, forward.a2.getColumn(k))); // = [H1 1] (w2_k, b2_k)
        }
        return ops;
    }

    private void requireShape(TwoLayerNet net) {
        if (net.hidden != hidden || net.dataType() != xOnes.dataType()) {
            throw new IllegalArgumentException("the net has H = " + net.hidden + " (" + net.dataType() + "), this workspace was made for H = "
                    + hidden + " (" + xOnes.dataType() + ")");
        }
    }

    /**
     * P = softmax(A2) row by row, and L = -(1/n) sum_i log p_{i,y_i}, both numerically stable: with m = max_k a_k,
     * softmax(a) = exp(a - m) / sum_k exp(a_k - m) (every exponent <= 0, nothing overflows) and
     * log p_y = a_y - (m + log sum_k exp(a_k - m)), the log-sum-exp, finite even where p_y underflows to 0.
     * A loop over the n x 2 logits: cheaper than the five ND4J ops it takes otherwise, and ND4J's own log_softmax is not
     * stable (it returns -inf for logits [1000, 0]; see the tests). Sums run in double, as the row count can be large.
     */
    private void softmaxAndLoss() {
        double total = 0;
        for (int i = 0; i < n; i++) {
            int top = 0;                                                     // m = a_top, the row's largest logit
            for (int k = 1; k < CLASSES; k++) if (logit(i, k) > logit(i, top)) top = k;
            double m = logit(i, top);
            double sum = 0;
            for (int k = 0; k < CLASSES; k++) sum += exps[k] = k == top ? 1 : Math.exp(logit(i, k) - m); // exp(0): 1
            for (int k = 0; k < CLASSES; k++) put(probsNio, i + k * n, exps[k] / sum);
            if (labels != null) total += Math.log(sum) - (logit(i, labels[i]) - m);  // a_y - m first: exact
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
            int predicted = 0;
            for (int k = 1; k < CLASSES; k++) if (logit(i, k) > logit(i, predicted)) predicted = k;
            if (predicted == labels[i]) right++;
        }
        return right;
    }

    /**
     * The gradients of {@link #loss} at the last {@link #forward} into {@code grads} (same layout as the net):
     * G2 = (P - E) / n; [dW2 db2] = G2^T [H1 1]; dH1 = G2 W2; G1 = dH1 * 1[A1 > 0]; [dW1 db1] = G1^T [X 1].
     */
    public void backward(TwoLayerNet net, TwoLayerNet grads) {
        if (labels == null) throw new IllegalStateException("this workspace has no labels");
        if (net != backwardNet || grads != backwardGrads) {
            backwardOps = backwardOps(net, grads);
            backwardNet = net;
            backwardGrads = grads;
        }
        backwardOps.forEach(Runnable::run);
    }

    /** The backward pass's ops, bound to {@code net}, {@code grads} and this workspace's buffers. */
    private List<Runnable> backwardOps(TwoLayerNet net, TwoLayerNet grads) {
        requireShape(net);
        requireShape(grads);
        var ops = new ArrayList<Runnable>();
        ops.add(NativeOp.of(DynamicCustomOp.builder("axpy").addInputs(minusOneHotOverN, forward.p).addOutputs(g2)
                .addFloatingPointArguments(1.0 / n).build()));                 // G2 = -E/n + (1/n) P  (axpy(x, y, a) = x + a y)
        for (int k = 0; k < CLASSES; k++) {                                    // [dW2 db2] = G2^T [H1 1], row k (class k)
            ops.add(NativeOp.matmul(h1Ones, true, g2.getColumn(k), false, grads.W2b2.getRow(k))); // = [H1 1]^T g2_k
        }
        ops.add(NativeOp.matmul(g2, false, net.W2, false, g1));                // dH1 = G2 W2
        var slope = new Step(forward.a1, reluSlope, 0.0);                      // ReLU'(A1) = 1[A1 > 0], 0 at 0 as torch
        ops.add(() -> Nd4j.getExecutioner().exec(slope));
        ops.add(NativeOp.of(new MulOp(g1, reluSlope, g1)));                    // G1 = dH1 * ReLU'(A1)
        for (int c = 0; c <= TwoLayerNet.INPUTS; c++) {                        // [dW1 db1] = G1^T [X 1], column c
            ops.add(NativeOp.matmul(g1, true, xOnes.getColumn(c), false, grads.W1b1.getColumn(c))); // = G1^T x_c
        }
        return ops;
    }

    /** One step of plain gradient descent, theta <- theta - lr * grad, in place (a BLAS axpy per layer). */
    public static void step(TwoLayerNet net, TwoLayerNet grads, double lr) {
        INDArray[] params = net.storage();
        INDArray[] slopes = grads.storage();
        for (int k = 0; k < params.length; k++) Nd4j.getBlasWrapper().level1().axpy(params[k].length(), -lr, slopes[k], params[k]);
    }

    /** Runs ND4J's ops and OpenBLAS on one thread: {@link Nd4jSetup#threads}(1) (kept for the scripts that call it). */
    public static void useOneThread() {
        Nd4jSetup.threads(1);
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

    /**
     * One libnd4j op bound to fixed arrays. Nd4j.gemm and Nd4j.exec build the op's native context (inputs, outputs,
     * arguments) on every call and throw it away: at these sizes that setup, 10-35 us and ~4 kB of garbage per call,
     * costs more than the arithmetic. A workspace's arrays never move, so each context is built once, and running the
     * op is one native call that allocates nothing.
     */
    private record NativeOp(CustomOp op, OpContext context) implements Runnable {
        private static final NativeOps NATIVE = NativeOpsHolder.getInstance().getDeviceNativeOps();

        static NativeOp of(CustomOp op) {
            OpContext context = Nd4j.getExecutioner().buildContext();
            context.setInputArrays(op.inputArguments());
            context.setOutputArrays(op.outputArguments());
            context.setIArguments(op.iArgs());
            context.setTArguments(op.tArgs());
            context.setBArguments(op.bArgs());
            context.setDArguments(op.dArgs());
            return new NativeOp(op, context);
        }

        /**
         * out = op(a) op(b), op a transpose or not. A vector b (rank 1) makes it a matrix-vector product, which
         * OpenBLAS does 3-7x faster than a matrix product with 2 or 3 columns: so the products with a thin side run one
         * column at a time.
         */
        static NativeOp matmul(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray out) {
            return of(new Mmul(a, b, out, 1.0, 0.0, MMulTranspose.builder().transposeA(transposeA).transposeB(transposeB).build()));
        }

        @Override
        public void run() {
            if (NATIVE.execCustomOp2(null, op.opHash(), context.contextPointer()) != 0) {
                throw new IllegalStateException("ND4J op " + op.opName() + " failed: " + NATIVE.lastErrorMessage());
            }
        }
    }
}
