package nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code torch.optim.SGD(params, lr, momentum)} with PyTorch's semantics (dampening 0, no Nesterov, no weight decay):
 * on the first step {@code buf = grad}, afterwards {@code buf = momentum * buf + grad}; then {@code p -= lr * buf}.
 * The update is element-wise, so it runs on the net's flat parameter and gradient vectors: two ND4J ops per step
 * whatever the number of layers (per-op overhead, not arithmetic, is what a small net's update costs).
 */
public final class Sgd {
    private final double lr;
    private final double momentum;
    private final INDArray params;
    private final INDArray grads;
    /** PyTorch's momentum_buffer, for all parameters at once. */
    private final INDArray velocity;
    private final Axpy momentumUpdate;
    private final Axpy parameterUpdate;
    private boolean first = true;

    public Sgd(Mlp net, double lr, double momentum) {
        if (!(lr > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("need lr > 0 and momentum in [0, 1), got lr " + lr + ", momentum " + momentum);
        }
        this.lr = lr;
        this.momentum = momentum;
        params = net.parameters();
        grads = net.gradients();
        velocity = momentum == 0 ? grads : Nd4j.create(params.dataType(), params.shape(), 'f');
        // built once and re-executed: a new op object per step is garbage the training loop need not make
        momentumUpdate = new Axpy(velocity, grads, velocity, momentum);   // buf = m * buf + g
        parameterUpdate = new Axpy(velocity, params, params, -lr);        // p = -lr * buf + p
    }

    public double lr() { return lr; }
    public double momentum() { return momentum; }

    /** One update from the gradients the last backward pass left in the layers. */
    public void step() {
        if (momentum != 0) {
            if (first) velocity.assign(grads);
            else Nd4j.getExecutioner().exec(momentumUpdate);
        }
        Nd4j.getExecutioner().exec(parameterUpdate);
        first = false;
    }

    @Override
    public String toString() {
        return "Sgd[lr " + lr + ", momentum " + momentum + ", " + params.length() + " parameters" + (first ? ", no step yet" : "") + "]";
    }
}
