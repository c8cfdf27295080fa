package dev.plinth;

import java.nio.ByteBuffer;

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
 *
 * <p><b>Copied and lent bytes.</b> {@link #key()} and {@link #value()} return a new array on every call,
 * which the caller owns. {@link #keyView()} and {@link #valueView()} <em>lend</em> the same bytes instead: a
 * read-only {@link ByteBuffer} that stays valid only until the cursor next moves or closes (the next call
 * to {@link #next()}, {@link #seek(byte[])} or {@link #close()}), after which its content is unspecified and
 * it may hold the next entry. A scan that looks at each entry once and keeps nothing (sums, filters,
 * serialising to a stream, comparing) can use the views and make no array per entry; copy what you keep,
 * or call {@link #key()} and {@link #value()}. The lending rule is RocksDB's and Pebble's for their
 * iterators' keys and values, with the view read-only so that no caller can change what the store holds.
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
     * The key of the current entry, lent: a read-only view whose bytes from its position to its limit are
     * the key, valid until the cursor next moves or closes ({@link #next()}, {@link #seek(byte[])},
     * {@link #close()}). After that its content is unspecified; do not keep it (copy its bytes, or call
     * {@link #key()}). Each call returns a view positioned at the key's first byte; the cursor may return the
     * same buffer object on every call and reset its position and limit, so the caller may move them freely
     * in between. Its byte order is irrelevant to its content.
     *
     * <p>The default implementation wraps a copy made by {@link #key()}; the store's own cursors lend without
     * making an array per entry.
     *
     * @return a read-only view of the key, valid until the cursor next moves or closes
     * @throws IllegalStateException if the cursor is not on an entry, or is closed
     * @throws StoreClosedException if the store is closed
     */
    default ByteBuffer keyView() {
        return ByteBuffer.wrap(key()).asReadOnlyBuffer();
    }

    /**
     * The value of the current entry, lent: a read-only view whose bytes from its position to its limit are
     * the value, under the same rules as {@link #keyView()}: valid until the cursor next moves or closes,
     * content unspecified after that, possibly the same buffer object on every call.
     *
     * <p>The default implementation wraps a copy made by {@link #value()}; the store's own cursors lend without
     * making an array per entry.
     *
     * @return a read-only view of the value, valid until the cursor next moves or closes
     * @throws IllegalStateException if the cursor is not on an entry, is closed, or was opened keys-only
     * @throws StoreClosedException if the store is closed
     */
    default ByteBuffer valueView() {
        return ByteBuffer.wrap(value()).asReadOnlyBuffer();
    }

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
