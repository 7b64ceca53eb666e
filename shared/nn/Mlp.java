package nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import data.Npz;
import speed.ReusedMemory;
import speed.TwoCores;

/**
 * The lecture's classifiers: Linear layers with an activation after every layer but the last, which gives logits.
 * {@link #lecture} is {@code hidden(2, W), latent(W, 2), output(2, 2)}; {@link #deep} is
 * {@code hidden1(2, W) .. hiddenN(W, W), latent(W, 2), output(2, 2)}. Parameter names and shapes are PyTorch's
 * state_dict ones. Working buffers are allocated once per batch size, so a training loop allocates nothing.
 */
public final class Mlp {
    private final List<Linear> layers;
    /** Every layer's weight and bias, one after the other; the layers' arrays are views into it. */
    private final INDArray parameters;
    /** The gradients, laid out like {@link #parameters}. */
    private final INDArray gradients;
    private final Activation activation;
    private final DataType type;
    /** The layers again, over the same parameters, with gradients of their own: the second core's half of a batch. */
    private List<Linear> otherCoreLayers;
    private INDArray otherCoreGradients;
    /** Buffers of the last few batch sizes (train, test, a plot grid); older ones are dropped for the GC. */
    private final Map<Long, Buffers> buffers = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Buffers> eldest) {
            return size() > 3;
        }
    };

    /** The loss and accuracy of one forward pass over a batch. */
    public record Evaluation(double loss, double accuracy) {}

    /** A layer's name and size, before its storage exists. */
    private record Shape(String name, int in, int out) {}

    private Mlp(List<Shape> shapes, Activation activation, DataType type) {
        long total = shapes.stream().mapToLong(s -> Linear.size(s.in(), s.out())).sum();
        parameters = Nd4j.create(type, new long[] {total}, 'f');
        gradients = Nd4j.create(type, new long[] {total}, 'f');
        var layers = new ArrayList<Linear>();
        long offset = 0;
        for (Shape s : shapes) {
            layers.add(new Linear(s.name(), s.in(), s.out(), parameters, gradients, offset));
            offset += Linear.size(s.in(), s.out());
        }
        this.layers = List.copyOf(layers);
        this.activation = activation;
        this.type = type;
    }

    /** The lecture net: {@code hidden = Linear(2, width), latent = Linear(width, 2), output = Linear(2, 2)}. */
    public static Mlp lecture(int width, Activation activation, DataType type) {
        return new Mlp(List.of(new Shape("hidden", 2, width), new Shape("latent", width, 2), new Shape("output", 2, 2)),
                activation, type);
    }

    /** {@code hidden1 .. hidden<depth>} of width {@code width}, then {@code latent = Linear(width, 2)}, {@code output}. */
    public static Mlp deep(int depth, int width, Activation activation, DataType type) {
        if (depth < 1) throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        var shapes = new ArrayList<Shape>();
        for (int i = 1; i <= depth; i++) shapes.add(new Shape("hidden" + i, i == 1 ? 2 : width, width));
        shapes.add(new Shape("latent", width, 2));
        shapes.add(new Shape("output", 2, 2));
        return new Mlp(shapes, activation, type);
    }

    /** A net of the same layers and activation in {@code type}, its parameters 0 (e.g. to load this one's into). */
    public Mlp sameLayers(DataType type) {
        return new Mlp(layers.stream().map(l -> new Shape(l.name(), l.in(), l.out())).toList(), activation, type);
    }

    /** Sets every parameter to PyTorch's initial value after {@code torch.manual_seed(seed)}; returns this net. */
    public Mlp initLikeTorch(long seed) {
        return initLikeTorch(seed, WeightInit.TORCH);
    }

    /**
     * PyTorch's initial weights after {@code torch.manual_seed(seed)}, constructing the net (nn.Linear's default for every
     * layer) and then, for XAVIER or KAIMING, re-drawing every weight in layer order with that scheme, biases 0.
     */
    public Mlp initLikeTorch(long seed, WeightInit scheme) {
        var generator = new TorchInit(seed);
        for (Linear layer : layers) generator.initLinear(layer.weight(), layer.bias());
        if (scheme == WeightInit.TORCH) return this;
        for (Linear layer : layers) {
            if (scheme == WeightInit.XAVIER) generator.xavierUniform(layer.weight());
            else generator.kaimingUniform(layer.weight());
            layer.bias().assign(0);
        }
        return this;
    }

    public List<Linear> layers() { return layers; }
    /** All parameters as one flat vector (each layer's weight, 'f'-ordered, then its bias); writes change the layers. */
    public INDArray parameters() { return parameters; }
    /** All gradients, laid out like {@link #parameters()}. */
    public INDArray gradients() { return gradients; }
    public Activation activation() { return activation; }
    public DataType dataType() { return type; }

    /** The layers whose name starts with "hidden", in order (those whose gradient norms the lecture plots). */
    public List<Linear> hiddenLayers() {
        return layers.stream().filter(l -> l.name().startsWith("hidden")).toList();
    }

    /**
     * The activated outputs [n, units] of the hidden layers in the last pass over a batch of {@code x}'s size (this
     * net's buffers, overwritten by the next such pass): what training diagnostics read, e.g. which ReLUs are off.
     */
    public List<INDArray> hiddenOutputs(INDArray x) {
        return hidden(buffersFor(x).all.outputs);
    }

    /**
     * The hidden layers' inputs to their activation [n, units] in the last pass over a batch of {@code x}'s size, kept
     * only when the activation's derivative needs them ({@link Activation#derivativeNeedsInput}); otherwise nulls.
     */
    public List<INDArray> hiddenPreActivations(INDArray x) {
        return hidden(buffersFor(x).all.preActivations);
    }

    private List<INDArray> hidden(INDArray[] perLayer) {
        var hidden = new ArrayList<INDArray>();
        for (int i = 0; i < layers.size(); i++) if (layers.get(i).name().startsWith("hidden")) hidden.add(perLayer[i]);
        return hidden;
    }

    public Linear layer(String name) {
        for (Linear layer : layers) if (layer.name().equals(name)) return layer;
        throw new IllegalArgumentException("no layer '" + name + "'; layers are " + layers.stream().map(Linear::name).toList());
    }

    /**
     * The logits [n, classes] of a batch x [n, 2] ('f'-ordered, this net's data type). The result is a buffer of
     * this net, overwritten by the next pass over a batch of the same size: dup() it to keep it.
     */
    public INDArray logits(INDArray x) {
        Buffers b = buffersFor(x);
        b.x.assign(x);
        forward(b.all);
        return b.all.outputs[layers.size() - 1];
    }

    /** Loss and accuracy of a batch, forward only. */
    public Evaluation evaluate(INDArray x, int[] labels) {
        INDArray logits = logits(x);
        return new Evaluation(CrossEntropy.lossAndGradient(logits, labels, null), CrossEntropy.accuracy(logits, labels));
    }

    /**
     * Forward pass, mean cross-entropy and backward pass: sets every layer's weightGrad and biasGrad to the gradient
     * of the mean loss (the analog of {@code loss.backward()} after {@code zero_grad()}). Returns the loss and
     * accuracy of this forward pass, i.e. of the parameters before any update.
     */
    public Evaluation backward(INDArray x, int[] labels) {
        Buffers b = buffersFor(x);
        b.x.assign(x);
        try (var kept = ReusedMemory.outside()) { b.ensureGradients(); }
        if (type != DataType.FLOAT || !TwoCores.forBatch(b.n, parameters.length())) return backward(b.all, layers, labels);
        // Both cores (speed.TwoCores): each half of the rows through the same passes into its own gradients; the mean
        // loss's gradient is then the halves' mean gradients weighted by their share of the rows.
        Pass[] halves;
        try (var kept = ReusedMemory.outside()) { halves = b.halves(); otherCoreLayers(); }
        int[][] halfLabels = b.halfLabels(labels);
        var both = TwoCores.both(() -> backward(halves[0], layers, halfLabels[0]),
                () -> backward(halves[1], otherCoreLayers(), halfLabels[1]));
        double first = (double) halves[0].n / b.n, second = (double) halves[1].n / b.n;
        Nd4j.getExecutioner().exec(new Axpy(otherCoreGradients, gradients.muli(first), gradients, second));
        long correct = Math.round(both.first().accuracy() * halves[0].n) + Math.round(both.second().accuracy() * halves[1].n);
        return new Evaluation(first * both.first().loss() + second * both.second().loss(), (double) correct / b.n);
    }

    /** Forward pass, mean cross-entropy and backward pass over the rows of {@code p}, the gradients into {@code layers}'. */
    private Evaluation backward(Pass p, List<Linear> layers, int[] labels) {
        forward(p);
        int last = layers.size() - 1;
        double loss = CrossEntropy.lossAndGradient(p.outputs[last], labels, p.grads[last]);
        double accuracy = CrossEntropy.accuracy(p.outputs[last], labels);
        for (int i = last; i >= 0; i--) {
            INDArray inputGrad = i == 0 ? null : p.grads[i - 1];
            layers.get(i).backwardWithOnes(p.inputs[i], p.grads[i], inputGrad);
            if (i > 0) activation.multiplyByDerivative(p.grads[i - 1], p.outputs[i - 1], p.preActivations[i - 1], p.scratch[i - 1]);
        }
        return new Evaluation(loss, accuracy);
    }

    /** The layers over this net's parameters with gradients of their own, for the second core's half of a batch. */
    private synchronized List<Linear> otherCoreLayers() {
        if (otherCoreLayers == null) {
            otherCoreGradients = Nd4j.create(type, gradients.shape(), 'f');
            var other = new ArrayList<Linear>();
            long offset = 0;
            for (Linear l : layers) {
                other.add(new Linear(l.name(), l.in(), l.out(), parameters, otherCoreGradients, offset));
                offset += Linear.size(l.in(), l.out());
            }
            otherCoreLayers = List.copyOf(other);
        }
        return otherCoreLayers;
    }

    /** The latent layer's output BEFORE its activation, as a new [n, 2] array (the lecture's {@code model.latent(x)}). */
    public INDArray latent(INDArray x) {
        Buffers b = buffersFor(x);
        Pass p = b.all;
        int latent = layers.size() - 2;
        b.x.assign(x);
        for (int i = 0; i < latent; i++) {
            layers.get(i).forwardWithOnes(p.inputs[i], p.outputs[i]);
            activation.applyInPlace(p.outputs[i]);
        }
        INDArray z = Nd4j.create(type, new long[] {x.size(0), layers.get(latent).out()}, 'f');
        layers.get(latent).forwardWithOnes(p.inputs[latent], z);
        return z;
    }

    /**
     * The logits for latent values z [m, 2] (pre-activation, as {@link #latent} gives them): {@code output(act(z))}, as
     * a new array. This is how the lecture colours the latent space by the net's confidence.
     */
    public INDArray logitsFromLatent(INDArray z) {
        Linear output = layers.get(layers.size() - 1);
        INDArray a = z.castTo(type).dup('f');
        activation.applyInPlace(a);
        INDArray logits = Nd4j.create(type, new long[] {z.size(0), output.out()}, 'f');
        output.forward(a, logits);
        return logits;
    }

    private void forward(Pass p) {
        for (int i = 0; i < layers.size(); i++) {
            if (p.preActivations[i] == null) {
                layers.get(i).forwardWithOnes(p.inputs[i], p.outputs[i]);
            } else {   // z kept for the derivative
                layers.get(i).forwardWithOnes(p.inputs[i], p.preActivations[i]);
                p.outputs[i].assign(p.preActivations[i]);
            }
            if (i < layers.size() - 1) activation.applyInPlace(p.outputs[i]);
        }
    }

    private synchronized Buffers buffersFor(INDArray x) {   // (the test set's pass may run on the other core)
        if (x.rank() != 2 || x.size(1) != layers.get(0).in() || x.dataType() != type) {
            throw new IllegalArgumentException("expected a batch [n, " + layers.get(0).in() + "] of " + type + ", got "
                    + Arrays.toString(x.shape()) + " of " + x.dataType());
        }
        try (var kept = ReusedMemory.outside()) {   // (a pass may run inside reused memory; the buffers outlive it)
            return buffers.computeIfAbsent(x.size(0), n -> new Buffers(n));
        }
    }

    /**
     * The working arrays of one batch size n, all 'f'-ordered. Layer i reads {@code inputs[i] = [a 1]} [n, in + 1]:
     * its input a (the batch for layer 0, else the previous layer's activated output) with a column of ones appended,
     * which folds the bias into the layer's gemms (see {@link Linear#forwardWithOnes}). So {@code outputs[i]} is the
     * first {@code out} columns of {@code inputs[i + 1]} (same memory), except the last layer's logits [n, classes].
     * The ones columns are written once, here; no op ever writes them again.
     */
    private final class Buffers {
        final long n;
        /** The arrays of every row. */
        final Pass all;
        /** The batch's place in {@code inputs[0]}. */
        final INDArray x;
        /** The two halves of the rows, for the two cores (views of {@link #all}'s arrays but the logits'); made on first use. */
        private Pass[] halves;
        private int[] labels;
        private int[][] halfLabels;

        Buffers(long n) {
            this.n = n;
            int last = layers.size() - 1;
            var inputs = new INDArray[layers.size()];
            var outputs = new INDArray[layers.size()];
            var preActivations = new INDArray[layers.size()];
            for (int i = 0; i <= last; i++) {
                int in = layers.get(i).in();
                inputs[i] = Nd4j.create(type, new long[] {n, in + 1}, 'f');
                inputs[i].getColumn(in).assign(1);
            }
            x = firstColumns(inputs[0], layers.get(0).in());
            for (int i = 0; i < last; i++) outputs[i] = firstColumns(inputs[i + 1], layers.get(i).out());
            outputs[last] = Nd4j.create(type, new long[] {n, layers.get(last).out()}, 'f');
            if (activation.derivativeNeedsInput()) {
                for (int i = 0; i < last; i++) preActivations[i] = Nd4j.create(type, new long[] {n, layers.get(i).out()}, 'f');
            }
            all = new Pass(n, inputs, outputs, preActivations);
        }

        /** Gradient buffers only for batches we train on (a plot grid needs no backward pass). */
        void ensureGradients() {
            if (all.grads[0] != null) return;
            for (int i = 0; i < layers.size(); i++) {
                all.grads[i] = Nd4j.create(type, new long[] {n, layers.get(i).out()}, 'f');
                if (activation.needsScratch(type)) all.scratch[i] = Nd4j.create(type, new long[] {n, layers.get(i).out()}, 'f');
            }
        }

        /**
         * Rows [0, n/2) and [n/2, n): every array a view of those rows of {@link #all}'s (so the diagnostics read the
         * whole batch's outputs after a pass in halves), the logits and their gradient arrays of their own (the loss's
         * loops want whole matrices).
         */
        Pass[] halves() {
            if (halves == null) halves = new Pass[] {all.rows(0, n / 2), all.rows(n / 2, n)};
            return halves;
        }

        /** The labels of {@link #halves}' rows (kept while the same labels come). */
        int[][] halfLabels(int[] labels) {
            if (labels != this.labels) {
                this.labels = labels;
                halfLabels = new int[][] {Arrays.copyOfRange(labels, 0, (int) (n / 2)), Arrays.copyOfRange(labels, (int) (n / 2), (int) n)};
            }
            return halfLabels;
        }

        /** The first {@code columns} columns of an 'f'-ordered [n, m] matrix: a contiguous [n, columns] view. */
        private INDArray firstColumns(INDArray a, long columns) {
            return Nd4j.create(a.data(), new long[] {n, columns}, new long[] {1, n}, 0, 'f');
        }
    }

    /**
     * The arrays of one pass over n rows of a batch, per layer: its input {@code [a 1]}, output and, where kept, input to
     * the activation (else null); the loss gradients of the outputs and, for a double net, a scratch array of each
     * output's shape (the derivative's formula needs one; a float net's Java loops do not).
     */
    private static final class Pass {
        final long n;
        final INDArray[] inputs, outputs, preActivations, grads, scratch;

        Pass(long n, INDArray[] inputs, INDArray[] outputs, INDArray[] preActivations) {
            this(n, inputs, outputs, preActivations, new INDArray[inputs.length], new INDArray[inputs.length]);
        }

        private Pass(long n, INDArray[] inputs, INDArray[] outputs, INDArray[] preActivations, INDArray[] grads, INDArray[] scratch) {
            this.n = n;
            this.inputs = inputs;
            this.outputs = outputs;
            this.preActivations = preActivations;
            this.grads = grads;
            this.scratch = scratch;
        }

        /** Rows [from, to) of this pass's arrays as views, the last layer's output and gradient as arrays of their own. */
        Pass rows(long from, long to) {
            int last = inputs.length - 1;
            INDArray[] in = new INDArray[inputs.length], out = new INDArray[inputs.length], pre = new INDArray[inputs.length],
                    grad = new INDArray[inputs.length];
            for (int i = 0; i <= last; i++) {
                in[i] = rowsOf(inputs[i], from, to);
                pre[i] = preActivations[i] == null ? null : rowsOf(preActivations[i], from, to);
                boolean own = i == last;
                out[i] = own ? Nd4j.create(outputs[i].dataType(), new long[] {to - from, outputs[i].columns()}, 'f') : rowsOf(outputs[i], from, to);
                grad[i] = own ? Nd4j.create(grads[i].dataType(), new long[] {to - from, grads[i].columns()}, 'f') : rowsOf(grads[i], from, to);
            }
            return new Pass(to - from, in, out, pre, grad, new INDArray[inputs.length]);
        }

        private static INDArray rowsOf(INDArray a, long from, long to) {
            return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
        }
    }

    // ---- state dicts: PyTorch's names and shapes ----

    /** Copies of the parameters under PyTorch's state_dict names ({@code hidden.weight}, {@code hidden.bias}, ...). */
    public Map<String, INDArray> stateDict() {
        var state = new LinkedHashMap<String, INDArray>();
        for (Linear layer : layers) {
            state.put(layer.name() + ".weight", layer.weight().dup('c'));
            state.put(layer.name() + ".bias", layer.bias().dup('c'));
        }
        return state;
    }

    /** The state dict's keys and shapes: {@code hidden.weight [264, 2]}, {@code hidden.bias [264]}, ... */
    public Map<String, long[]> stateShapes() {
        var shapes = new LinkedHashMap<String, long[]>();
        for (Linear layer : layers) {
            shapes.put(layer.name() + ".weight", layer.weight().shape());
            shapes.put(layer.name() + ".bias", layer.bias().shape());
        }
        return shapes;
    }

    /**
     * Sets every parameter from a state dict, as PyTorch's strict {@code load_state_dict}: exactly this net's keys, each
     * of its shape, finite; otherwise a one-line {@link io.BadInputException} naming {@code option} and the key.
     * Nothing is changed unless all keys fit.
     */
    public void loadStateDict(Map<String, INDArray> state, String option) {
        assign(Npz.stateDict(state, option, stateShapes(), type));
    }

    /** Reads a state dict saved by {@code np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})}. */
    public void load(Path npz, String option) {
        assign(Npz.readStateDict(npz, option, stateShapes(), type));
    }

    private void assign(Map<String, INDArray> checked) {
        for (Linear layer : layers) {
            layer.weight().assign(checked.get(layer.name() + ".weight"));
            layer.bias().assign(checked.get(layer.name() + ".bias"));
        }
    }

    /** Writes the parameters as an .npz with PyTorch's state_dict names (atomically); returns its path. */
    public Path save(Path npz) {
        Npz.write(npz, stateDict());
        return npz;
    }

    /** The layers with their PyTorch names and shapes, the activation, data type and parameter count. */
    @Override
    public String toString() {
        String shapes = String.join(", ", layers.stream().map(l -> l.name() + " = Linear(" + l.in() + ", " + l.out() + ")").toList());
        return "Mlp[" + shapes + "; " + activation + " after every layer but the last; " + type.name().toLowerCase(java.util.Locale.ROOT)
                + "; " + parameters.length() + " parameters]";
    }
}
