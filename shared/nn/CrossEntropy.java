package nn;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean cross-entropy of logits against class labels, as {@code F.cross_entropy} computes it: the log-softmax is
 * taken stably (log-sum-exp after subtracting the row maximum). The logits are a small [n, classes] 'f'-ordered
 * array, so a plain loop over its buffer is both the clearest and the cheapest way (no ND4J op, no allocation).
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * Returns the mean loss; unless {@code dLogits} is null, writes into it the gradient of the mean loss,
     * {@code (softmax(logits) - onehot(labels)) / n}. Both arrays are [n, classes] and 'f'-ordered.
     */
    public static double lossAndGradient(INDArray logits, int[] labels, INDArray dLogits) {
        int n = checkLayout(logits, labels);
        if (dLogits != null) checkLayout(dLogits, labels);
        int classes = (int) logits.size(1);
        DataBuffer z = logits.data();
        DataBuffer dz = dLogits == null ? null : dLogits.data();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, z.getDouble(i + (long) c * n));
            double sumExp = 0;
            for (int c = 0; c < classes; c++) sumExp += Math.exp(z.getDouble(i + (long) c * n) - max);
            double logSumExp = max + Math.log(sumExp);
            total += logSumExp - z.getDouble(i + (long) labels[i] * n);
            if (dz != null) {
                for (int c = 0; c < classes; c++) {
                    double p = Math.exp(z.getDouble(i + (long) c * n) - logSumExp);
                    dz.put(i + (long) c * n, (p - (c == labels[i] ? 1 : 0)) / n);
                }
            }
        }
        return total / n;
    }

    /** The fraction of rows whose largest logit is the label (ties go to the lower class, like torch.argmax). */
    public static double accuracy(INDArray logits, int[] labels) {
        int n = checkLayout(logits, labels);
        int classes = (int) logits.size(1);
        DataBuffer z = logits.data();
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (z.getDouble(i + (long) c * n) > z.getDouble(i + (long) best * n)) best = c;
            }
            if (best == labels[i]) correct++;
        }
        return (double) correct / n;
    }

    /** The loops index the buffer as element (i, c) at i + c*n, which needs a whole 'f'-ordered matrix. */
    private static int checkLayout(INDArray a, int[] labels) {
        if (a.rank() != 2 || a.ordering() != 'f' || a.isView() || a.size(0) != labels.length) {
            throw new IllegalArgumentException("expected an 'f'-ordered [" + labels.length + ", classes] array, got "
                    + a.ordering() + " " + java.util.Arrays.toString(a.shape()) + (a.isView() ? " view" : ""));
        }
        return labels.length;
    }
}
