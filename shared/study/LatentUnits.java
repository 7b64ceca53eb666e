package study;

import org.nd4j.linalg.api.ndarray.INDArray;
import data.Points;
import nn.Mlp;

/**
 * The 2-unit latent layer of a net, over some points, measured as nn.Training measures the hidden layers: the share of
 * its units that pass (almost) no gradient back, as the activation counts them ({@link nn.Activation#unitShare}: dead
 * ReLUs, output 0 for every point, or saturated sigmoid outputs, (point, unit) pairs with h (1 - h) < 0.01). A net stuck
 * at chance has its latent layer dead or saturated: the output sees a constant.
 */
public final class LatentUnits {
    private LatentUnits() {}

    /** That share in {@code net}'s latent layer over {@code points}. */
    public static double share(Mlp net, Points points) {
        INDArray z = net.latent(points.features(Study.TYPE));   // a new 'f'-ordered array, before the activation
        INDArray h = z.dup('f');
        net.activation().applyInPlace(h);
        return net.activation().unitShare(h, z);
    }
}
