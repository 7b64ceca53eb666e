package nn;

import java.util.Arrays;
import java.util.Locale;
import io.Format;

/**
 * The yardstick of "as expected": what PyTorch 1.13 gives for the lecture's setup (2 -> 264 -> 2 -> 2, ReLU, SGD lr
 * 0.01 momentum 0.99, 1000 full-batch epochs on the lecture data), seeds 0..29, each from torch.manual_seed(seed):
 * the final test accuracy of the net after its last update. Made by tests/fixtures/make_torch_fixtures.py
 * (torch_lecture_seeds.csv; a test holds this copy to it). One chance threshold serves every step.
 */
public final class PyTorchReference {
    /** A run "stayed at chance" when its final test accuracy is at most this (two balanced classes: 50% is a coin). */
    public static final double CHANCE = 0.55;

    /** Seed 1 learns; seed 0, PyTorch's usual first choice, is one whose 2 latent ReLUs die (chance level). */
    public static final long DEFAULT_SEED = 1;

    /** PyTorch's final test accuracy of the lecture net for seeds 0, 1, 2, ... */
    static final double[] TEST_ACCURACY = {
        0.5, 0.98, 0.985, 0.98, 0.98, 0.5, 0.985, 0.99, 0.98, 0.985,
        0.98, 0.98, 0.99, 0.98, 0.985, 0.985, 0.98, 0.98, 0.98, 0.975,
        0.98, 0.99, 0.97, 0.98, 0.98, 0.98, 0.985, 0.98, 0.98, 0.985
    };

    private PyTorchReference() {}

    /** The table, seed by seed. */
    public static double[] testAccuracies() {
        return TEST_ACCURACY.clone();
    }

    /** PyTorch's final test accuracy for {@code seed}, or NaN when the table does not have it. */
    public static double testAccuracy(long seed) {
        return seed >= 0 && seed < TEST_ACCURACY.length ? TEST_ACCURACY[(int) seed] : Double.NaN;
    }

    public static boolean atChance(double testAccuracy) {
        return testAccuracy <= CHANCE;
    }

    /** The seeds that left chance. */
    static double[] learned() {
        return Arrays.stream(TEST_ACCURACY).filter(a -> !atChance(a)).toArray();
    }

    /** The lowest final test accuracy among the seeds that learned: below it (less a margin) a run is not as expected. */
    public static double worstLearned() {
        return Arrays.stream(learned()).min().orElse(1);
    }

    public static double best() {
        return Arrays.stream(TEST_ACCURACY).max().orElse(0);
    }

    public static double mean() {
        return Arrays.stream(TEST_ACCURACY).average().orElse(Double.NaN);
    }

    public static int seeds() {
        return TEST_ACCURACY.length;
    }

    public static int stuckSeeds() {
        return seeds() - learned().length;
    }

    /** e.g. "PyTorch, seeds 0-29: test acc mean 95.0%, best 99.0%, 2 of 30 stuck at chance, the others 97.0-99.0%". */
    public static String summary() {
        return String.format(Locale.ROOT, "PyTorch, seeds 0-%d: test acc mean %s, best %s, %d of %d stuck at chance, the others %s-%s",
                seeds() - 1, Format.percent(mean()), Format.percent(best()), stuckSeeds(), seeds(), Format.percent(worstLearned()),
                Format.percent(best()));
    }
}
