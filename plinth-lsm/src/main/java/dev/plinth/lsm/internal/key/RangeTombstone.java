package dev.plinth.lsm.internal.key;

import java.util.Arrays;

/**
 * A range delete: hides every version older than it of every key in {@code [start, end)} of a keyspace.
 * Immutable.
 *
 * @param keyspace the keyspace id
 * @param start the inclusive start, or {@code null} for unbounded
 * @param end the exclusive end, or {@code null} for unbounded
 * @param seq the sequence number of the mutation
 * @param reclaim whether it only reclaims expired entries (see {@link Kind#RECLAIM})
 */
public record RangeTombstone(int keyspace, byte[] start, byte[] end, long seq, boolean reclaim) {
    /**
     * Whether it covers a key.
     *
     * @param ks the keyspace id
     * @param key the key
     * @return {@code true} if the key is in the range of the same keyspace
     */
    public boolean covers(int ks, byte[] key) {
        return covers(ks, key, key.length);
    }

    /**
     * Whether it covers a key held in the first bytes of an array (a cursor's reused key buffer).
     *
     * @param ks the keyspace id
     * @param key the array holding the key from index 0
     * @param length the key's length
     * @return {@code true} if the key is in the range of the same keyspace
     */
    public boolean covers(int ks, byte[] key, int length) {
        return ks == keyspace && (start == null || Arrays.compareUnsigned(key, 0, length, start, 0, start.length) >= 0)
                && (end == null || Arrays.compareUnsigned(key, 0, length, end, 0, end.length) < 0);
    }

    /**
     * Whether it overlaps {@code [lo, hi)} of a keyspace.
     *
     * @param ks the keyspace id
     * @param lo the inclusive start, or {@code null}
     * @param hi the exclusive end, or {@code null}
     * @return {@code true} if some key could be in both
     */
    public boolean overlaps(int ks, byte[] lo, byte[] hi) {
        if (ks != keyspace) {
            return false;
        }
        boolean startBeforeHi = hi == null || start == null || Arrays.compareUnsigned(start, hi) < 0;
        boolean loBeforeEnd = lo == null || end == null || Arrays.compareUnsigned(lo, end) < 0;
        return startBeforeHi && loBeforeEnd;
    }
}
