package dev.plinth;

/**
 * A transaction or conditional write lost a race with another writer. Retryable: nothing was applied,
 * and running the same work again from the start may succeed.
 */
public class ConflictException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public ConflictException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
