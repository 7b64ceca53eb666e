package nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import io.BadInputException;
import speed.ActivationLoops;
import speed.Elementwise;

/**
 * The activations of the hidden layers, one entry each: its names (the option's, which is PyTorch's functional name, and
 * the one figures and sentences use), its formula f and derivative f', the form in ND4J's autodiff (SameDiff) that the
 * tests check both against, the colour of its lines, which of its units count as passing (almost) no gradient back, and
 * what the answers say about its slope. Options, help texts, diagnostics, figures and answers all take them from here.
 * <p>
 * The formulas are ND4J operations: double arrays (the gradient checks) use them as they are. Float arrays (every script
 * trains in float) go through the Java loops of {@link ActivationLoops} (and {@link Elementwise}) that an entry names,
 * 1.5-4x faster than ND4J's ops here; ActivationTest holds those loops to the formulas. Both directions work in place on
 * preallocated buffers.
 * <p>
 * The derivative is expressed through the activation's OUTPUT y where it can be (relu' = [y > 0], sigmoid' = y (1 - y),
 * tanh' = 1 - y^2), so the forward pass can overwrite its pre-activations; GELU's cannot, so it takes its INPUT z, and
 * the nets keep z for it ({@link #derivativeNeedsInput}) and only for it.
 */
public enum Activation {
    RELU("relu", "ReLU", 0xe07b00,
            new Slope(1, "1 where a unit is on (its input above 0) and 0 where it is off", Math.sqrt(0.5),
                    "1 for the half of the units that are on (times sqrt(1/2))"),
            new UnitRule(Units.DEAD, "a unit is dead when its output is 0 for every training point"),
            new Loops(ActivationLoops::relu, ActivationLoops::multiplyByReluDerivative, Elementwise::zeroColumnsFraction)) {
        @Override
        public void apply(INDArray z) {                                         // max(z, 0)
            Nd4j.getExecutioner().exec(new RectifiedLinear(z, z));
        }

        @Override
        public void derivative(INDArray y, INDArray z, INDArray out) {          // [y > 0]: y is 0 wherever z <= 0
            Nd4j.getExecutioner().exec(new Step(y, out, 0.0));
        }

        @Override
        public SDVariable reference(SameDiff sd, SDVariable z) {
            return sd.nn().relu(z, 0);
        }
    },
    SIGMOID("sigmoid", "Sigmoid", 0x159a80,
            new Slope(0.25, "at most 0.25 (at 0, less where it saturates)", 0.25, "at most 0.25"),
            new UnitRule(Units.SATURATED, "(point, unit) pairs with h(1 - h) < 0.01, a derivative below 1/25 of its peak 0.25"),
            new Loops(ActivationLoops::sigmoid, ActivationLoops::multiplyBySigmoidDerivative, Elementwise::saturatedFraction)) {
        @Override
        public void apply(INDArray z) {                                         // 1 / (1 + e^-z)
            Nd4j.getExecutioner().exec(new Sigmoid(z, z));
        }

        @Override
        public void derivative(INDArray y, INDArray z, INDArray out) {          // y (1 - y)
            y.rsub(1, out).muli(y);
        }

        @Override
        public SDVariable reference(SameDiff sd, SDVariable z) {
            return sd.nn().sigmoid(z);
        }
    },
    TANH("tanh", "Tanh", 0x7b4fc9,
            new Slope(1, "at most 1 (at 0, less where it saturates)", 1, "about 1 near 0"),
            new UnitRule(Units.SATURATED, "(point, unit) pairs with 1 - h^2 < 0.04, a derivative below 1/25 of its peak 1"),
            new Loops(ActivationLoops::tanh, ActivationLoops::multiplyByTanhDerivative, null)) {
        @Override
        public void apply(INDArray z) {                                         // tanh z
            Nd4j.getExecutioner().exec(new Tanh(z, z));
        }

        @Override
        public void derivative(INDArray y, INDArray z, INDArray out) {          // 1 - y^2
            y.mul(y, out).rsubi(1);
        }

        @Override
        public SDVariable reference(SameDiff sd, SDVariable z) {
            return sd.math().tanh(z);
        }
    },
    LEAKY_RELU("leaky_relu", "LeakyReLU", 0x9b1c1c,
            new Slope(1, "1 where a unit is on and " + Activation.LEAKY_SLOPE + " where it is off, so no unit stops passing a gradient back "
                    + "entirely", Math.sqrt((1 + Activation.LEAKY_SLOPE * Activation.LEAKY_SLOPE) / 2),
                    "1 for the half of the units that are on and " + Activation.LEAKY_SLOPE + " for the others (about sqrt(1/2))"),
            new UnitRule(Units.DEAD, "a unit is dead when its input is negative for every training point (then only "
                    + Activation.LEAKY_SLOPE + " of the gradient passes back)"),
            new Loops(z -> ActivationLoops.leakyRelu(z, (float) Activation.LEAKY_SLOPE),
                    (grad, y) -> ActivationLoops.multiplyByLeakyReluDerivative(grad, y, (float) Activation.LEAKY_SLOPE), null)) {
        @Override
        public void apply(INDArray z) {                                         // z if z > 0, else 0.01 z
            Nd4j.getExecutioner().exec(new LeakyReLU(z, z, LEAKY_SLOPE));
        }

        @Override
        public void derivative(INDArray y, INDArray z, INDArray out) {          // 1 if y > 0, else 0.01: y > 0 exactly where z > 0
            Nd4j.getExecutioner().exec(new Step(y, out, 0.0));
            out.muli(1 - LEAKY_SLOPE).addi(LEAKY_SLOPE);
        }

        /** relu(z) - 0.01 relu(-z): SameDiff's own leakyRelu differentiates with the slope rounded to a float (0.0099999998). */
        @Override
        public SDVariable reference(SameDiff sd, SDVariable z) {
            return sd.nn().relu(z, 0).sub(sd.nn().relu(z.neg(), 0).mul(LEAKY_SLOPE));
        }
    },
    GELU("gelu", "GELU", 0x2a8fd6,
            new Slope(Activation.GELU_PEAK_SLOPE, "about 1 for large inputs, 0.5 at 0 and near 0 for very negative ones (a smooth ReLU)",
                    0.5, "about 0.5 near 0"),
            new UnitRule(Units.DEAD, "a unit is dead when its derivative is below 1/25 of its peak 1.13 for every training point"),
            new Loops(ActivationLoops::gelu, ActivationLoops::multiplyByGeluDerivative, null)) {
        @Override
        public void apply(INDArray z) {                                         // z Φ(z) = z (1 + erf(z / √2)) / 2
            z.muli(cdf(z));
        }

        @Override
        public void derivative(INDArray y, INDArray z, INDArray out) {          // Φ(z) + z φ(z), φ(z) = e^(-z^2 / 2) / √(2π)
            INDArray pdf = Transforms.exp(z.mul(z).muli(-0.5), false).muli(1 / Math.sqrt(2 * Math.PI));
            out.assign(cdf(z)).addi(pdf.muli(z));
        }

        @Override
        public boolean derivativeNeedsInput() {
            return true;
        }

        @Override
        public SDVariable reference(SameDiff sd, SDVariable z) {
            return z.mul(0.5).mul(sd.math().erf(z.div(Math.sqrt(2))).add(1));
        }

        /** Φ(z) = (1 + erf(z / √2)) / 2, the standard normal distribution function, as a new array. */
        private INDArray cdf(INDArray z) {
            INDArray erf = z.mul(Math.sqrt(0.5));
            Nd4j.getExecutioner().exec(new Erf(erf, erf));
            return erf.addi(1).muli(0.5);
        }
    };

