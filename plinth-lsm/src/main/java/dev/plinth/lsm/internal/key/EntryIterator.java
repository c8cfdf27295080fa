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

    /** Releases what it holds. Idempotent. */
    @Override
    default void close() {
    }
}
