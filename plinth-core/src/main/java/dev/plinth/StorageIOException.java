package dev.plinth;

/**
 * The engine's storage failed (an I/O error, a failed fsync, a lost connection). After a failed fsync
 * an engine stays failed and says so on every later call, rather than retrying into a false success.
 */
public class StorageIOException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public StorageIOException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public StorageIOException(String message, Throwable cause) {
        super(message, cause);
    }
}
