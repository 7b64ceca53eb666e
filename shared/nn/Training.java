package nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import data.Points;
import io.DivergedException;
import speed.Elementwise;
import speed.Timings;
import speed.TwoCores;

/**
 * The full-batch training loop of the lecture scripts: per epoch {@code zero_grad; loss = CE(model(X), y);
 * loss.backward(); opt.step()}. Each epoch's row describes the parameters its forward pass used (before its update):
 * that pass's loss and train accuracy and the test accuracy of the same parameters. Per epoch and hidden layer it also
 * records what the sheet asks to watch: the L2 norm of the weight gradient ({@code layer.weight.grad.norm()}), what
 * the optimiser step changed in the weights ({@code ||W_after - W_before||}), the weights' norm before the step and
 * the ratio of the two, and, at the forward pass, the share of the units that pass (almost) no gradient back, as the
 * activation counts them ({@link Activation#unitShare}: dead ReLU units, 0 for every training point, or saturated sigmoid
 * outputs, {@code h (1 - h) < 0.01}; NaN in the column that does not apply to the activation).
 */
public final class Training {
    /** The per-layer quantities of a {@link History}, by the name of their CSV column. */
    public static final String GRAD_NORM = "norm", UPDATE_NORM = "update_norm", WEIGHT_NORM = "weight_norm",
            UPDATE_RATIO = "update_ratio", DEAD_FRACTION = Activation.Units.DEAD.column(),
            SATURATED_FRACTION = Activation.Units.SATURATED.column();
    public static final List<String> PER_LAYER = List.of(GRAD_NORM, UPDATE_NORM, WEIGHT_NORM, UPDATE_RATIO, DEAD_FRACTION,
            SATURATED_FRACTION);
    /** A loss above this counts as diverged, as a NaN or infinite one does: the two classes' logits are 10^6 apart. */
    public static final double DIVERGED_LOSS = 1e6;

    /** One epoch: the loss of its forward pass and the accuracies of the parameters that pass used. */
    public record Epoch(int epoch, double loss, double trainAccuracy, double testAccuracy) {}

    /**
     * What a run recorded: one row per epoch and, per quantity of {@link #PER_LAYER} (possibly only some of them),
     * {@code perLayer.get(name)[epoch][k]} for hidden layer k.
     */
    public record History(List<Epoch> epochs, List<String> hiddenLayers, Map<String, double[][]> perLayer) {
        /** A history with only the weight-gradient norms (or none, for a net without hidden layers of its own). */
        public History(List<Epoch> epochs, List<String> hiddenLayers, double[][] gradNorms) {
            this(epochs, hiddenLayers, Map.of(GRAD_NORM, gradNorms));
        }

