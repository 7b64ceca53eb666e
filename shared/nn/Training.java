package nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import cli.DivergedException;
import data.Points;
import speed.Elementwise;

/**
 * The full-batch training loop of the lecture scripts: per epoch {@code zero_grad; loss = CE(model(X), y);
 * loss.backward(); opt.step()}. Each epoch's row describes the parameters its forward pass used (before its update):
 * that pass's loss and train accuracy, the test accuracy of the same parameters, and the L2 norm of every hidden
 * layer's weight gradient ({@code layer.weight.grad.norm()}).
 */
public final class Training {
    /** One epoch: the loss of its forward pass and the accuracies of the parameters that pass used. */
    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy) {}

    /** What a run recorded: one row per epoch and {@code gradNorms[epoch][k]} for hidden layer k. */
    public record History(List<Epoch> epochs, List<String> hiddenLayers, double[][] gradNorms) {
        public Epoch last() {
            return epochs.get(epochs.size() - 1);
        }

        /** {@code epoch,loss,train_acc,test_acc}, accuracies as fractions, Java's shortest round-trip numbers. */
        public String csv() {
            var out = new StringBuilder("epoch,loss,train_acc,test_acc\n");
            for (Epoch e : epochs) {
                out.append(e.epoch()).append(',').append(e.loss()).append(',').append(e.trainAccuracy()).append(',')
                        .append(e.testAccuracy()).append('\n');
            }
            return out.toString();
        }

        /** The epochs' numbers 0, 1, 2, ... as a plot's x values. */
        public double[] epochNumbers() {
            return epochs.stream().mapToDouble(Epoch::epoch).toArray();
        }

        public double[] losses() {
            return epochs.stream().mapToDouble(Epoch::loss).toArray();
        }

        /** Every epoch's train accuracy times {@code scale} (1 for fractions, 100 for percent). */
        public double[] trainAccuracies(double scale) {
            return epochs.stream().mapToDouble(e -> scale * e.trainAccuracy()).toArray();
        }

        public double[] testAccuracies(double scale) {
            return epochs.stream().mapToDouble(e -> scale * e.testAccuracy()).toArray();
        }

        /** Epochs, first and last loss and accuracies, the layers whose gradient norms it holds. */
        @Override
        public String toString() {
            if (epochs.isEmpty()) return "History[no epochs]";
            Epoch first = epochs.get(0), last = last();
            return String.format(java.util.Locale.ROOT, "History[%d epochs; loss %.4f -> %.4f; train acc %.1f%% -> %.1f%%; test acc %.1f%% -> %.1f%%; "
                    + "gradient norms of %s]", epochs.size(), first.loss(), last.loss(), 100 * first.trainAccuracy(), 100 * last.trainAccuracy(),
                    100 * first.testAccuracy(), 100 * last.testAccuracy(), String.join(", ", hiddenLayers));
        }
    }

    /**
     * A run whose loss turned NaN or infinite, with what it recorded before that epoch (so a script can still write
     * the history of a diverged run). {@link Cli} reports it like any {@link DivergedException}: one line, exit 3.
     */
    public static final class Diverged extends DivergedException {
        private final transient History history;

        Diverged(String message, History history) {
            super(message);
            this.history = history;
        }

        /** The epochs before the one whose loss was not finite (possibly none). */
        public History history() {
            return history;
        }
    }

    private Training() {}

    /**
     * Trains {@code net} for {@code epochs} full-batch epochs on {@code train}, evaluating {@code test} each epoch
     * (null: no test set, test accuracy NaN); {@code progress} sees every row as soon as it exists. A NaN or infinite
     * loss stops the run with a {@link Diverged} exception naming {@code run} and the epoch and holding the history
     * of the epochs before it.
     */
    public static History run(String run, Mlp net, Sgd sgd, Points train, Points test, int epochs, Consumer<Epoch> progress) {
        INDArray xTrain = train.features(net.dataType());
        INDArray xTest = test == null ? null : test.features(net.dataType());
        List<Linear> hidden = net.hiddenLayers();
        List<String> names = hidden.stream().map(Linear::name).toList();
        // Norms are summed in double: a float sum over 264 x 264 squares is off by ~1e-5 relative, PyTorch's by less.
        ToDoubleFunction<INDArray> norm = net.dataType() == DataType.FLOAT ? Elementwise::norm : a -> a.norm2Number().doubleValue();
        var rows = new ArrayList<Epoch>(epochs);
        double[][] gradNorms = new double[epochs][hidden.size()];
        for (int epoch = 0; epoch < epochs; epoch++) {
            Mlp.Evaluation fit = net.backward(xTrain, train.y());
            if (!Double.isFinite(fit.loss())) {
                var before = new History(rows, names, Arrays.copyOf(gradNorms, epoch));
                throw new Diverged(run + " diverged at epoch " + epoch + ": loss is " + fit.loss() + " (try a smaller --lr)", before);
            }
            for (int k = 0; k < hidden.size(); k++) gradNorms[epoch][k] = norm.applyAsDouble(hidden.get(k).weightGrad());
            double testAccuracy = xTest == null ? Double.NaN : CrossEntropy.accuracy(net.logits(xTest), test.y());
            sgd.step();
            var row = new Epoch(epoch, fit.loss(), fit.accuracy(), testAccuracy);
            rows.add(row);
            progress.accept(row);
        }
        return new History(rows, names, gradNorms);
    }

    /** The lecture's progress line, e.g. {@code Epoch 0: loss 0.6931, train acc 50.0%, test acc 49.5%}. */
    public static String progressLine(Epoch e) {
        return String.format(Locale.ROOT, "Epoch %d: loss %.4f, train acc %.1f%%, test acc %.1f%%", e.epoch(), e.loss(),
                100 * e.trainAccuracy(), 100 * e.testAccuracy());
    }
}
