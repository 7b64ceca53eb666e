package nn;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import io.BadInputException;
import speed.Elementwise;

/**
 * The hidden-layer nonlinearities. Both directions work in place on preallocated buffers, and the derivative is
 * expressed through the activation's OUTPUT (relu' = [y > 0], sigmoid' = y(1-y), tanh' = 1-y^2), so the forward
 * pass can overwrite its pre-activations.
 * <p>
 * Float arrays (every script trains in float) go through the Java loops of {@link Elementwise}, 1.5-4x faster than
 * ND4J's ops here; double arrays (the gradient checks) through ND4J's ops. Both compute the same formulas, and
 * ElementwiseTest holds the loops to them.
 */
public enum Activation {
    RELU, SIGMOID, TANH;

    /** {@code x = f(x)}. */
    public void applyInPlace(INDArray x) {
        boolean inJava = x.dataType() == DataType.FLOAT;
        switch (this) {
            case RELU -> { if (inJava) Elementwise.relu(x); else Nd4j.getExecutioner().exec(new RectifiedLinear(x, x)); }
            case SIGMOID -> { if (inJava) Elementwise.sigmoid(x); else Nd4j.getExecutioner().exec(new Sigmoid(x, x)); }
            case TANH -> Nd4j.getExecutioner().exec(new Tanh(x, x));
        }
    }

    /**
     * {@code grad *= f'(x)} where {@code y = f(x)}; {@code scratch} has y's shape and is overwritten (double arrays
     * only; float arrays need none, it may be null).
     */
    public void multiplyByDerivative(INDArray grad, INDArray y, INDArray scratch) {
        if (grad.dataType() == DataType.FLOAT) {
            switch (this) {
                case RELU -> Elementwise.multiplyByReluDerivative(grad, y);
                case SIGMOID -> Elementwise.multiplyBySigmoidDerivative(grad, y);
                case TANH -> Elementwise.multiplyByTanhDerivative(grad, y);
            }
            return;
        }
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

    /** How figures and sentences name it: ReLU, Sigmoid, Tanh (toString gives the option's relu, sigmoid, tanh). */
    public String displayName() {
        return switch (this) {
            case RELU -> "ReLU";
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
