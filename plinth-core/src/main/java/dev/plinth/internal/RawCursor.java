package dev.plinth.internal;

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

    @Override
    void close();
}
