package nn;

import java.util.Locale;
import io.BadInputException;

/**
 * How a net's initial weights are drawn, as PyTorch draws them: {@code TORCH} is nn.Linear's default
 * (kaiming_uniform_ with a = sqrt(5), biases U(-1/sqrt(fan_in), 1/sqrt(fan_in))); {@code XAVIER} and {@code KAIMING}
 * are torch.nn.init's xavier_uniform_ and kaiming_uniform_(nonlinearity='relu') with biases 0.
 */
public enum WeightInit {
    TORCH, XAVIER, KAIMING;

    /** Parses {@code torch|xavier|kaiming} (any case); anything else is a one-line error naming {@code option}. */
    public static WeightInit parse(String name, String option) {
        for (WeightInit w : values()) if (w.name().equalsIgnoreCase(name)) return w;
        throw new BadInputException(option + " must be torch, xavier or kaiming, got '" + name + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
