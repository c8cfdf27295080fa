package dev.plinth.lsm.internal.key;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Range deletes sorted by keyspace and start key, so that finding those that cover one key costs a binary
 * search plus the deletes that start at or before the key and still reach past it, instead of a look at
 * every delete. Each position also records the furthest end of the deletes of its keyspace up to it (its
 * <em>reach</em>): walking back from the key, the walk stops at the first position whose reach ends at or
 * before the key, since no delete at or before it can cover the key. Disjoint deletes therefore cost
 * {@code O(log n)} per lookup; deletes nested around the key are each looked at once. Immutable and
 * thread-safe.
 */
public final class TombstoneIndex {
    /** No range deletes. */
    public static final TombstoneIndex EMPTY = new TombstoneIndex(new RangeTombstone[0]);

    /** Keyspace ascending, then start ascending (unsigned, an unbounded start first). */
    private static final Comparator<RangeTombstone> BY_START = (a, b) -> {
        int c = Integer.compare(a.keyspace(), b.keyspace());
        return c != 0 ? c : compareStart(a.start(), b.start());
    };

    private final RangeTombstone[] byStart;
    /** {@code reach[i]}: the furthest end among {@code byStart[0..i]} of the same keyspace; {@code null} unbounded. */
    private final byte[][] reach;

    private TombstoneIndex(RangeTombstone[] sorted) {
        this.byStart = sorted;
        this.reach = new byte[sorted.length][];
        for (int i = 0; i < sorted.length; i++) {
            byte[] end = sorted[i].end();
            if (i > 0 && sorted[i - 1].keyspace() == sorted[i].keyspace()) {
                byte[] before = reach[i - 1];
                end = before == null || end == null ? null : Arrays.compareUnsigned(before, end) >= 0 ? before : end;
            }
            reach[i] = end;
        }
    }

    /**
     * An index of some range deletes.
     *
     * @param tombstones the deletes, in any order
     * @return the index
     */
    public static TombstoneIndex of(Collection<RangeTombstone> tombstones) {
        if (tombstones.isEmpty()) {
            return EMPTY;
        }
        RangeTombstone[] sorted = tombstones.toArray(new RangeTombstone[0]);
        Arrays.sort(sorted, BY_START);
        return new TombstoneIndex(sorted);
    }

    /**
     * This index with more deletes: the new ones are sorted and merged in, in time linear in the size of the
     * result (plus sorting the new ones).
     *
     * @param more the deletes to add, in any order
     * @return the larger index
     */
    public TombstoneIndex with(List<RangeTombstone> more) {
        if (more.isEmpty()) {
            return this;
        }
        RangeTombstone[] add = more.toArray(new RangeTombstone[0]);
        Arrays.sort(add, BY_START);
        RangeTombstone[] merged = new RangeTombstone[byStart.length + add.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < byStart.length && j < add.length) {
            merged[k++] = BY_START.compare(byStart[i], add[j]) <= 0 ? byStart[i++] : add[j++];
        }
        while (i < byStart.length) {
            merged[k++] = byStart[i++];
        }
        while (j < add.length) {
            merged[k++] = add[j++];
        }
        return new TombstoneIndex(merged);
    }

    /**
     * How many deletes the index holds.
     *
     * @return the count
     */
    public int size() {
        return byStart.length;
    }

    /**
     * Whether a delete with a sequence number in {@code (after, upTo]} covers a key.
     *
     * @param ks the keyspace id
     * @param key the key
     * @param after only deletes newer than this count
     * @param upTo only deletes at or below this count
     * @param skipReclaims whether deletes that only reclaim expired entries are left out
     * @return {@code true} if one covers it
     */
    public boolean covers(int ks, byte[] key, long after, long upTo, boolean skipReclaims) {
        for (int i = lastStartingAtOrBefore(ks, key, false); i >= 0; i--) {
            RangeTombstone t = byStart[i];
            if (t.keyspace() != ks || (reach[i] != null && Arrays.compareUnsigned(reach[i], key) <= 0)) {
                return false;
            }
            if ((t.end() == null || Arrays.compareUnsigned(key, t.end()) < 0) && t.seq() > after && t.seq() <= upTo
                    && !(skipReclaims && t.reclaim())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The deletes of a keyspace at or below a sequence number that overlap {@code [lo, hi)}, added to
     * {@code out}.
     *
     * @param ks the keyspace id
     * @param lo the inclusive start, or {@code null}
     * @param hi the exclusive end, or {@code null}
     * @param upTo only deletes at or below this count
     * @param out where they go
     */
    public void overlapping(int ks, byte[] lo, byte[] hi, long upTo, List<RangeTombstone> out) {
        // Only deletes starting before hi can overlap; walking back, stop once none reaches past lo.
        for (int i = lastStartingAtOrBefore(ks, hi, hi == null); i >= 0; i--) {
            RangeTombstone t = byStart[i];
            if (t.keyspace() != ks || (lo != null && reach[i] != null && Arrays.compareUnsigned(reach[i], lo) <= 0)) {
                return;
            }
            if (t.seq() <= upTo && t.overlaps(ks, lo, hi)) {
                out.add(t);
            }
        }
    }

    /**
     * The index of the last delete ordered at or before (ks, key), or -1; with {@code pastEnd}, the last
     * delete of keyspace {@code ks} or before it.
     */
    private int lastStartingAtOrBefore(int ks, byte[] key, boolean pastEnd) {
        int lo = 0;
        int hi = byStart.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            RangeTombstone t = byStart[mid];
            int c = Integer.compare(t.keyspace(), ks);
            if (c == 0) {
                c = pastEnd ? -1 : compareStart(t.start(), key);
            }
            if (c <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static int compareStart(byte[] a, byte[] b) {
        if (a == null) {
            return b == null ? 0 : -1;
        }
        if (b == null) {
            return 1;
        }
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * Every delete, in index order; for tests.
     *
     * @return a copy
     */
    public List<RangeTombstone> all() {
        return new ArrayList<>(Arrays.asList(byStart));
    }
}
