package dev.plinth.lsm.internal.sstable;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A forward walk over one data block's entries in {@link Entry#ORDER}, decoding each entry in place: over a
 * block held in the heap ({@link DataBlock.Walker}) or where it lies in a mapped table ({@link InPlaceWalker}).
 * A table reads a block through whichever its read path gives and walks both the same way. Not thread-safe.
 */
interface BlockWalk {
    /** Whether the walk is on an entry (not before the first or past the last). */
    boolean valid();

    /** Moves to the next entry (past the end after the last). */
    void next();

    /**
     * Moves to the first entry at or after a position in {@link Entry#ORDER}, or past the end.
     *
     * @param ikey the internal key (keyspace id and user key)
     * @param atSeq the sequence number: entries of the same key with a higher one come before it
     */
    void seek(byte[] ikey, long atSeq);

    /**
     * Compares the current entry with a position in {@link Entry#ORDER}.
     *
     * @return negative if the entry comes before it, zero if it is that position, positive if after
     */
    int compareTo(byte[] ikey, long atSeq);

    /** Whether the current entry's internal key is {@code ikey}. */
    boolean keyEquals(byte[] ikey);

    /** The current entry's keyspace id. */
    int keyspace();

    /** The current entry as an {@link Entry}: its key and value copied out of the block. */
    default Entry entry() {
        return new Entry(keyspace(), Arrays.copyOfRange(keyBuffer(), TableFormat.KEYSPACE_BYTES, keyLength()), seq(),
                kind(), valueCopy());
    }

    /**
     * The current entry as an {@link Entry} with a user key the caller has and knows to be this entry's (a
     * get's, after {@link #keyEquals}): only the value is copied out of the block.
     *
     * @param userKey the entry's user key, kept in the entry as it is
     * @return the entry
     */
    default Entry entry(byte[] userKey) {
        return new Entry(keyspace(), userKey, seq(), kind(), valueCopy());
    }

    /** A copy of the current entry's value; {@code null} for an entry that is not a put. */
    byte[] valueCopy();

    /** The buffer holding the current entry's internal key (its first {@link #keyLength()} bytes); reused. */
    byte[] keyBuffer();

    /** The length of the current entry's internal key (keyspace id and user key). */
    int keyLength();

    /** The current entry's sequence number. */
    long seq();

    /** The current entry's kind. */
    byte kind();

    /**
     * The current entry's value where it lies in the block (empty for an entry that is not a put), from the
     * buffer's position to its limit; one read-only buffer per walker and block, moved from entry to entry, so
     * valid until the walk moves. No copy is made.
     */
    ByteBuffer valueView();

    /**
     * Moves a walker's value view (one per walker and block, over the whole block) to the current value:
     * {@code length} bytes at {@code offset} for a put, none there for any other kind.
     *
     * @param view the walker's view of its block
     * @param kind the current entry's kind
     * @param offset where its value starts in the view
     * @param length its value's length
     * @return {@code view}, from the value's start to its end
     */
    static ByteBuffer valueAt(ByteBuffer view, byte kind, int offset, int length) {
        view.limit(offset + (kind == Kind.PUT ? length : 0)).position(offset);
        return view;
    }
}
