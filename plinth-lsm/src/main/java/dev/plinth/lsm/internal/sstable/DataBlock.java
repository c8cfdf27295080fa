package dev.plinth.lsm.internal.sstable;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One data block as stored (its checksum checked, decompressed), read in place: a lookup binary-searches
 * the restart points and decodes only the entries it passes, and an entry becomes an {@link Entry} (a copy
 * of its key and value) only when a reader asks for that one. The whole block is checked once, when it is
 * made ({@link #parse}): every length, every kind, the restart points and the order of the entries, so a
 * {@link Walker} never meets a malformed entry. Immutable and thread-safe; walkers are not.
 */
final class DataBlock {
    /** Bytes counted per block in a cache beyond its arrays: the objects around them. */
    static final int OVERHEAD = 64;

    private final byte[] b;
    /** The offset of each entry in {@link #b}. */
    private final int[] offsets;
    /** The indexes of the entries whose internal key is stored whole (0 first), ascending. */
    private final int[] restarts;
    /** See {@link #restartsExact()}. */
    private final boolean restartsExact;

    private DataBlock(byte[] b, int[] offsets, int[] restarts, boolean restartsExact) {
        this.b = b;
        this.offsets = offsets;
        this.restarts = restarts;
        this.restartsExact = restartsExact;
    }

    /**
     * Whether the block's stored restart offsets are exactly the entries this block counts as restarts, in
     * ascending order: the first entry, then each entry whose key is stored whole that the restart array
     * names, and nothing else. The writer always writes them so; {@link InPlaceWalker}, which searches the
     * stored offsets without an index of the entries, may walk only such a block.
     *
     * @return {@code true} if so
     */
    boolean restartsExact() {
        return restartsExact;
    }

    /**
     * Checks a block whose checksum held and indexes its entries (format in {@link BlockCodec}).
     *
     * @param b the block contents, trailer excluded; kept, not copied
     * @return the block
     * @throws IllegalArgumentException with a phrase saying what is wrong, if any entry is malformed or out of
     *     order, or a restart point is not where an entry with a whole key starts
     */
    static DataBlock parse(byte[] b) {
        return parse(b, b.length);
    }

    /**
     * Checks a block that fills the start of an array (a block read with its trailer, say) and indexes its
     * entries, keeping the array as it is: no copy of the block is made.
     *
     * @param b an array whose first {@code length} bytes are the block contents; kept, not copied; the bytes
     *     after them are never read
     * @param length the block's length, at most {@code b.length}
     * @return the block
     * @throws IllegalArgumentException as {@link #parse(byte[])} does, or if {@code length} is out of range
     */
    static DataBlock parse(byte[] b, int length) {
        if (length < 0 || length > b.length) {
            throw new IllegalArgumentException("a block of " + length + " bytes in an array of " + b.length);
        }
        if (length < 4) {
            throw new IllegalArgumentException("the block is shorter than its restart count");
        }
        int nRestarts = TableFormat.le(b).getInt(length - 4);
        long restartStart = (long) length - 4 - 4L * nRestarts;
        if (nRestarts < 1 || restartStart < 0) {
            throw new IllegalArgumentException("the block says " + nRestarts + " restart points");
        }
        int limit = (int) restartStart;
        int[] restartOffsets = new int[nRestarts];
        for (int i = 0; i < nRestarts; i++) {
            restartOffsets[i] = TableFormat.le(b).getInt(limit + 4 * i);
        }
        boolean exact = restartOffsets[0] == 0;
        for (int i = 1; i < nRestarts && exact; i++) {
            exact = restartOffsets[i] > restartOffsets[i - 1];
        }
        Arrays.sort(restartOffsets);
        int[] offsets = new int[Math.max(4, nRestarts * TableFormat.RESTART_INTERVAL)];
        int[] restarts = new int[nRestarts + 1];
        int nRestartEntries = 0;
        int nextRestart = 0;
        byte[] prev = new byte[64];
        byte[] cur = new byte[64];
        int prevLen = 0;
        long prevSeq = 0;
        int n = 0;
        int[] at = new int[1];
        while (at[0] < limit) {
            int pos = at[0];
            int shared = BlockCodec.varint(b, at, limit);
            int unshared = BlockCodec.varint(b, at, limit);
            int vlen = BlockCodec.varint(b, at, limit);
            while (nextRestart < nRestarts && restartOffsets[nextRestart] < pos) {
                nextRestart++; // a restart offset that is no entry's start: ignored (it is never searched)
            }
            boolean restart = n == 0;
            if (nextRestart < nRestarts && restartOffsets[nextRestart] == pos) {
                if (shared != 0) {
                    throw new IllegalArgumentException("the entry at restart point " + pos + " shares a prefix");
                }
                restart = true;
            }
            if (shared < 0 || shared > prevLen || unshared < 0 || vlen < 0 || (long) at[0] + unshared + 9 + vlen > limit) {
                throw new IllegalArgumentException("the entry at block offset " + pos + " runs past the block");
            }
            int len = shared + unshared;
            if (cur.length < len) {
                cur = Arrays.copyOf(cur, Math.max(len, 2 * cur.length));
            }
            System.arraycopy(prev, 0, cur, 0, shared);
            System.arraycopy(b, at[0], cur, shared, unshared);
            int p = at[0] + unshared;
            long seq = TableFormat.le(b).getLong(p);
            byte kind = b[p + 8];
            if (len < 4 || !Kind.isValid(kind)) {
                throw new IllegalArgumentException("entry " + n + " is malformed");
            }
            if (n > 0) {
                int c = Arrays.compareUnsigned(prev, 0, prevLen, cur, 0, len);
                if (c > 0 || (c == 0 && prevSeq <= seq)) {
                    throw new IllegalArgumentException("its keys are out of order at entry " + n);
                }
            }
            if (n == offsets.length) {
                offsets = Arrays.copyOf(offsets, 2 * n);
            }
            offsets[n] = pos;
            if (restart) {
                if (nRestartEntries == restarts.length) {
                    restarts = Arrays.copyOf(restarts, 2 * nRestartEntries);
                }
                restarts[nRestartEntries++] = n;
            }
            n++;
            byte[] t = prev;
            prev = cur;
            cur = t;
            prevLen = len;
            prevSeq = seq;
            at[0] = p + 9 + vlen;
        }
        exact = exact && n > 0 && nRestartEntries == nRestarts;
        for (int r = 0; r < nRestartEntries && exact; r++) {
            exact = offsets[restarts[r]] == restartOffsets[r];
        }
        return new DataBlock(b, Arrays.copyOf(offsets, n), Arrays.copyOf(restarts, nRestartEntries), exact);
    }

    /** The number of entries. */
    int size() {
        return offsets.length;
    }

    /** What the block costs a cache, in bytes (an estimate). */
    int weight() {
        return OVERHEAD + b.length + 4 * (offsets.length + restarts.length);
    }

    /** A new walker on this block, before the first entry. */
    Walker walker() {
        return new Walker(this);
    }

    /**
     * A position in the block, decoded in place: the current entry's internal key (in a buffer the walker
     * reuses), sequence number, kind and where its value lies. Moving forward decodes one entry; moving to
     * an arbitrary entry decodes from the restart point before it. Not thread-safe.
     */
    static final class Walker implements BlockWalk {
        private DataBlock block;
        private byte[] b;
        private int[] offsets;
        private int[] restarts;
        private int index = -1;
        private byte[] key = new byte[64];
        private int keyLen;
        private long seq;
        private byte kind;
        private int valueOff;
        private int valueLen;
        /** Where {@link #decode} reads. */
        private int at;
        /**
         * A read-only view of {@link #b} for {@link #valueView()}, made at the first call per block: the block
         * may be a cached one, whose CRC32C was checked once as it was read, so a sink that wrote to a lent
         * value would change it for every later reader unchecked.
         */
        private ByteBuffer values;

        Walker(DataBlock block) {
            reset(block);
        }

        /** Moves this walker (and its key buffer) to another block, before its first entry. */
        void reset(DataBlock next) {
            block = next;
            b = next.b;
            offsets = next.offsets;
            restarts = next.restarts;
            index = -1;
            values = null;
        }

        /** The block walked. */
        DataBlock block() {
            return block;
        }

        /** The current entry's index: -1 before the first, {@link #size()} after the last. */
        int index() {
            return index;
        }

        /** Whether the walker is on an entry. */
        @Override
        public boolean valid() {
            return index >= 0 && index < offsets.length;
        }

        /** Decodes entry {@code i}; {@link #key} must hold entry {@code i - 1}'s key unless {@code i} is a restart. */
        private void decode(int i) {
            at = offsets[i];
            int shared = nextVarint();
            int unshared = nextVarint();
            int vlen = nextVarint();
            int p = at;
            int len = shared + unshared;
            if (key.length < len) {
                key = Arrays.copyOf(key, Math.max(len, 2 * key.length));
            }
            System.arraycopy(b, p, key, shared, unshared);
            keyLen = len;
            p += unshared;
            seq = (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24
                    | (b[p + 4] & 0xFFL) << 32 | (b[p + 5] & 0xFFL) << 40 | (b[p + 6] & 0xFFL) << 48
                    | (b[p + 7] & 0xFFL) << 56;
            kind = b[p + 8];
            valueOff = p + 9;
            valueLen = vlen;
            index = i;
        }

        /** Reads a varint at {@link #at} (checked by {@link #parse}) and moves past it. */
        private int nextVarint() {
            int v = 0;
            for (int shift = 0; ; shift += 7) {
                int x = b[at++] & 0xFF;
                v |= (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
        }

        /** Moves to entry {@code i} (0 to {@link #size()}; {@code size()} is past the end, -1 before the start). */
        void moveTo(int i) {
            if (i < 0 || i >= offsets.length) {
                index = i < 0 ? -1 : offsets.length;
                return;
            }
            if (index >= 0 && index < i && i - index < TableFormat.RESTART_INTERVAL) {
                while (index < i) {
                    decode(index + 1);
                }
                return;
            }
            int r = restartAtOrBefore(i);
            decode(restarts[r]);
            while (index < i) {
                decode(index + 1);
            }
        }

        private int restartAtOrBefore(int i) {
            int lo = 0;
            int hi = restarts.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (restarts[mid] <= i) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        /** Moves to the next entry (past the end after the last). */
        @Override
        public void next() {
            if (index + 1 >= offsets.length) {
                index = offsets.length;
            } else {
                decode(index + 1);
            }
        }

        /** Moves to the previous entry (before the start from the first). */
        void prev() {
            moveTo(index - 1);
        }

        /**
         * Moves to the first entry at or after a position in {@link Entry#ORDER}, or past the end.
         *
         * @param ikey the internal key (keyspace id and user key)
         * @param atSeq the sequence number: entries of the same key with a higher one come before it
         */
        @Override
        public void seek(byte[] ikey, long atSeq) {
            // The last restart point whose entry is before the position; the answer is after it.
            int lo = 0;
            int hi = restarts.length - 1;
            int from = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                decode(restarts[mid]);
                if (compareTo(ikey, atSeq) < 0) {
                    from = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (from < 0) {
                if (offsets.length == 0) {
                    index = 0;
                } else {
                    decode(0);
                }
                return;
            }
            decode(restarts[from]);
            while (index < offsets.length && compareTo(ikey, atSeq) < 0) {
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

        @Override
        public long seq() {
            return seq;
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
        public byte kind() {
            return kind;
        }

        @Override
        public ByteBuffer valueView() {
            ByteBuffer v = values;
            if (v == null) {
                v = ByteBuffer.wrap(b).asReadOnlyBuffer();
                values = v;
            }
            return BlockWalk.valueAt(v, kind, valueOff, valueLen);
        }

        /** The array holding the current entry's value: the block itself. */
        byte[] valueArray() {
            return b;
        }

        /** Where the current entry's value starts in {@link #valueArray()}. */
        int valueOffset() {
            return valueOff;
        }

        /** The current entry's value length (0 for an entry that is not a put). */
        int valueLength() {
            return valueLen;
        }

        @Override
        public byte[] valueCopy() {
            return kind == Kind.PUT ? Arrays.copyOfRange(b, valueOff, valueOff + valueLen) : null;
        }
    }
}
