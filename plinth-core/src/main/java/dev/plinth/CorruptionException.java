package dev.plinth;

/**
 * Stored data failed a checksum or format check. Damaged data is reported, never returned; the engine
 * may refuse further writes.
 */
public class CorruptionException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public CorruptionException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public CorruptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
