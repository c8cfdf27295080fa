package dev.plinth;

/**
 * The storage has no room left (disk full, map full that cannot grow, quota). Nothing of the failed
 * write was applied.
 */
public class StorageFullException extends StorageIOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public StorageFullException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
