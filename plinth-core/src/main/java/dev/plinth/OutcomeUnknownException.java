package dev.plinth;

/**
 * A write to a remote store may or may not have been applied (for example it timed out after being
 * sent). Never retried automatically: the caller must read back to find out.
 */
public class OutcomeUnknownException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public OutcomeUnknownException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
