package dev.plinth.lsm.internal.sstable;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A forward walk over one uncompressed data block where it lies, in a view of a mapped table file, with no
 * copy of the block: a seek binary-searches the restart points stored at the block's end and decodes
 * entries from the one before the position; an entry becomes an {@link Entry} (its key and value copied)
 * only when a reader asks for that one.
 *
 * <p>Only for a block whose CRC32C was checked for this use and whose structure was checked whole once
 * ({@link DataBlock#parse}, with restart points that are exactly entries with a whole key, ascending; see
 * {@link DataBlock#restartsExact()}): the walk itself checks only that each entry it decodes lies inside the
 * block's entries, and throws {@link Damaged} if not. Every read of the view is an absolute, bounds-checked
 * {@link ByteBuffer} get, so even bytes that changed after the checks could not make it read outside the view. Not thread-safe; one walker per reader, reusable across blocks with {@link #reset}.
 */
final class InPlaceWalker implements BlockWalk {
    /** An entry that does not fit its block: the block's bytes changed after they were checked. */
    static final class Damaged extends RuntimeException {
        Damaged(String message) {
            super(message);
        }
    }

    /** The block's contents, position 0 at its first byte, little-endian; its trailer excluded. */
    private ByteBuffer b;
    /** Where the restart offsets start: the end of the entries. */
    private int limit;
    private int restartCount;
    /** The current entry's offset, or {@link #limit} once past the last. */
    private int at = -1;
    /** The offset of the entry after the current one. */
    private int nextAt;
    /** The current entry's internal key, its first {@link #keyLen} bytes; grown when a key does not fit. */
    private byte[] key;
    private int keyLen;
    private long seq;
    private byte kind;
    private int valueOff;
    private int valueLen;
    /**
     * Where {@link #decode} reads lengths of more than one byte: shared, unshared and value; made at the first
     * such entry (a get's walker, made per get, seldom meets one).
     */
    private int[] lengths;
    /** A read-only duplicate of {@link #b} for {@link #valueView()}; made at the first call per block. */
    private ByteBuffer values;

    /** A walker for a cursor, with room for internal keys of up to 64 bytes before its key buffer grows. */
    InPlaceWalker() {
        this(64);
    }

    /**
     * A walker whose key buffer starts at a given size: a get sizes it to its key, so that the buffer it
     * makes for the one block it reads is no larger than the keys there need.
     *
     * @param keyCapacity the key buffer's first size, in bytes
     */
    InPlaceWalker(int keyCapacity) {
        key = new byte[keyCapacity];
    }

    /**
     * Moves the walker to a block, before its first entry.
     *
     * @param block the block's contents (position 0 to limit), little-endian; checked as the class says
     */
    void reset(ByteBuffer block) {
        b = block;
        int length = block.limit();
        restartCount = block.getInt(length - 4);
        limit = length - 4 - 4 * restartCount;
        at = -1;
        nextAt = 0;
        values = null;
    }

    /** Whether the walker is on an entry. */
    @Override
    public boolean valid() {
        return at >= 0 && at < limit;
    }

    /** Moves to the next entry, or past the last. */
    @Override
    public void next() {
        if (nextAt >= limit) {
            at = limit;
        } else {
            decode(nextAt);
        }
    }

    /** Decodes the entry at offset {@code p}; {@link #key} holds the previous entry's key unless it is a restart. */
    private void decode(int p) {
        at = p;
        int shared;
        int unshared;
        int vlen;
        // Three varints: shared, unshared and value lengths. Most are one byte each (keys and values under 128
        // bytes), or the value length two: one read of four bytes then decodes all three. The four bytes lie
        // inside the block, since the entries are followed by at least the restart count's four.
        int three = p < limit ? b.getInt(p) : 0x80;
        if ((three & 0x808080) == 0) {
            shared = three & 0x7F;
            unshared = (three >>> 8) & 0x7F;
            vlen = (three >>> 16) & 0x7F;
            p += 3;
        } else if ((three & 0x80808080) == 0x800000) {
            // Values of 128 to 16,383 bytes (a Raft log's entries, most small records): the value length takes
            // two bytes, the fourth read already, its top bit clear as a varint's last byte has it.
            shared = three & 0x7F;
            unshared = (three >>> 8) & 0x7F;
            vlen = ((three >>> 16) & 0x7F) | (three >>> 24) << 7;
            p += 4;
        } else {
            p = decodeLengths(p);
            shared = lengths[0];
            unshared = lengths[1];
            vlen = lengths[2];
        }
        finish(p, shared, unshared, vlen);
    }

    /**
     * {@link #decode}'s general case: reads the three varints at {@code p} into {@link #lengths}.
     *
     * @return the offset after them
     */
    private int decodeLengths(int p) {
        int[] out = lengths;
        if (out == null) {
            out = new int[3];
            lengths = out;
        }
        for (int field = 0; field < 3; field++) {
            int v = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b.get(p++) & 0xFF;
                v |= (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    break;
                }
            }
            out[field] = v;
        }
        return p;
    }

    /**
     * The rest of {@link #decode}, after the lengths: checks that the entry fits the block's entries, then takes
     * its key (the {@code shared} bytes of the previous key kept), sequence number, kind and where its value is.
     */
    private void finish(int p, int shared, int unshared, int vlen) {
        // The block's bytes were checked when the reader entered it; should they have changed since (a page of
        // the file read again from a disk that lost it), an entry still never reaches past the entries' end.
        if (shared < 0 || unshared < 0 || vlen < 0 || shared > keyLen || unshared > limit - p
                || vlen > limit - (p + unshared) - 9) {
            throw new Damaged("the entry at offset " + at + " of a data block reaches past the block's " + limit
                    + " bytes of entries (shared " + shared + ", unshared " + unshared + ", value " + vlen + ")");
        }
        int len = shared + unshared;
        if (key.length < len) {
            key = Arrays.copyOf(key, Math.max(len, 2 * key.length));
        }
        b.get(p, key, shared, unshared);
        keyLen = len;
        p += unshared;
        seq = b.getLong(p);
        kind = b.get(p + 8);
        valueOff = p + 9;
        valueLen = vlen;
        nextAt = valueOff + vlen;
    }

    /**
     * Moves to the first entry at or after a position in {@link Entry#ORDER}, or past the last.
     *
     * @param ikey the internal key (keyspace id and user key)
     * @param atSeq the sequence number: entries of the same key with a higher one come before it
     */
    @Override
    public void seek(byte[] ikey, long atSeq) {
        if (limit == 0) {
            at = limit;
            return;
        }
        // The last restart point whose entry comes before the position; the answer is after it.
        int lo = 0;
        int hi = restartCount - 1;
        int from = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            decode(b.getInt(limit + 4 * mid));
            if (compareTo(ikey, atSeq) < 0) {
                from = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        decode(from < 0 ? 0 : b.getInt(limit + 4 * from));
        while (at < limit && compareTo(ikey, atSeq) < 0) {
            next();
        }
    }

    /**
     * Compares the current entry with a position in {@link Entry#ORDER}.
     *
     * @return negative if the entry comes before it, zero if it is that position, positive if after
     */
    @Override
    public int compareTo(byte[] ikey, long atSeq) {
        return TableFormat.compareEntry(key, keyLen, seq, ikey, atSeq);
    }

    /** Whether the current entry's internal key is {@code ikey}. */
    @Override
    public boolean keyEquals(byte[] ikey) {
        return Arrays.equals(key, 0, keyLen, ikey, 0, ikey.length);
    }

    /** The current entry's keyspace id. */
    @Override
    public int keyspace() {
        return TableFormat.keyspaceOf(key);
    }

    /** A copy of the current value, out of the view. */
    @Override
    public byte[] valueCopy() {
        if (kind != Kind.PUT) {
            return null;
        }
        byte[] v = new byte[valueLen];
        b.get(valueOff, v);
        return v;
    }

    @Override
    public byte[] keyBuffer() {
        return key;
    }

    @Override
    public int keyLength() {
        return keyLen;
    }

    @Override
    public long seq() {
        return seq;
    }

    @Override
    public byte kind() {
        return kind;
    }

    /** The current value as a read-only view of the mapping itself (see {@link BlockWalk#valueView()}). */
    @Override
    public ByteBuffer valueView() {
        ByteBuffer v = values;
        if (v == null) {
            v = b.asReadOnlyBuffer(); // a mapping is mapped read-only; the view says so whatever the Vfs
            values = v;
        }
        return BlockWalk.valueAt(v, kind, valueOff, valueLen);
    }
}
