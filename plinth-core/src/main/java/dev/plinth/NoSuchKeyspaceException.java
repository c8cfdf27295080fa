package dev.plinth;

/**
 * The named keyspace does not exist, or was dropped while a handle to it was held.
 */
public class NoSuchKeyspaceException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public NoSuchKeyspaceException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public NoSuchKeyspaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