    /** PyTorch's default negative slope of leaky_relu (the entries name it qualified: a constant, so no forward reference). */
    public static final double LEAKY_SLOPE = 0.01;
    /** GELU's steepest slope, where (Φ + zφ)' = φ (2 - z^2) = 0: Φ(√2) + √2 φ(√2) = (1 + erf 1) / 2 + √2 e^-1 / √(2π). */
    public static final double GELU_PEAK_SLOPE = (1 + 0.8427007929497149) / 2 + 0.20755374871029736;

    /**
     * What the answers say about f': {@code peak}, the largest |f'|; {@code words}, f' in words; {@code gain}, about what a
     * layer of it multiplies a gradient's norm by at small inputs besides its weights (sqrt of the mean of f'^2), and why
     * in {@code gainWords}.
     */
    public record Slope(double peak, String words, double gain, String gainWords) {}

    /**
     * How an activation's units that pass (almost) no gradient back are counted ({@link Units}: its derivative's size below
     * 1/25 of its peak), and the rule in its own terms.
     */
    public record UnitRule(Units kind, String words) {}

    /**
     * The Java loops of {@link ActivationLoops} and {@link Elementwise} for float arrays, each null where the formula serves: {@code apply}, f in
     * place; {@code multiplyByDerivative}, grad *= f' from y (from z where the derivative needs its input);
     * {@code unitShare}, the share of the rule's units from y.
     */
    public record Loops(Consumer<INDArray> apply, BiConsumer<INDArray, INDArray> multiplyByDerivative, ToDoubleFunction<INDArray> unitShare) {}

