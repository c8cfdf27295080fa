package dev.plinth.lsm.internal.key;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A walk over entries in {@link Entry#ORDER} (or its reverse), as the memtable and tables give them.
 * Starts on its first entry. Not thread-safe.
 *
 * <p>Besides {@link #current()}, which makes the entry an {@link Entry} (a table's walk copies its key and
 * value out of the block to do so), the walk describes its current entry in place: {@link #onEntry()},
 * {@link #keyspace()}, the user key as a range of an array ({@link #keyArray()}), {@link #seq()},
 * {@link #kind()} and the value as a buffer ({@link #valueView()}). Those are valid only until the walk moves,
 * and the value's bytes only while the structure walked is retained (a table's block may lie in its
 * mapping); a reader that keeps anything copies it. The defaults read {@link #current()}; walks that can
 * do without the {@code Entry} override them all.
 */
public interface EntryIterator extends AutoCloseable {
    /**
     * Compares the current entries of two walks on an entry in {@link Entry#ORDER}, in place: keyspace,
     * user key (unsigned), then sequence number descending.
     *
     * @param a one walk
     * @param b another
     * @return negative, zero or positive
     */
    static int compare(EntryIterator a, EntryIterator b) {
        int c = Integer.compare(a.keyspace(), b.keyspace());
        if (c != 0) {
            return c;
        }
        int ao = a.keyOffset();
        int bo = b.keyOffset();
        c = Arrays.compareUnsigned(a.keyArray(), ao, ao + a.keyLength(), b.keyArray(), bo, bo + b.keyLength());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
    }

    /**
     * The entry it is on.
     *
     * @return the entry, or {@code null} when exhausted
     */
    Entry current();

    /** Moves to the next entry. */
    void next();

    /**
     * Whether the walk is on an entry: {@code current() != null}, without making the entry.
     *
     * @return {@code true} if on an entry
     */
    default boolean onEntry() {
        return current() != null;
    }

    /** The current entry's keyspace id; only {@link #onEntry() on an entry}. */
    default int keyspace() {
        return current().keyspace();
    }

    /**
     * The array holding the current user key, from {@link #keyOffset()} for {@link #keyLength()} bytes; the
     * walk may reuse it when it moves. Only on an entry; never written to by the caller.
     */
    default byte[] keyArray() {
        return current().key();
    }

    /** Where the current user key starts in {@link #keyArray()}. */
    default int keyOffset() {
        return 0;
    }

    /** The current user key's length. */
    default int keyLength() {
        return current().key().length;
    }

    /** The current entry's sequence number. */
    default long seq() {
        return current().seq();
    }

    /** The current entry's {@link Kind}. */
    default byte kind() {
        return current().kind();
    }

    /**
     * The current value (a put's; empty for a delete), from the buffer's position to its limit: valid until
     * the walk moves, its bytes while the structure walked is retained. The buffer is read-only: it may lie
     * over memory others read (a memtable's entry, a cached block, a table's mapping). The walk may reuse
     * it; the caller copies what it keeps. The default wraps {@link #current()}'s value (a memtable's walk:
     * one buffer per entry, over the memtable's own array).
     *
     * @return the value
     */
    default ByteBuffer valueView() {
        return readOnlyView(current().value());
    }

    /**
     * A read-only buffer over an entry's value array, as {@link #valueView()} lends it.
     *
     * @param value the value, or {@code null} for an entry that is not a put (an empty buffer then)
     * @return the view, from the value's start to its end
     */
    static ByteBuffer readOnlyView(byte[] value) {
        return ByteBuffer.wrap(value == null ? new byte[0] : value).asReadOnlyBuffer();
    }

    /**
     * What to throw when reading the current value's bytes ({@link #valueView()}) failed with {@code e}: a
     * table read through a mapping reports a fault of the mapping as a read of that table failing (see
     * {@code TableReader}); any other walk, and any other failure, rethrows {@code e} as it is.
     *
     * @param e what reading the value threw
     * @return the exception to throw instead
     */
    default RuntimeException valueReadFailed(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        throw (Error) e;
    }

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
