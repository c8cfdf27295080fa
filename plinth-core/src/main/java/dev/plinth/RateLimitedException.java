package dev.plinth;

/**
 * A rate-limiting decorator refused the call. Retryable after a pause; nothing was applied.
 */
public class RateLimitedException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public RateLimitedException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public RateLimitedException(String message, Throwable cause) {
        super(message, cause);
    }
}
