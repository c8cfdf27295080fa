package dev.plinth.spi;

/**
 * An engine's ordered walk over {@code [start, end)} of one keyspace, in one direction, over one
 * consistent view. Same vocabulary as {@link dev.plinth.Cursor}: it starts before its first entry and
 * {@link #next()} moves to each entry in turn; {@link #seek(byte[])} repositions. Not thread-safe.
 *
 * <p>{@link #key()} and {@link #value()} throw {@link IllegalStateException} when the cursor is not on an
 * entry. A cursor opened before its keyspace was dropped keeps reading the view it opened on, through
 * {@link #next()} and {@link #seek(byte[])}, until it is closed; the engine keeps whatever native state that
 * needs alive until then (the conformance kit checks it in a child JVM, so a crash fails a test).
 */
public interface EngineCursor extends AutoCloseable {
    /**
     * Moves to the next entry in the cursor's direction, within its bounds.
     *
     * @return {@code true} if on an entry, {@code false} when exhausted
     */
    boolean next();

    /**
     * The current key. The engine must not change the returned array afterwards.
     *
     * @return the key
     */
    byte[] key();

    /**
     * The current value, or, when the cursor's {@link ScanSpec#valueBytes()} is less than
     * {@link ScanSpec#FULL_VALUES}, possibly only a prefix of it of at least that many bytes (all of a
     * shorter value). The engine must not change the returned array afterwards.
     *
     * @return the value, or a prefix of it
     */
    byte[] value();

    /**
     * Repositions so that the next {@link #next()} returns the first entry at or after {@code key} in the
     * cursor's direction ({@code >= key} forward, {@code <= key} in reverse), within the bounds.
     *
     * @param key the target
     */
    void seek(byte[] key);

    /** Releases the cursor. Idempotent. */
    @Override
    void close();
}
