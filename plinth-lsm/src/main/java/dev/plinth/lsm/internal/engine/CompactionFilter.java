package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What a compaction keeps, from entries merged in {@link Entry#ORDER}: every version newer than the oldest
 * sequence number a reader may use ({@code horizon}), and of the older ones only the newest of each key, and
 * that only if no range delete of the inputs at or below the horizon hides it. The entries of dropped
 * keyspaces go. Where the output is the bottom of the tree for its key range ({@code bottommost}: no deeper
 * level holds an older version of any of its keys), deletes at or below the horizon go too, and so do range
 * deletes at or below the horizon ({@link #keep(RangeTombstone)}); elsewhere both stay, since they hide older
 * versions further down. Not thread-safe.
 */
final class CompactionFilter implements Iterator<Entry> {
    private final EntryIterator in;
    private final long horizon;
    private final Set<Integer> liveKeyspaces;
    private final List<RangeTombstone> tombstones;
    /** Whether nothing below the output can hold an older version of its keys. */
    private final boolean bottommost;
    private Entry next;
    /** The key whose version at or below the horizon was decided. */
    private Entry decided;
    /** Key and value bytes of the entries handed out so far. */
    private long keptBytes;

    CompactionFilter(EntryIterator in, long horizon, Set<Integer> liveKeyspaces, List<RangeTombstone> tombstones,
                     boolean bottommost) {
        this.in = in;
        this.bottommost = bottommost;
        this.horizon = horizon;
        this.liveKeyspaces = liveKeyspaces;
        this.tombstones = tombstones;
        advance();
    }

    /** Whether a range delete of the inputs goes to the output. */
    boolean keep(RangeTombstone t) {
        return (!bottommost || t.seq() > horizon) && liveKeyspaces.contains(t.keyspace());
    }

    /** Key and value bytes of the entries handed out so far. */
    long keptBytes() {
        return keptBytes;
    }

    private void advance() {
        next = null;
        for (Entry e = in.current(); e != null; in.next(), e = in.current()) {
            if (!liveKeyspaces.contains(e.keyspace())) {
                continue;
            }
            if (e.seq() > horizon) {
                in.next();
                next = e;
                return;
            }
            if (decided != null && decided.sameKey(e)) {
                continue; // an older version below the horizon: nobody can read it
            }
            decided = e;
            if ((e.kind() == Kind.PUT || !bottommost) && !hiddenAtHorizon(e)) {
                in.next();
                next = e;
                return;
            }
        }
    }

    private boolean hiddenAtHorizon(Entry e) {
        for (RangeTombstone t : tombstones) {
            if (t.seq() > e.seq() && t.seq() <= horizon && t.covers(e.keyspace(), e.key())) {
                return true;
            }
        }
        return false;
    }

    /** The entry {@link #next()} returns, or {@code null} at the end. */
    Entry peek() {
        return next;
    }

    @Override
    public boolean hasNext() {
        return next != null;
    }

    @Override
    public Entry next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        Entry e = next;
        keptBytes += e.key().length + (e.value() == null ? 0 : e.value().length);
        advance();
        return e;
    }
}
