package dev.plinth.etcd;

import dev.plinth.StorageIOException;

/**
 * A read needed a revision that etcd compacted away: the snapshot or cursor that asked can no longer show
 * the view it was opened on, and says so instead of showing a different one. Take a new snapshot (or open a
 * new cursor) to go on. Thrown by snapshots and cursors of {@code etcd:} stores; thread-safe like every
 * exception.
 */
public class CompactedRevisionException extends StorageIOException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message a sentence naming the store and what was read
     * @param cause the client's error
     */
    public CompactedRevisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
