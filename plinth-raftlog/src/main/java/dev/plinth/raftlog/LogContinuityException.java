package dev.plinth.raftlog;

import dev.plinth.PlinthException;

/**
 * Entries handed to an append or replace would leave a gap in the log, or a term lower than the one before.
 *
 * <p>Thrown before anything is changed. Instances are immutable.
 */
public class LogContinuityException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a full sentence naming the group, the expected index or term and the one given
     */
    public LogContinuityException(String message) {
        super(message);
    }
}