    /**
     * How a unit that passes (almost) no gradient back is counted, where the derivative's size is below 1/25 of its peak:
     * DEAD, a unit that does so for every training point (a column of the batch, e.g. a ReLU off for every input);
     * SATURATED, a (point, unit) pair that does (e.g. a sigmoid output near 0 or 1). The column of units.csv each fills.
     */
    public enum Units {
        DEAD("dead_fraction", "dead units", "units dead for every point (%)"),
        SATURATED("saturated_fraction", "saturated outputs", "saturated (point, unit) pairs (%)");

        /** The share below which a derivative counts as (almost) nothing: 1/25 of the activation's peak slope. */
        public static final double OF_PEAK = 1.0 / 25;

        private final String column, what, axis;

        Units(String column, String what, String axis) {
            this.column = column;
            this.what = what;
            this.axis = axis;
        }

        /** units.csv's column: {@code dead_fraction} or {@code saturated_fraction}. */
        public String column() { return column; }

        /** A figure's axis label for the share, in percent. */
        public String axis() { return axis; }

        /** e.g. {@code dead units}. */
        @Override
        public String toString() { return what; }
    }

    private final String option, display;
    private final int rgb;
    private final Slope slope;
    private final UnitRule units;
    private final Loops loops;

    /** {@code option}: its name in options and files (PyTorch's functional name); {@code display}: in figures and sentences. */
    Activation(String option, String display, int rgb, Slope slope, UnitRule units, Loops loops) {
        this.option = option;
        this.display = display;
        this.rgb = rgb;
        this.slope = slope;
        this.units = units;
        this.loops = loops;
    }

    /** The formula, in place: {@code z = f(z)}. */
    public abstract void apply(INDArray z);

    /** The derivative's formula: {@code out = f'(z)}, given the output {@code y = f(z)} and (when it needs it) the input z. */
    public abstract void derivative(INDArray y, INDArray z, INDArray out);

    /** The same function in ND4J's autodiff: what the tests check the nets' gradients against. */
    public abstract SDVariable reference(SameDiff sd, SDVariable z);

    /** Whether {@link #derivative} needs the pre-activation z (then the nets keep it), not only the output y. */
    public boolean derivativeNeedsInput() {
        return false;
    }

    /** Whether {@link #multiplyByDerivative} on arrays of {@code type} needs a scratch array (it has no Java loop for them). */
    public boolean needsScratch(DataType type) {
        return type != DataType.FLOAT || loops.multiplyByDerivative() == null;
    }

    /** {@code x = f(x)}: float arrays through this entry's Java loop, if it has one; otherwise the formula. */
    public void applyInPlace(INDArray x) {
        if (loops.apply() != null && x.dataType() == DataType.FLOAT) loops.apply().accept(x);
        else apply(x);
    }

    /**
     * {@code grad *= f'(z)}, given {@code y = f(z)} and, when {@link #derivativeNeedsInput}, z (otherwise it may be null).
     * {@code scratch} has y's shape and is overwritten; a float array with a Java loop needs none (it may be null).
     */
    public void multiplyByDerivative(INDArray grad, INDArray y, INDArray z, INDArray scratch) {
        if (loops.multiplyByDerivative() != null && grad.dataType() == DataType.FLOAT) {
            loops.multiplyByDerivative().accept(grad, derivativeNeedsInput() ? z : y);
            return;
        }
        derivative(y, z, scratch);
        grad.muli(scratch);
    }

