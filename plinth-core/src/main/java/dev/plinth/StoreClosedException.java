package dev.plinth;

/**
 * The store was closed before or during the call. Not retryable on this store object.
 */
public class StoreClosedException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public StoreClosedException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public StoreClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
