package dev.plinth.internal;

import dev.plinth.spi.EntrySink;

/**
 * A cursor over stored forms, already filtered to what a read may see; the layer under
 * {@link CoreCursor}. Same movement rules as {@link dev.plinth.Cursor}. Not thread-safe.
 */
interface RawCursor extends AutoCloseable {
    boolean next();

    byte[] key();

    /** The stored form of the current entry's value. */
    byte[] raw();

    void seek(byte[] key);

    /**
     * Whether {@link #lend(EntrySink)} lends the engine's entries in place; {@code false} by default.
     *
     * @return whether this cursor lends natively
     */
    default boolean lendsEntries() {
        return false;
    }

    /**
     * Lends the next entries, key and stored form, as {@link dev.plinth.spi.EngineCursor#lend(EntrySink)}
     * does; only called when {@link #lendsEntries()}.
     *
     * @param sink takes each entry
     * @return {@code true} if the sink stopped the walk, {@code false} if it ended
     */
    default boolean lend(EntrySink sink) {
        throw new UnsupportedOperationException("this cursor does not lend its entries");
    }

    @Override
    void close();
}
