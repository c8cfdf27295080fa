package dev.plinth;

/**
 * An ordered walk over one keyspace's range, reading one consistent snapshot.
 *
 * <p>A cursor sees the store as it was when the cursor was opened (or, when opened from a
 * {@link Snapshot} or {@link Transaction}, as that view sees it); writes made later are invisible to it.
 * It starts before its first entry: call {@link #next()} to move to each entry in turn. That holds when its
 * keyspace is dropped while it is open, too: it keeps reading the view it opened on until it is closed
 * ({@link Store#dropKeyspace(String)}).
 *
 * <p>Not thread-safe: use a cursor from one thread at a time. A cursor holds engine resources until
 * {@link #close()}; closing the store closes it. Using a cursor after its own close throws
 * {@link IllegalStateException}; after the store's close, {@link StoreClosedException}. Cursors left open
 * are reported by {@link Store#openResources()}.
 */
public interface Cursor extends AutoCloseable {
    /**
     * Moves to the next entry in the cursor's direction.
     *
     * @return {@code true} if the cursor now stands on an entry; {@code false} once the range or the
     *     limit is exhausted (and on every later call until {@link #seek(byte[])})
     * @throws IllegalStateException if the cursor is closed
     * @throws StoreClosedException if the store is closed
     */
    boolean next();

    /**
     * The key of the current entry.
     *
     * @return a new array holding the key
     * @throws IllegalStateException if the cursor is not on an entry, or is closed
     */
    byte[] key();

    /**
     * The value of the current entry.
     *
     * @return a new array holding the value
     * @throws IllegalStateException if the cursor is not on an entry, is closed, or was opened keys-only
     */
    byte[] value();

    /**
     * Repositions the cursor so that the next call to {@link #next()} returns the first entry at or
     * after {@code key} in the cursor's direction: the smallest key {@code >= key} going forward, the
     * largest key {@code <= key} in reverse. Entries outside the cursor's range are never returned. The
     * limit keeps counting from where it stood.
     *
     * @param key where to continue from
     * @throws NullPointerException if {@code key} is null
     * @throws IllegalStateException if the cursor is closed
     */
    void seek(byte[] key);

    /** Releases the cursor and its snapshot. Idempotent. */
    @Override
    void close();
}
