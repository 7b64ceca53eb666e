package io;

/**
 * Bad input from the user: an option, a file or a key that is not what it should be.
 * The message is one line that names the culprit and says what is allowed; scripts exit with code 2.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    /** Throws a one-line BadInputException with {@code message} unless {@code ok}. */
    public static void require(boolean ok, String message) {
        if (!ok) throw new BadInputException(message);
    }
}
