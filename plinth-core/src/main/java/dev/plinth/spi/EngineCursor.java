package dev.plinth.spi;

import java.nio.ByteBuffer;

/**
 * An engine's ordered walk over {@code [start, end)} of one keyspace, in one direction, over one
 * consistent view. Same vocabulary as {@link dev.plinth.Cursor}: it starts before its first entry and
 * {@link #next()} moves to each entry in turn; {@link #seek(byte[])} repositions. Not thread-safe.
 *
 * <p>{@link #key()} and {@link #value()} throw {@link IllegalStateException} when the cursor is not on an
 * entry. A cursor opened before its keyspace was dropped keeps reading the view it opened on, through
 * {@link #next()} and {@link #seek(byte[])}, until it is closed; the engine keeps whatever native state that
 * needs alive until then (the conformance kit checks it in a child JVM, so a crash fails a test).
 *
 * <p>A cursor may also <em>lend</em> its entries ({@link #lend(EntrySink)}): hand several at a time to a sink
 * as buffers valid only while the sink reads them, so that an engine whose entries live in memory it owns
 * (a memory map) need not copy them into new arrays first. Lending is optional: {@link #lendsEntries()} says
 * whether a cursor does it natively, and the default {@link #lend(EntrySink)} steps with {@link #next()} and
 * wraps the arrays, so an engine that does not lend needs no change.
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

    /**
     * Whether {@link #lend(EntrySink)} lends without copying (this cursor implements it); {@code false} by
     * default, when lending would only wrap the arrays {@link #next()} makes.
     *
     * @return whether this cursor lends natively
     */
    default boolean lendsEntries() {
        return false;
    }

    /**
     * Moves on through the entries after the current position, in the cursor's direction and within its
     * bounds, handing each to {@code sink} until the sink returns {@code false} or the walk ends: the same
     * entries, in the same order, as calls of {@link #next()} would land on. The buffers are valid only
     * during each call of the sink (see {@link EntrySink}). Afterwards the caller does not ask for
     * {@link #key()} or {@link #value()} before the cursor moves again, and the next {@link #next()} or
     * {@code lend} goes on after the last entry lent; a cursor that read entries ahead through {@link #next()}
     * need not lend whole values for those, so callers do not mix the two on one cursor. If the sink throws for an entry, that entry counts as lent: the exception
     * propagates, and the walk may go on after it as after a failed {@link #next()}.
     *
     * @param sink takes each entry; its buffers are valid during its call only
     * @return {@code true} if the sink stopped the walk (entries may follow), {@code false} if the walk ended
     */
    default boolean lend(EntrySink sink) {
        while (next()) {
            byte[] value = value();
            if (!sink.entry(ByteBuffer.wrap(key()), ByteBuffer.wrap(value == null ? new byte[0] : value))) {
                return true;
            }
        }
        return false;
    }

    /** Releases the cursor. Idempotent. */
    @Override
    void close();
}
