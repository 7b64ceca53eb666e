package study;

import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import nn.Activation;
import nn.WeightInit;

/**
 * What the depth sweep's nets add up to, in numbers (report.DepthResult puts them into words): every net (in the order
 * activation, depth, run) and per init scheme and activation the {@link Fit} of the first hidden layer's gradient against
 * depth, from the norms at the initial weights.
 */
public record DepthNumbers(DepthSweep sweep, List<DepthSweep.Net> nets, Map<WeightInit, Map<Activation, Fit>> fits) {
    /**
     * The least-squares line {@code log10(norm) = a + slope * depth} through hidden1's gradient norms at the initial
     * weights of the nets whose norm is positive ({@code points} of {@code nets}; {@code dead} had a norm of exactly 0):
     * each added layer multiplies the norm by {@link #factor()}. NaN with fewer than two depths.
     */
    public record Fit(double slope, int points, int dead, int nets) {
        public double factor() {
            return Math.pow(10, slope);
        }

        static Fit of(List<DepthSweep.Net> nets, WeightInit scheme) {
            double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            int dead = 0;
            for (DepthSweep.Net net : nets) {
                double norm = net.firstLayer(scheme);
                if (net.dead(scheme)) dead++;
                if (!(norm > 0) || !Double.isFinite(norm)) continue;
                double y = Math.log10(norm);
                n++;
                sx += net.depth();
                sy += y;
                sxx += (double) net.depth() * net.depth();
                sxy += net.depth() * y;
            }
            double spread = n * sxx - sx * sx;
            return new Fit(spread > 0 ? (n * sxy - sx * sy) / spread : Double.NaN, (int) n, dead, nets.size());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "\u00d7%.3f per layer (%d of %d nets%s)", factor(), points, nets,
                    dead > 0 ? ", " + dead + " dead" : "");
        }
    }

    public DepthNumbers {
        nets = List.copyOf(nets);
        var copy = new EnumMap<WeightInit, Map<Activation, Fit>>(WeightInit.class);
        fits.forEach((scheme, byActivation) -> copy.put(scheme, Collections.unmodifiableMap(new LinkedHashMap<>(byActivation))));
        fits = Collections.unmodifiableMap(copy);
    }

    /** The numbers of {@code nets} of {@code sweep} (in any order), with the fits of every init scheme worked out. */
    public static DepthNumbers of(DepthSweep sweep, List<DepthSweep.Net> nets) {
        Comparator<DepthSweep.Net> order = Comparator.comparingInt(n -> sweep.activations().indexOf(n.activation()));
        List<DepthSweep.Net> sorted = nets.stream().sorted(order.thenComparingInt(DepthSweep.Net::depth).thenComparingInt(DepthSweep.Net::run))
                .toList();
        var fits = new EnumMap<WeightInit, Map<Activation, Fit>>(WeightInit.class);
        for (WeightInit scheme : WeightInit.values()) {
            var byActivation = new LinkedHashMap<Activation, Fit>();
            for (Activation a : sweep.activations()) byActivation.put(a, Fit.of(of(sorted, a), scheme));
            fits.put(scheme, byActivation);
        }
        return new DepthNumbers(sweep, sorted, fits);
    }

    /** The fit of {@code activation}'s nets under the sweep's own init scheme. */
    public Fit fit(Activation activation) {
        return fits.get(sweep.init()).get(activation);
    }

    /** The nets of one activation. */
    public List<DepthSweep.Net> nets(Activation activation) {
        return of(nets, activation);
    }

    private static List<DepthSweep.Net> of(List<DepthSweep.Net> nets, Activation activation) {
        return nets.stream().filter(n -> n.activation() == activation).toList();
    }

    /** hidden1's gradient norms at the initial weights (the sweep's scheme) of {@code activation}'s runs at {@code depth}. */
    public Stats firstLayer(Activation activation, int depth) {
        return Stats.of(nets(activation).stream().filter(n -> n.depth() == depth).mapToDouble(n -> n.firstLayer(sweep.init())).toArray());
    }

    /** A statistic of {@link #firstLayer(Activation, int)} at every depth of the sweep, e.g. {@code Stats::median}. */
    public double[] firstLayer(Activation activation, ToDoubleFunction<Stats> statistic) {
        return sweep.depths().stream().mapToDouble(d -> statistic.applyAsDouble(firstLayer(activation, d))).toArray();
    }

    /** The depth of each dead net of {@code activation} (hidden1's gradient exactly 0 at the initial weights), once per net. */
    public double[] deadDepths(Activation activation) {
        return nets(activation).stream().filter(n -> n.dead(sweep.init())).mapToDouble(DepthSweep.Net::depth).toArray();
    }

    /** Diverged nets' messages (none: empty). */
    public List<String> diverged() {
        return nets.stream().filter(n -> !n.finished()).map(DepthSweep.Net::diverged).toList();
    }
}
