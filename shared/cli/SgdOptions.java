package cli;

import picocli.CommandLine.Option;

/** How the lecture's nets are trained: {@code --epochs}, {@code --lr}, {@code --momentum}; a picocli mixin of lecture, deep, gradnorms. */
public class SgdOptions {
    /**
     * Twenty times the sheet's 1000. Every epoch's row and per-layer numbers are kept (history.csv, the figures), and a
     * test trains at this maximum (every allowed value must work), so it stays one that runs in seconds on a small net.
     */
    public static final int MAX_EPOCHS = 20_000;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "1000", description = "Full-batch epochs of each training run, 1 to "
            + MAX_EPOCHS + " (default: ${DEFAULT-VALUE}).")
    public int epochs;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "0.01", description = "SGD learning rate, a finite number > 0 (default: ${DEFAULT-VALUE}).")
    public double lr;

    @Option(names = "--momentum", paramLabel = "X", defaultValue = "0.99", description = "SGD momentum, PyTorch's semantics, in [0, 1) (default: ${DEFAULT-VALUE}).")
    public double momentum;

    /** Checks the options on their own (the range --help states). */
    public void validate() {
        validate(MAX_EPOCHS);
    }

    /** The same with fewer epochs allowed. */
    public void validate(int maxEpochs) {
        Cli.require(epochs >= 1 && epochs <= maxEpochs, "--epochs must be an integer from 1 to " + maxEpochs + ", got " + epochs);
        Cli.require(Double.isFinite(lr) && lr > 0, "--lr must be a finite number > 0, got " + lr);
        Cli.require(momentum >= 0 && momentum < 1, "--momentum must be a number in [0, 1), got " + momentum);
    }

    @Override
    public String toString() {
        return "--epochs " + epochs + " --lr " + lr + " --momentum " + momentum;
    }
}
