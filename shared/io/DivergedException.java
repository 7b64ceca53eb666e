package io;

/** A training run whose loss turned NaN or infinite; the message names the run and the epoch. */
public class DivergedException extends RuntimeException {
    public DivergedException(String message) {
        super(message);
    }
}
