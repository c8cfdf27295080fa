package dev.plinth;

/**
 * The call needs something the engine does not offer (a durability level, a feature); see
 * {@link Capabilities}. Nothing was applied.
 */
public class UnsupportedCapabilityException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     */
    public UnsupportedCapabilityException(String message) {
        super(message);
    }

    /**
     * Makes the exception with a cause.
     *
     * @param message what happened, with the store, path or endpoint and the operation
     * @param cause the underlying error
     */
    public UnsupportedCapabilityException(String message, Throwable cause) {
        super(message, cause);
    }
}
