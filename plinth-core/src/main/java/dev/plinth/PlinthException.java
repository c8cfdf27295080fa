package dev.plinth;

/**
 * The root of every error Plinth raises, other than the JDK's own exceptions for programmer errors
 * ({@link NullPointerException}, {@link IllegalArgumentException}, {@link IllegalStateException}).
 * Unchecked. Engine errors are translated into a subclass at the engine's edge.
 */
public class PlinthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public PlinthException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public PlinthException(String message, Throwable cause) {
        super(message, cause);
    }
}