        /** {@code gradNorms()[epoch][k]}: hidden layer k's weight-gradient norm in that epoch. */
        public double[][] gradNorms() {
            return perLayer.get(GRAD_NORM);
        }

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
     * the history of a diverged run). The command line reports it like any {@link DivergedException}: one line, exit 3.
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
     * (null: no test set, test accuracy NaN); {@code progress} sees every row as soon as it exists. A loss that is NaN,
     * infinite or above {@link #DIVERGED_LOSS} stops the run with a {@link Diverged} exception naming {@code run} and
     * the epoch and holding the history of the epochs before it.
     */
    public static History run(String run, Mlp net, Sgd sgd, Points train, Points test, int epochs, Consumer<Epoch> progress) {
        INDArray xTrain = train.features(net.dataType());
        INDArray xTest = test == null ? null : test.features(net.dataType());
        List<Linear> hidden = net.hiddenLayers();
        List<String> names = hidden.stream().map(Linear::name).toList();
        var rows = new ArrayList<Epoch>(epochs);
        var perLayer = new LinkedHashMap<String, double[][]>();
        for (String quantity : PER_LAYER) perLayer.put(quantity, new double[epochs][hidden.size()]);
        var watch = new Diagnostics(net, hidden);
        for (int epoch = 0; epoch < epochs; epoch++) {
            Mlp.Evaluation fit = Timings.time(Timings.TRAINING, () -> net.backward(xTrain, train.y()));
            if (!(fit.loss() <= DIVERGED_LOSS)) {   // NaN too
                throw diverged(run, epoch, Double.isFinite(fit.loss()) ? "loss " + fit.loss() + " is above " + DIVERGED_LOSS : "loss is " + fit.loss(),
                        rows, names, perLayer);
            }
            // the test set's pass on the other core, where this net has both (speed.TwoCores), while this one measures the layers
            Future<Double> testPass = xTest == null ? null : TwoCores.meanwhile(xTest.size(0), net.parameters().length(),
                    () -> Timings.time(Timings.EVALUATION, () -> CrossEntropy.accuracy(net.logits(xTest), test.y())));
            try (var phase = Timings.begin(Timings.DIAGNOSTICS)) { watch.afterBackward(epoch, xTrain, perLayer); }
            String overflow = notFinite(perLayer, epoch, names, GRAD_NORM, WEIGHT_NORM);
            double testAccuracy = testPass == null ? Double.NaN : TwoCores.result(testPass);
            if (overflow != null) throw diverged(run, epoch, overflow, rows, names, perLayer);
            Timings.run(Timings.TRAINING, sgd::step);
            try (var phase = Timings.begin(Timings.DIAGNOSTICS)) { watch.afterStep(epoch, perLayer); }
            overflow = notFinite(perLayer, epoch, names, UPDATE_NORM);
            if (overflow != null) throw diverged(run, epoch, "its update overflowed, " + overflow, rows, names, perLayer);
            var row = new Epoch(epoch, fit.loss(), fit.accuracy(), testAccuracy);
            rows.add(row);
            progress.accept(row);
        }
        return new History(rows, names, perLayer);
    }

    /**
     * A run stopped at {@code epoch}, with the history of the epochs before it. At epoch 0, before any update, the cause
     * is the inputs or the initial weights, not the learning rate: the message says so.
     */
    private static Diverged diverged(String run, int epoch, String why, List<Epoch> rows, List<String> names, Map<String, double[][]> perLayer) {
        var before = new LinkedHashMap<String, double[][]>();
        for (var e : perLayer.entrySet()) before.put(e.getKey(), Arrays.copyOf(e.getValue(), epoch));
        String hint = epoch == 0 && !why.startsWith("its update") ? "at the initial weights, before any update: the inputs or the initial "
                + "weights are too large for the net's numbers, whatever the learning rate" : "try a smaller --lr";
        return new Diverged(run + " diverged at epoch " + epoch + ": " + why + " (" + hint + ")", new History(rows, names, before));
    }

    /** The first of {@code quantities} of {@code epoch} that is not a finite number, in words, e.g. "hidden2's norm Infinity"; else null. */
    private static String notFinite(Map<String, double[][]> perLayer, int epoch, List<String> names, String... quantities) {
        for (String q : quantities) {
            double[] values = perLayer.get(q)[epoch];
            for (int k = 0; k < values.length; k++) {
                if (!Double.isFinite(values[k])) {
                    String what = q.equals(GRAD_NORM) ? "weight-gradient norm" : q.equals(WEIGHT_NORM) ? "weight norm" : "update norm";
                    return names.get(k) + "'s " + what + " " + values[k];
                }
            }
        }
        return null;
    }

    /** The per-layer measurements of one epoch (float nets through the loops of {@link Elementwise}). */
    private static final class Diagnostics {
        final Mlp net;
        final List<Linear> hidden;
        final boolean inFloat;
        /** Each hidden layer's weights before the step. */
        final float[][] before;
        final double[][] beforeDouble;
        /** Per hidden layer, where {@link Activation#unitShare} computes the derivatives (made on first use). */
        final INDArray[] slopes;

        Diagnostics(Mlp net, List<Linear> hidden) {
            this.net = net;
            this.hidden = hidden;
            inFloat = net.dataType() == DataType.FLOAT;
            before = new float[hidden.size()][];
            beforeDouble = new double[hidden.size()][];
            slopes = new INDArray[hidden.size()];
            for (int k = 0; k < hidden.size(); k++) {
                if (inFloat) before[k] = new float[(int) hidden.get(k).weight().length()];
            }
        }

        /** Gradient norms, weight norms, the activation's dead or saturated units; and the weights as they are before the step. */
        void afterBackward(int epoch, INDArray x, Map<String, double[][]> perLayer) {
            List<INDArray> outputs = net.hiddenOutputs(x), inputs = net.hiddenPreActivations(x);
            Activation.Units counted = net.activation().units().kind();
            for (int k = 0; k < hidden.size(); k++) {
                INDArray w = hidden.get(k).weight();
                perLayer.get(GRAD_NORM)[epoch][k] = norm(hidden.get(k).weightGrad());
                perLayer.get(WEIGHT_NORM)[epoch][k] = norm(w);
                if (inFloat) Elementwise.copy(w, before[k]);
                else beforeDouble[k] = w.dup('f').data().asDouble();
                double share = net.activation().unitShare(outputs.get(k), inputs.get(k), slopes(k, outputs.get(k)));
                for (Activation.Units units : Activation.Units.values()) {
                    perLayer.get(units.column())[epoch][k] = units == counted ? share : Double.NaN;   // the other does not apply
                }
            }
        }

        /** Layer k's buffer for its derivatives (for the activations whose unit rule computes them), made once. */
        INDArray slopes(int k, INDArray h) {
            if (slopes[k] == null) slopes[k] = org.nd4j.linalg.factory.Nd4j.create(h.dataType(), h.shape(), 'f');
            return slopes[k];
        }

        /** What the step changed: {@code ||W_after - W_before||} and its share of {@code ||W_before||}. */
        void afterStep(int epoch, Map<String, double[][]> perLayer) {
            for (int k = 0; k < hidden.size(); k++) {
                INDArray w = hidden.get(k).weight();
                double update = inFloat ? Elementwise.distance(w, before[k])
                        : w.dup('f').sub(org.nd4j.linalg.factory.Nd4j.createFromArray(beforeDouble[k]).reshape('f', w.shape())).norm2Number().doubleValue();
                perLayer.get(UPDATE_NORM)[epoch][k] = update;
                perLayer.get(UPDATE_RATIO)[epoch][k] = update / perLayer.get(WEIGHT_NORM)[epoch][k];
            }
        }

        /** Norms are summed in double: a float sum over 264 x 264 squares is off by ~1e-5 relative, PyTorch's by less. */
        double norm(INDArray a) {
            return inFloat ? Elementwise.norm(a) : a.norm2Number().doubleValue();
        }
    }

    /** The lecture's progress line, e.g. {@code Epoch 0: loss 0.6931, train acc 50.0%, test acc 49.5%}. */
    public static String progressLine(Epoch e) {
        return String.format(Locale.ROOT, "Epoch %d: loss %.4f, train acc %.1f%%, test acc %.1f%%", e.epoch(), e.loss(),
                100 * e.trainAccuracy(), 100 * e.testAccuracy());
    }
}
