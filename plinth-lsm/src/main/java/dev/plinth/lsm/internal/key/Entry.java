package dev.plinth.lsm.internal.key;

import java.util.Arrays;
import java.util.Comparator;

/**
 * One version of one key of one keyspace: the unit the memtable holds, tables store and iterators merge.
 * Immutable; the arrays are never changed once an entry is made.
 *
 * @param keyspace the keyspace id
 * @param key the user key
 * @param seq the sequence number of the mutation that wrote it
 * @param kind a {@link Kind}
 * @param value the value of a {@link Kind#PUT}, else {@code null}
 */
public record Entry(int keyspace, byte[] key, long seq, byte kind, byte[] value) {
    /** Keyspace ascending, key ascending (unsigned), then sequence number descending: newest version first. */
    public static final Comparator<Entry> ORDER = Entry::compare;

    /**
     * Compares two positions in the internal order.
     *
     * @param ks1 keyspace of the first
     * @param k1 key of the first
     * @param s1 sequence number of the first
     * @param ks2 keyspace of the second
     * @param k2 key of the second
     * @param s2 sequence number of the second
     * @return negative, zero or positive
     */
    public static int compare(int ks1, byte[] k1, long s1, int ks2, byte[] k2, long s2) {
        int c = Integer.compare(ks1, ks2);
        if (c != 0) {
            return c;
        }
        c = Arrays.compareUnsigned(k1, k2);
        if (c != 0) {
            return c;
        }
        return Long.compare(s2, s1);
    }

    private static int compare(Entry a, Entry b) {
        return compare(a.keyspace, a.key, a.seq, b.keyspace, b.key, b.seq);
    }

    /**
     * Whether this is the same user key of the same keyspace as another.
     *
     * @param other the other entry
     * @return {@code true} if keyspace and key are equal
     */
    public boolean sameKey(Entry other) {
        return keyspace == other.keyspace && Arrays.equals(key, other.key);
    }

    @Override
    public String toString() {
        return "Entry[ks " + keyspace + ", key " + Arrays.toString(key) + ", seq " + seq + ", kind " + kind + "]";
    }
}
