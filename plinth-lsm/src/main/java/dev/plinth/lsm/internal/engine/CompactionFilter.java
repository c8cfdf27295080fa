package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.sstable.TableScan;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What a compaction keeps, from entries merged in {@link dev.plinth.lsm.internal.key.Entry#ORDER}: every
 * version newer than the oldest sequence number a reader may use ({@code horizon}), and of the older ones only
 * the newest of each key, and that only if no range delete of the inputs at or below the horizon hides it. The
 * entries of dropped keyspaces go. Where the output is the bottom of the tree for its key range
 * ({@code bottommost}: no deeper level holds an older version of any of its keys), deletes at or below the
 * horizon go too, and so do range deletes at or below the horizon ({@link #keep(RangeTombstone)}); elsewhere
 * both stay, since they hide older versions further down.
 *
 * <p>Read in place: {@link #current()} is the merge's scan on the kept entry (key and value in its buffers,
 * valid until {@link #advance()}), so filtering makes no object per entry. Not thread-safe.
 */
final class CompactionFilter {
    private final CompactionMerge in;
    private final long horizon;
    private final Set<Integer> liveKeyspaces;
    private final List<RangeTombstone> tombstones;
    /** Whether nothing below the output can hold an older version of its keys. */
    private final boolean bottommost;
    /** Whether the merge is on an entry that is kept. */
    private boolean onKept;
    /** The internal key whose version at or below the horizon was decided (length -1: none yet). */
    private byte[] decided = new byte[64];
    private int decidedLength = -1;
    /** The last keyspace looked up in {@link #liveKeyspaces}, and the answer. */
    private int lastKeyspace;
    private boolean lastKeyspaceLive;
    private boolean lastKeyspaceKnown;
    /** Key and value bytes of the entries handed out so far. */
    private long keptBytes;

    CompactionFilter(CompactionMerge in, long horizon, Set<Integer> liveKeyspaces, List<RangeTombstone> tombstones,
                     boolean bottommost) {
        this.in = in;
        this.bottommost = bottommost;
        this.horizon = horizon;
        this.liveKeyspaces = liveKeyspaces;
        this.tombstones = tombstones;
        seekKept();
    }

    /** Whether a range delete of the inputs goes to the output. */
    boolean keep(RangeTombstone t) {
        return (!bottommost || t.seq() > horizon) && liveKeyspaces.contains(t.keyspace());
    }

    /** Key and value bytes of the entries handed out so far. */
    long keptBytes() {
        return keptBytes;
    }

    /** Whether there is a kept entry. */
    boolean hasNext() {
        return onKept;
    }

    /**
     * The kept entry: the scan on it, valid until {@link #advance()}.
     *
     * @throws NoSuchElementException at the end
     */
    TableScan current() {
        if (!onKept) {
            throw new NoSuchElementException();
        }
        return in.top();
    }

    /** Counts the kept entry as handed out and moves to the next kept one. */
    void advance() {
        TableScan e = current();
        keptBytes += e.keyLength() - 4 + (e.kind() == Kind.PUT ? e.valueLength() : 0);
        in.next();
        seekKept();
    }

    private void seekKept() {
        onKept = false;
        for (; in.valid(); in.next()) {
            TableScan e = in.top();
            if (!isLive(e.keyspace())) {
                continue;
            }
            if (e.seq() > horizon) {
                onKept = true;
                return;
            }
            if (decidedLength >= 0 && Arrays.equals(decided, 0, decidedLength, e.key(), 0, e.keyLength())) {
                continue; // an older version below the horizon: nobody can read it
            }
            if (decided.length < e.keyLength()) {
                decided = new byte[Math.max(e.keyLength(), 2 * decided.length)];
            }
            System.arraycopy(e.key(), 0, decided, 0, e.keyLength());
            decidedLength = e.keyLength();
            if ((e.kind() == Kind.PUT || !bottommost) && !hiddenAtHorizon(e)) {
                onKept = true;
                return;
            }
        }
    }

    private boolean isLive(int ks) {
        if (!lastKeyspaceKnown || ks != lastKeyspace) {
            lastKeyspace = ks;
            lastKeyspaceLive = liveKeyspaces.contains(ks);
            lastKeyspaceKnown = true;
        }
        return lastKeyspaceLive;
    }

    private boolean hiddenAtHorizon(TableScan e) {
        for (RangeTombstone t : tombstones) {
            if (t.seq() > e.seq() && t.seq() <= horizon && covers(t, e)) {
                return true;
            }
        }
        return false;
    }

    /** {@link RangeTombstone#covers}, for the user key in the scan's buffer (after the 4-byte keyspace id). */
    private static boolean covers(RangeTombstone t, TableScan e) {
        byte[] k = e.key();
        int n = e.keyLength();
        return t.keyspace() == e.keyspace()
                && (t.start() == null || Arrays.compareUnsigned(k, 4, n, t.start(), 0, t.start().length) >= 0)
                && (t.end() == null || Arrays.compareUnsigned(k, 4, n, t.end(), 0, t.end().length) < 0);
    }
}
