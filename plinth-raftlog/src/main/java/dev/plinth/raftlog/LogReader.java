package dev.plinth.raftlog;

/**
 * A streaming read of consecutive log entries, returned by {@link LogStore#entries}.
 *
 * <p>Not thread safe: one thread uses a reader at a time. A reader must be closed; {@link #close()} is
 * idempotent. The entries it yields are those the log held when the reader was created; a reader does not
 * see later appends, and a later truncate, replace or purge of the entries it covers may make
 * {@link #next()} fail with {@link LogIndexOutOfRangeException} rather than return a changed entry.
 */
public interface LogReader extends AutoCloseable {

    /**
     * Moves to the next entry.
     *
     * @return {@code true} if there is one (read it with {@link #entry()}); {@code false} at the end of the
     *         requested range or when the byte budget is spent
     * @throws dev.plinth.StoreClosedException if this reader or its log store was closed
     * @throws dev.plinth.CorruptionException if the stored entry is damaged
     */
    boolean next();

    /**
     * The entry {@link #next()} moved to.
     *
     * @return the current entry
     * @throws IllegalStateException if {@link #next()} was not called or returned {@code false}
     */
    LogEntry entry();

    /** Releases what the reader holds. Safe to call twice. */
    @Override
    void close();
}
