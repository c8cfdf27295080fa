package dev.plinth.raftlog;

import dev.plinth.PlinthException;

/**
 * An index named an entry that the log does not hold: purged already, or beyond the last entry.
 *
 * <p>Thrown before anything is changed. Instances are immutable.
 */
public class LogIndexOutOfRangeException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a full sentence naming the group, the index and the range the log holds
     */
    public LogIndexOutOfRangeException(String message) {
        super(message);
    }
}
