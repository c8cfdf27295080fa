package dev.plinth.lsm.internal.key;

/**
 * A walk over entries in {@link Entry#ORDER} (or its reverse), as the memtable and tables give them.
 * Starts on its first entry. Not thread-safe.
 */
public interface EntryIterator extends AutoCloseable {
    /**
     * The entry it is on.
     *
     * @return the entry, or {@code null} when exhausted
     */
    Entry current();

    /** Moves to the next entry. */
    void next();

    /**
     * Re-positions the walk as if it had just been opened from {@code from} in its direction, over the same
     * structures (forward: on the first entry at or after {@code from}; reverse: on the last at or before
     * it; {@code null} for the keyspace's edge). Allowed after exhaustion; not after {@link #close()}.
     * Walks that cannot re-position throw {@link UnsupportedOperationException}.
     *
     * @param from where to start
     */
    default void seek(byte[] from) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot seek");
    }

    /** Releases what it holds. Idempotent. */
    @Override
    default void close() {
    }
}
