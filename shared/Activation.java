import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hidden-layer nonlinearities. Both directions work in place on preallocated buffers, and the derivative is
 * expressed through the activation's OUTPUT (relu' = [y > 0], sigmoid' = y(1-y), tanh' = 1-y^2), so the forward
 * pass can overwrite its pre-activations.
 */
public enum Activation {
    RELU, SIGMOID, TANH;

    /** {@code x = f(x)}. */
    public void applyInPlace(INDArray x) {
        switch (this) {
            case RELU -> Nd4j.getExecutioner().exec(new RectifiedLinear(x, x));
            case SIGMOID -> Nd4j.getExecutioner().exec(new Sigmoid(x, x));
            case TANH -> Nd4j.getExecutioner().exec(new Tanh(x, x));
        }
    }

    /** {@code grad *= f'(x)} where {@code y = f(x)}; {@code scratch} has y's shape and is overwritten. */
    public void multiplyByDerivative(INDArray grad, INDArray y, INDArray scratch) {
        // Each ND4J call is a pass over the array plus ~8 us of overhead, so as few calls as the ops allow:
        // ND4J's fused derivative ops (relu_bp, sigmoid_bp) are custom ops, measured 5-10x slower than these.
        switch (this) {
            case RELU -> {
                Nd4j.getExecutioner().exec(new Step(y, scratch, 0.0));   // 1 where y > 0, else 0
                grad.muli(scratch);
            }
            case SIGMOID -> grad.muli(y.rsub(1, scratch)).muli(y);       // y (1 - y)
            case TANH -> grad.muli(y.mul(y, scratch).rsubi(1));          // 1 - y^2
        }
    }

    /** Parses {@code relu|sigmoid|tanh} (any case); anything else is a one-line error naming {@code option}. */
    public static Activation parse(String name, String option) {
        for (Activation a : values()) {
            if (a.name().equalsIgnoreCase(name)) return a;
        }
        throw new BadInputException(option + " must be relu, sigmoid or tanh, got '" + name + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
