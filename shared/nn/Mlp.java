package nn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import data.Npz;

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
        return hidden(buffersFor(x).outputs);
    }

    /**
     * The hidden layers' inputs to their activation [n, units] in the last pass over a batch of {@code x}'s size, kept
     * only when the activation's derivative needs them ({@link Activation#derivativeNeedsInput}); otherwise nulls.
     */
    public List<INDArray> hiddenPreActivations(INDArray x) {
        return hidden(buffersFor(x).preActivations);
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
        forward(x, b);
        return b.outputs[layers.size() - 1];
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
        forward(x, b);
        int last = layers.size() - 1;
        b.ensureGradients();
        double loss = CrossEntropy.lossAndGradient(b.outputs[last], labels, b.grads[last]);
        double accuracy = CrossEntropy.accuracy(b.outputs[last], labels);
        for (int i = last; i >= 0; i--) {
            INDArray inputGrad = i == 0 ? null : b.grads[i - 1];
            layers.get(i).backwardWithOnes(b.inputs[i], b.grads[i], inputGrad);
            if (i > 0) activation.multiplyByDerivative(b.grads[i - 1], b.outputs[i - 1], b.preActivations[i - 1], b.scratch[i - 1]);
        }
        return new Evaluation(loss, accuracy);
    }

    /** The latent layer's output BEFORE its activation, as a new [n, 2] array (the lecture's {@code model.latent(x)}). */
    public INDArray latent(INDArray x) {
        Buffers b = buffersFor(x);
        int latent = layers.size() - 2;
        b.x.assign(x);
        for (int i = 0; i < latent; i++) {
            layers.get(i).forwardWithOnes(b.inputs[i], b.outputs[i]);
            activation.applyInPlace(b.outputs[i]);
        }
        INDArray z = Nd4j.create(type, new long[] {x.size(0), layers.get(latent).out()}, 'f');
        layers.get(latent).forwardWithOnes(b.inputs[latent], z);
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

    private void forward(INDArray x, Buffers b) {
        b.x.assign(x);
        for (int i = 0; i < layers.size(); i++) {
            if (b.preActivations[i] == null) {
                layers.get(i).forwardWithOnes(b.inputs[i], b.outputs[i]);
            } else {   // z kept for the derivative
                layers.get(i).forwardWithOnes(b.inputs[i], b.preActivations[i]);
                b.outputs[i].assign(b.preActivations[i]);
            }
            if (i < layers.size() - 1) activation.applyInPlace(b.outputs[i]);
        }
    }

    private Buffers buffersFor(INDArray x) {
        if (x.rank() != 2 || x.size(1) != layers.get(0).in() || x.dataType() != type) {
            throw new IllegalArgumentException("expected a batch [n, " + layers.get(0).in() + "] of " + type + ", got "
                    + Arrays.toString(x.shape()) + " of " + x.dataType());
        }
        return buffers.computeIfAbsent(x.size(0), n -> new Buffers(n));
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
        final INDArray[] inputs = new INDArray[layers.size()];
        final INDArray[] outputs = new INDArray[layers.size()];
        /** Each activated layer's input z [n, out], where the activation's derivative needs it; else null. */
        final INDArray[] preActivations = new INDArray[layers.size()];
        /** The batch's place in {@code inputs[0]}. */
        final INDArray x;
        /**
         * The loss gradients of the outputs and, for a double net, a scratch array of each output's shape (the derivative's
         * formula needs one; a float net's Java loops do not).
         */
        INDArray[] grads;
        INDArray[] scratch;

        Buffers(long n) {
            this.n = n;
            int last = layers.size() - 1;
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
        }

        /** Gradient buffers only for batches we train on (a plot grid needs no backward pass). */
        void ensureGradients() {
            if (grads != null) return;
            grads = new INDArray[layers.size()];
            scratch = new INDArray[layers.size()];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = Nd4j.create(type, new long[] {n, layers.get(i).out()}, 'f');
                if (activation.needsScratch(type)) scratch[i] = Nd4j.create(type, new long[] {n, layers.get(i).out()}, 'f');
            }
        }

        /** The first {@code columns} columns of an 'f'-ordered [n, m] matrix: a contiguous [n, columns] view. */
        private INDArray firstColumns(INDArray a, long columns) {
            return Nd4j.create(a.data(), new long[] {n, columns}, new long[] {1, n}, 0, 'f');
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
