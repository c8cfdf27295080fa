package dev.plinth.decorators;

import dev.plinth.PlinthException;

/**
 * A read, snapshot, flush or compaction did not finish within the deadline of the timeout decorator
 * ({@link EngineDecorators.Builder#timeout(java.time.Duration)}). The call was abandoned; it may still be
 * running in the engine. A write that overruns is reported as {@link dev.plinth.OutcomeUnknownException}
 * instead, since it may still apply. Retryable.
 */
public class OperationTimeoutException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message which operation, on which store and key, and the deadline
     */
    public OperationTimeoutException(String message) {
        super(message);
    }
}
