package study;

import org.nd4j.linalg.api.ndarray.INDArray;
import data.Points;
import nn.Activation;
import nn.Mlp;
import speed.Elementwise;

/**
 * The 2-unit latent layer of a net, over some points, measured as nn.Training measures the hidden layers: the share of
 * its ReLUs that are dead (output 0 for every point) or of its sigmoid outputs that are saturated ((point, unit) pairs
 * with h (1 - h) < 0.01). A net stuck at chance has its latent layer dead or saturated: the output sees a constant.
 */
public final class LatentUnits {
    private LatentUnits() {}

    /** Dead ReLU units or saturated sigmoid outputs of {@code net}'s latent layer over {@code points}; NaN for another activation. */
    public static double share(Mlp net, Points points) {
        INDArray h = net.latent(points.features(Study.TYPE));   // a new 'f'-ordered array, before the activation
        net.activation().applyInPlace(h);
        return switch (net.activation()) {
            case RELU -> Elementwise.zeroColumnsFraction(h);
            case SIGMOID -> Elementwise.saturatedFraction(h);
            default -> Double.NaN;
        };
    }
}
