package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.sstable.TableReader;
import java.util.Arrays;

/**
 * A half-open range {@code [lo, hi)} of positions (keyspace id, user key), keyspace first, keys compared as
 * unsigned bytes: the part of the key space a table may say anything about, its entries and its range deletes
 * alike. Leveled compaction keeps the ranges of the tables of one level from overlapping, so that a key is in
 * at most one table per level. The end of a keyspace is the start of the next one. Immutable.
 *
 * @param loKs the keyspace of the inclusive start
 * @param lo the key of the inclusive start
 * @param hiKs the keyspace of the exclusive end
 * @param hi the key of the exclusive end
 */
record KeyRange(int loKs, byte[] lo, int hiKs, byte[] hi) {
    private static final byte[] EMPTY = new byte[0];

    /**
     * Compares two positions.
     *
     * @return negative, zero or positive
     */
    static int compare(int ks1, byte[] k1, int ks2, byte[] k2) {
        int c = Integer.compare(ks1, ks2);
        return c != 0 ? c : Arrays.compareUnsigned(k1, k2);
    }

    /**
     * The range a table speaks for: from its first entry's key (or its first range delete's start) to just
     * after its last entry's key (or its last range delete's end).
     *
     * @param t the table
     * @return the range, or {@code null} if the table holds neither entries nor range deletes
     */
    static KeyRange of(TableReader t) {
        KeyRange r = null;
        Entry first = t.first();
        if (first != null) {
            Entry last = t.last();
            r = new KeyRange(first.keyspace(), first.key(), last.keyspace(), successor(last.key()));
        }
        for (RangeTombstone d : t.tombstones()) {
            KeyRange dr = of(d);
            r = r == null ? dr : r.union(dr);
        }
        return r;
    }

    /** The range of a range delete. */
    static KeyRange of(RangeTombstone d) {
        return new KeyRange(d.keyspace(), d.start() == null ? EMPTY : d.start(),
                d.end() == null ? d.keyspace() + 1 : d.keyspace(), d.end() == null ? EMPTY : d.end());
    }

    /** The smallest key after {@code key}: the key with a zero byte appended. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** Whether this range and another share a position. */
    boolean overlaps(KeyRange o) {
        return compare(loKs, lo, o.hiKs, o.hi) < 0 && compare(o.loKs, o.lo, hiKs, hi) < 0;
    }

    /** Whether a position is in this range. */
    boolean contains(int ks, byte[] key) {
        return compare(loKs, lo, ks, key) <= 0 && compare(ks, key, hiKs, hi) < 0;
    }

    /** The smallest range holding both. */
    KeyRange union(KeyRange o) {
        boolean loMine = compare(loKs, lo, o.loKs, o.lo) <= 0;
        boolean hiMine = compare(hiKs, hi, o.hiKs, o.hi) >= 0;
        return new KeyRange(loMine ? loKs : o.loKs, loMine ? lo : o.lo, hiMine ? hiKs : o.hiKs, hiMine ? hi : o.hi);
    }

    /**
     * The part of a range delete inside {@code [(fromKs, from), (toKs, to))}, or {@code null} if none of it is.
     * A {@code null} key leaves that side unbounded.
     */
    static RangeTombstone clip(RangeTombstone d, int fromKs, byte[] from, int toKs, byte[] to) {
        byte[] start = d.start();
        byte[] end = d.end();
        int ks = d.keyspace();
        if (from != null) {
            if (fromKs > ks) {
                return null;
            }
            if (fromKs == ks && (start == null || Arrays.compareUnsigned(start, from) < 0)) {
                start = from;
            }
        }
        if (to != null) {
            if (toKs < ks) {
                return null;
            }
            if (toKs == ks && (end == null || Arrays.compareUnsigned(to, end) < 0)) {
                end = to;
            }
        }
        if (end != null && Arrays.compareUnsigned(start == null ? EMPTY : start, end) >= 0) {
            return null;
        }
        return start == d.start() && end == d.end() ? d : new RangeTombstone(ks, start, end, d.seq(), d.reclaim());
    }

    @Override
    public String toString() {
        return "[" + loKs + ":" + Arrays.toString(lo) + ", " + hiKs + ":" + Arrays.toString(hi) + ")";
    }
}