    /**
     * The share of the units of a layer's outputs {@code y} [n, units] ('f'-ordered; {@code z} its inputs, needed when
     * {@link #derivativeNeedsInput}) that pass (almost) no gradient back, counted as {@link #units()} says: its derivative's
     * size below 1/25 of its peak ({@link Units#OF_PEAK}), in every row (DEAD) or per element (SATURATED).
     */
    public double unitShare(INDArray y, INDArray z) {
        return unitShare(y, z, null);
    }

    /** {@link #unitShare(INDArray, INDArray)}, the derivatives computed into {@code slopes} ([n, units] 'f' of y's type; null: a new one). */
    public double unitShare(INDArray y, INDArray z, INDArray slopes) {
        if (loops.unitShare() != null && y.dataType() == DataType.FLOAT) return loops.unitShare().applyAsDouble(y);
        if (slopes == null) slopes = Nd4j.create(y.dataType(), y.shape(), 'f');
        slopes.assign(1);
        multiplyByDerivative(slopes, y, z, needsScratch(y.dataType()) ? Nd4j.create(y.dataType(), y.shape(), 'f') : null);
        double below = slope.peak() * Units.OF_PEAK;
        if (y.dataType() == DataType.FLOAT) {
            return units.kind() == Units.DEAD ? Elementwise.columnsBelowFraction(slopes, (float) below) : Elementwise.belowFraction(slopes, (float) below);
        }
        INDArray small = Transforms.abs(slopes, false).lt(below).castTo(DataType.DOUBLE);
        return (units.kind() == Units.DEAD ? small.min(0) : small).meanNumber().doubleValue();
    }

    /** How figures and sentences name it: ReLU, Sigmoid, Tanh, LeakyReLU, GELU (toString gives the option's relu, sigmoid, ...). */
    public String displayName() { return display; }
    /** Its lines' colour in figures, 0xRRGGBB. */
    public int rgb() { return rgb; }
    /** What the answers say about f'. */
    public Slope slope() { return slope; }
    /** How its units that pass (almost) no gradient back are counted. */
    public UnitRule units() { return units; }

    /** The option's name: relu, sigmoid, tanh, leaky_relu, gelu (PyTorch's torch.nn.functional names). */
    @Override
    public String toString() {
        return option;
    }

    /** The option names, e.g. for picocli's {@code ${COMPLETION-CANDIDATES}} in --help. */
    public static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(Activation::toString).iterator();
        }
    }

    /** {@code relu, sigmoid, tanh, leaky_relu or gelu}. */
    public static String allowed() {
        return optionNames(List.of(values())).replaceFirst(" and (\\w+)$", " or $1");
    }

    /** One of the option names (any case); anything else is a one-line error naming {@code option} and what it allows. */
    public static Activation parse(String name, String option) {
        for (Activation a : values()) {
            if (a.option.equalsIgnoreCase(name.strip())) return a;
        }
        throw new BadInputException(option + " must be " + allowed() + ", got '" + name + "'");
    }

    /** A comma-separated list of option names, each at most once, e.g. {@code relu,sigmoid,tanh}. */
    public static List<Activation> parseList(String text, String option) {
        var activations = new ArrayList<Activation>();
        for (String name : text.split(",", -1)) {
            Activation a = parse(name, option);
            BadInputException.require(!activations.contains(a), option + " must name each of " + allowed() + " at most once, got '"
                    + text + "'");
            activations.add(a);
        }
        return List.copyOf(activations);
    }

    /** e.g. {@code ReLU and Sigmoid}, {@code ReLU, Sigmoid and Tanh}. */
    public static String displayNames(List<Activation> activations) {
        return and(activations.stream().map(Activation::displayName).toList());
    }

    /** e.g. {@code relu and sigmoid}, {@code relu, sigmoid and tanh}. */
    public static String optionNames(List<Activation> activations) {
        return and(activations.stream().map(Activation::toString).toList());
    }

    private static String and(List<String> names) {
        return names.size() <= 1 ? String.join("", names) : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /** The entry whose option or display name is {@code name} (any case), or null. */
    public static Activation named(String name) {
        for (Activation a : values()) if (a.option.equalsIgnoreCase(name) || a.display.equalsIgnoreCase(name)) return a;
        return null;
    }
}
