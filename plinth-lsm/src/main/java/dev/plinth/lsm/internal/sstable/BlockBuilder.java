package dev.plinth.lsm.internal.sstable;

import java.util.Arrays;

/**
 * Builds one block at a time in the format {@link BlockCodec} describes (shared-prefix keys, restart points
 * every {@link TableFormat#RESTART_INTERVAL} entries, then the restart offsets and their count), into buffers
 * it keeps from block to block: adding an entry allocates nothing once the buffers have grown to a block's
 * size. Keys and values are read from the caller's arrays and copied into the block, so the caller may reuse
 * them after {@link #add} returns. Not thread-safe.
 */
final class BlockBuilder {
    private byte[] buf = new byte[2 * TableFormat.TARGET_BLOCK_SIZE];
    private int size;
    private int[] restarts = new int[64];
    private int nRestarts;
    private byte[] lastKey = new byte[64];
    private int lastKeyLength;
    private int count;

    /**
     * Appends an entry; keys must come in the block's order (not checked here).
     *
     * @param ikey an array whose first {@code ikeyLength} bytes are the internal key
     * @param ikeyLength the internal key's length
     * @param seq the sequence number
     * @param kind the kind
     * @param value the array holding the value ({@code null} if {@code valueLength} is 0)
     * @param valueOffset where the value starts in it
     * @param valueLength the value's length; 0 for an entry without a value
     */
    void add(byte[] ikey, int ikeyLength, long seq, byte kind, byte[] value, int valueOffset, int valueLength) {
        int shared = 0;
        if (count % TableFormat.RESTART_INTERVAL == 0) {
            if (nRestarts == restarts.length) {
                restarts = Arrays.copyOf(restarts, 2 * nRestarts);
            }
            restarts[nRestarts++] = size;
        } else {
            shared = Arrays.mismatch(lastKey, 0, lastKeyLength, ikey, 0, ikeyLength);
            if (shared < 0) {
                shared = lastKeyLength; // equal keys (a second version of one key)
            }
        }
        int unshared = ikeyLength - shared;
        ensure(15 + unshared + 9 + valueLength);
        putVarint(shared);
        putVarint(unshared);
        putVarint(valueLength);
        System.arraycopy(ikey, shared, buf, size, unshared);
        size += unshared;
        putLongLe(seq);
        buf[size++] = kind;
        if (valueLength > 0) {
            System.arraycopy(value, valueOffset, buf, size, valueLength);
            size += valueLength;
        }
        if (lastKey.length < ikeyLength) {
            lastKey = Arrays.copyOf(lastKey, Math.max(ikeyLength, 2 * lastKey.length));
        }
        System.arraycopy(ikey, shared, lastKey, shared, unshared);
        lastKeyLength = ikeyLength;
        count++;
    }

    /** The block's size if it were finished now. */
    int sizeEstimate() {
        return size + 4 * nRestarts + 4;
    }

    /** Entries added since the last {@link #reset}. */
    int count() {
        return count;
    }

    /**
     * Ends the block: appends the restart offsets and their count.
     *
     * @return the block's length; its bytes are the first that many of {@link #buffer()}, valid until
     *     {@link #reset}
     */
    int finish() {
        if (nRestarts == 0) {
            restarts[nRestarts++] = 0;
        }
        ensure(4 * nRestarts + 4);
        for (int i = 0; i < nRestarts; i++) {
            putIntLe(restarts[i]);
        }
        putIntLe(nRestarts);
        return size;
    }

    /** The array the block is built in. */
    byte[] buffer() {
        return buf;
    }

    /** Starts a new, empty block in the same buffers. */
    void reset() {
        size = 0;
        nRestarts = 0;
        lastKeyLength = 0;
        count = 0;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + more, 2 * buf.length));
        }
    }

    private void putVarint(int v) {
        while ((v & ~0x7F) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    private void putLongLe(long v) {
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    private void putIntLe(int v) {
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }
}
