package dev.plinth.lsm.internal.sstable;

import dev.plinth.lsm.internal.key.Entry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds and parses blocks of entries with shared-prefix compression and restart points. An entry is
 * {@code shared, unshared, valueLength} (varints), the unshared bytes of its internal key, its sequence
 * number (8), its kind (1) and its value; a value length of 0 with kind other than a put means no value.
 * The block ends with the restart offsets (4 each) and their count (4). Not thread-safe.
 */
final class BlockCodec {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Integer> restarts = new ArrayList<>();
    private byte[] lastKey = new byte[0];
    private int count;

    void add(byte[] ikey, long seq, byte kind, byte[] value) {
        int shared = 0;
        if (count % TableFormat.RESTART_INTERVAL == 0) {
            restarts.add(out.size());
        } else {
            int max = Math.min(lastKey.length, ikey.length);
            while (shared < max && lastKey[shared] == ikey[shared]) {
                shared++;
            }
        }
        int vlen = value == null ? 0 : value.length;
        TableFormat.putVarint(out, shared);
        TableFormat.putVarint(out, ikey.length - shared);
        TableFormat.putVarint(out, vlen);
        out.write(ikey, shared, ikey.length - shared);
        byte[] fixed = new byte[9];
        TableFormat.le(fixed).putLong(seq).put(kind);
        out.write(fixed, 0, 9);
        if (vlen > 0) {
            out.write(value, 0, vlen);
        }
        lastKey = ikey;
        count++;
    }

    int sizeEstimate() {
        return out.size() + 4 * restarts.size() + 4;
    }

    int count() {
        return count;
    }

    byte[] finish() {
        if (restarts.isEmpty()) {
            restarts.add(0);
        }
        byte[] tail = new byte[4 * restarts.size() + 4];
        ByteBuffer b = TableFormat.le(tail);
        for (int r : restarts) {
            b.putInt(r);
        }
        b.putInt(restarts.size());
        out.write(tail, 0, tail.length);
        return out.toByteArray();
    }

    /** A parsed block entry. */
    record Item(byte[] ikey, long seq, byte kind, byte[] value) {
        Entry toEntry(boolean isPut) {
            int ks = ((ikey[0] & 0xFF) << 24) | ((ikey[1] & 0xFF) << 16) | ((ikey[2] & 0xFF) << 8) | (ikey[3] & 0xFF);
            return new Entry(ks, Arrays.copyOfRange(ikey, 4, ikey.length), seq, kind, isPut ? value : null);
        }
    }

    /**
     * Parses a block whose checksum held.
     *
     * @param b the block contents, trailer excluded
     * @return its entries in order
     * @throws IllegalArgumentException with a phrase saying what is wrong, if it does not parse
     */
    static List<Item> parse(byte[] b) {
        if (b.length < 4) {
            throw new IllegalArgumentException("the block is shorter than its restart count");
        }
        ByteBuffer buf = TableFormat.le(b);
        int nRestarts = buf.getInt(b.length - 4);
        long restartStart = (long) b.length - 4 - 4L * nRestarts;
        if (nRestarts < 1 || restartStart < 0) {
            throw new IllegalArgumentException("the block says " + nRestarts + " restart points");
        }
        int limit = (int) restartStart;
        // Restart offsets, sorted, walked alongside the entries (no set of boxed offsets per block).
        int[] restartOffsets = new int[nRestarts];
        for (int i = 0; i < nRestarts; i++) {
            restartOffsets[i] = buf.getInt(limit + 4 * i);
        }
        Arrays.sort(restartOffsets);
        int nextRestart = 0;
        List<Item> items = new ArrayList<>(Math.max(10, nRestarts * TableFormat.RESTART_INTERVAL));
        byte[] last = new byte[0];
        int pos = 0;
        int[] at = new int[1];
        while (pos < limit) {
            at[0] = pos;
            int shared = varint(b, at, limit);
            int unshared = varint(b, at, limit);
            int vlen = varint(b, at, limit);
            while (nextRestart < nRestarts && restartOffsets[nextRestart] < pos) {
                nextRestart++;
            }
            if (nextRestart < nRestarts && restartOffsets[nextRestart] == pos && shared != 0) {
                throw new IllegalArgumentException("the entry at restart point " + pos + " shares a prefix");
            }
            if (shared < 0 || shared > last.length || unshared < 0 || vlen < 0
                    || (long) at[0] + unshared + 9 + vlen > limit) {
                throw new IllegalArgumentException("the entry at block offset " + pos + " runs past the block");
            }
            byte[] key = new byte[shared + unshared];
            System.arraycopy(last, 0, key, 0, shared);
            System.arraycopy(b, at[0], key, shared, unshared);
            int p = at[0] + unshared;
            long seq = buf.getLong(p);
            byte kind = b[p + 8];
            byte[] value = Arrays.copyOfRange(b, p + 9, p + 9 + vlen);
            items.add(new Item(key, seq, kind, value));
            last = key;
            pos = p + 9 + vlen;
        }
        return items;
    }

    /**
     * Reads one entry-header varint at {@code at[0]} (advanced past it), refusing one that runs past
     * {@code limit} or is longer than five bytes; shared with {@link DataBlock}'s in-place parse.
     */
    static int varint(byte[] b, int[] at, int limit) {
        int v = 0;
        for (int shift = 0; shift <= 28; shift += 7) {
            if (at[0] >= limit) {
                throw new IllegalArgumentException("a length runs past the block");
            }
            int x = b[at[0]++] & 0xFF;
            v |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("a length is longer than five bytes");
    }
}
