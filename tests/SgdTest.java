import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import nn.Activation;
import nn.Linear;
import nn.Mlp;
import nn.Sgd;

/** torch.optim.SGD(lr, momentum) steps, by hand: buf = g; then buf = m*buf + g; p -= lr*buf. */
class SgdTest {
    @Test
    void momentumStepsMatchTheHandComputedOnes() {
        Mlp net = Mlp.lecture(1, Activation.RELU, DataType.DOUBLE);
        Linear hidden = net.layer("hidden");
        hidden.weight().putScalar(0, 0, 1.0);
        hidden.weightGrad().putScalar(0, 0, 0.5);
        var sgd = new Sgd(net, 0.1, 0.9);
        sgd.step();                       // buf = 0.5, p = 1 - 0.1*0.5 = 0.95
        assertEquals(0.95, hidden.weight().getDouble(0, 0), 1e-15);
        hidden.weightGrad().putScalar(0, 0, -0.2);
        sgd.step();                       // buf = 0.9*0.5 - 0.2 = 0.25, p = 0.95 - 0.025 = 0.925
        assertEquals(0.925, hidden.weight().getDouble(0, 0), 1e-15);
        hidden.weightGrad().putScalar(0, 0, 0.0);
        sgd.step();                       // buf = 0.225, p = 0.925 - 0.0225 = 0.9025
        assertEquals(0.9025, hidden.weight().getDouble(0, 0), 1e-15);
    }

    @Test
    void withoutMomentumItIsPlainGradientDescent() {
        Mlp net = Mlp.lecture(1, Activation.RELU, DataType.DOUBLE);
        Linear output = net.layer("output");
        output.biasGrad().putScalar(1, 2.0);
        var sgd = new Sgd(net, 0.5, 0.0);
        sgd.step();
        sgd.step();
        assertEquals(-2.0, output.bias().getDouble(1), 1e-15);
    }
}
