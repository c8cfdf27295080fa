package dev.plinth;

/**
 * A consistent, repeatable read view of a whole store at the moment it was taken: every read through it
 * sees the same state, across all keyspaces, whatever is written later.
 *
 * <p>Thread-safe for reads; cursors opened from it follow {@link Cursor}'s rules. A snapshot holds engine
 * resources (it may keep old versions alive, and on some engines stop space reuse) until
 * {@link #close()}; close it promptly. Closing it closes cursors opened from it. Reads after its close throw
 * {@link IllegalStateException}; after the store's close, {@link StoreClosedException}.
 */
public interface Snapshot extends ReadView, AutoCloseable {
    /** Releases the snapshot and the cursors opened from it. Idempotent. */
    @Override
    void close();
}
