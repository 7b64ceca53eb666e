import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code torch.optim.SGD(params, lr, momentum)} with PyTorch's semantics (dampening 0, no Nesterov, no weight decay):
 * on the first step {@code buf = grad}, afterwards {@code buf = momentum * buf + grad}; then {@code p -= lr * buf}.
 */
public final class Sgd {
    private final double lr;
    private final double momentum;
    private final List<INDArray> params = new ArrayList<>();
    private final List<INDArray> grads = new ArrayList<>();
    private final List<INDArray> buffers = new ArrayList<>();
    private boolean first = true;

    public Sgd(Mlp net, double lr, double momentum) {
        if (!(lr > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("need lr > 0 and momentum in [0, 1), got lr " + lr + ", momentum " + momentum);
        }
        this.lr = lr;
        this.momentum = momentum;
        for (Linear layer : net.layers()) {
            params.add(layer.weight());
            grads.add(layer.weightGrad());
            params.add(layer.bias());
            grads.add(layer.biasGrad());
        }
        for (INDArray p : params) buffers.add(Nd4j.create(p.dataType(), p.shape(), 'f'));
    }

    public double lr() { return lr; }
    public double momentum() { return momentum; }

    /** One update from the gradients the last backward pass left in the layers. */
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            INDArray velocity = grads.get(i);
            if (momentum != 0) {
                velocity = buffers.get(i);
                if (first) velocity.assign(grads.get(i));
                else Nd4j.getExecutioner().exec(new Axpy(velocity, grads.get(i), velocity, momentum));   // buf = m * buf + g
            }
            INDArray p = params.get(i);
            Nd4j.getExecutioner().exec(new Axpy(velocity, p, p, -lr));   // p = -lr * velocity + p
        }
        first = false;
    }
}
