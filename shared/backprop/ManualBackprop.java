package backprop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Backpropagation by hand for x -> Linear -> ReLU -> Linear -> softmax -> cross-entropy (mean over the batch), one line
 * per formula of scripts/backprop.md and named as it names them. The n samples are the rows of X [n, 2] and E [n, 2]
 * holds their one-hot labels (row i = e_{y_i}); the weights are PyTorch's (out, in), so a layer is A = X W^T + 1 b^T.
 */
public final class ManualBackprop {
    private ManualBackprop() {}

    /** What the forward pass keeps for the backward pass: the layers' values, {@code a2} the logits, {@code p} the softmax. */
    public record Forward(INDArray a1, INDArray h1, INDArray a2, INDArray p) {
        /** The fraction of rows whose larger logit is their label's (argmax; ties go to class 0, as torch.argmax). */
        public double accuracy(int[] labels) {
            long[] predicted = a2.argMax(1).toLongVector();
            return (double) IntStream.range(0, labels.length).filter(i -> predicted[i] == labels[i]).count() / labels.length;
        }

        @Override
        public String toString() {
            return "Forward[a1 " + shape(a1) + ", h1 " + shape(h1) + ", a2 " + shape(a2) + ", p " + shape(p) + "]";
        }
    }

    /** dL/dW1, dL/db1, dL/dW2, dL/db2: the shapes of W1, b1, W2, b2. */
    public record Gradients(INDArray dW1, INDArray db1, INDArray dW2, INDArray db2) {
        /** The gradients by their parameter's key (W1, b1, W2, b2), e.g. to write them as an .npz. */
        public Map<String, INDArray> toMap() {
            var map = new LinkedHashMap<String, INDArray>();
            map.put("W1", dW1);
            map.put("b1", db1);
            map.put("W2", dW2);
            map.put("b2", db2);
            return map;
        }

        /** The same gradients in {@code type} (e.g. float32 to write them as PyTorch would). */
        public Gradients castTo(DataType type) {
            return new Gradients(dW1.castTo(type), db1.castTo(type), dW2.castTo(type), db2.castTo(type));
        }

        @Override
        public String toString() {
            return "Gradients[dW1 " + shape(dW1) + ", db1 " + shape(db1) + ", dW2 " + shape(dW2) + ", db2 " + shape(db2) + "]";
        }
    }

    /** Section 1: the forward pass of every row of X at once. */
    public static Forward forward(INDArray X, INDArray W1, INDArray b1, INDArray W2, INDArray b2) {
        INDArray a1 = X.mmul(W1.transpose()).addiRowVector(b1);         // A1 = X W1^T + 1 b1^T
        INDArray h1 = Transforms.relu(a1, true);                        // H1 = max(A1, 0)
        INDArray a2 = h1.mmul(W2.transpose()).addiRowVector(b2);        // A2 = H1 W2^T + 1 b2^T
        INDArray p = Transforms.softmax(a2, true);                      // P = softmax(A2), row by row
        return new Forward(a1, h1, a2, p);
    }

    public static Forward forward(INDArray X, TwoLayerNet net) {
        return forward(X, net.W1(), net.b1(), net.W2(), net.b2());
    }

    /**
     * The mean cross-entropy from the logits, stable (log-sum-exp): with m the row's largest logit no exponent is above
     * 0, and log p_y stays finite where p_y underflows to 0 (logits (1000, 0) with y = 1 give exactly 1000).
     */
    public static double loss(INDArray a2, INDArray E) {
        INDArray m = a2.max(1);                                         // m_i = max_k A2_ik
        INDArray shifted = a2.subColumnVector(m);                       // A2_ik - m_i <= 0
        INDArray lse = Transforms.log(Transforms.exp(shifted).sum(1));  // LSE(a2_i) - m_i = log sum_k e^(A2_ik - m_i)
        INDArray logPy = shifted.mul(E).sum(1).subi(lse);               // log p_{i,y_i} = a2_{i,y_i} - LSE(a2_i)
        return -logPy.meanNumber().doubleValue();                       // L = -(1/n) sum_i log p_{i,y_i}
    }

    /** Section 3: the gradients of {@link #loss} at the pass {@code f}, which ran X through a net with weights W2. */
    public static Gradients backward(INDArray X, INDArray E, Forward f, INDArray W2) {
        long n = X.rows();
        INDArray G2 = f.p().sub(E).divi(n);                             // G2 = (P - E) / n
        INDArray dW2 = G2.transpose().mmul(f.h1());                     // dW2 = G2^T H1
        INDArray db2 = G2.sum(0);                                       // db2 = G2^T 1
        INDArray dH1 = G2.mmul(W2);                                     // dH1 = G2 W2
        INDArray G1 = dH1.mul(Transforms.step(f.a1()));                 // G1 = dH1 * 1[A1 > 0]
        INDArray dW1 = G1.transpose().mmul(X);                          // dW1 = G1^T X
        INDArray db1 = G1.sum(0);                                       // db1 = G1^T 1
        return new Gradients(dW1, db1, dW2, db2);
    }

    /** Section 4: one step of gradient descent, theta <- theta - lr dL/dtheta, in place. */
    public static void step(TwoLayerNet net, Gradients g, double lr) {
        net.W1().subi(g.dW1().mul(lr));                                 // W1 <- W1 - lr dW1
        net.b1().subi(g.db1().mul(lr));                                 // b1 <- b1 - lr db1
        net.W2().subi(g.dW2().mul(lr));                                 // W2 <- W2 - lr dW2
        net.b2().subi(g.db2().mul(lr));                                 // b2 <- b2 - lr db2
    }

    /** One training step's memory: sized by the first step, grown when a step needs more, then reused. */
    private static final WorkspaceConfiguration ONE_STEP = WorkspaceConfiguration.builder().policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.STRICT).policySpill(SpillPolicy.REALLOCATE).build();

    /**
     * The memory of one training step, opened with try-with-resources: the arrays made until it closes live in one ND4J
     * workspace, which the next step reuses, so memory stays flat however many steps run (arrays made inside are not
     * valid after it closes). Without it each step's arrays wait for the garbage collector.
     */
    public static MemoryWorkspace stepMemory() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(ONE_STEP, "ManualBackprop step");
    }

    static String shape(INDArray a) {
        return java.util.Arrays.toString(a.shape());
    }
}
