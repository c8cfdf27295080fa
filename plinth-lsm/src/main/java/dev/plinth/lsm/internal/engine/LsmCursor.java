package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.spi.EngineCursor;
import java.util.Arrays;
import java.util.List;

/**
 * A walk over {@code [start, end)} of one keyspace at one sequence number, over the {@link ReadView} it
 * opened on: it merges the versions of every structure, takes for each key the newest one at or below
 * its sequence number, and skips deletes and keys a range delete hides. Not thread-safe.
 */
final class LsmCursor implements EngineCursor {
    /** Up to this many range deletes over the cursor's range are checked one by one for each key. */
    private static final int FEW_TOMBSTONES = 8;

    private final ReadView view;
    private final int ks;
    private final byte[] start;
    private final byte[] end;
    private final boolean reverse;
    private final long seq;
    private final List<RangeTombstone> tombstones;
    private final String what;
    private Runnable onClose;
    private EntryIterator it;
    private byte[] key;
    private byte[] value;
    private boolean closed;

    LsmCursor(ReadView view, int ks, byte[] start, byte[] end, boolean reverse, long seq, String what, Runnable onClose) {
        this.view = view;
        this.ks = ks;
        this.start = start;
        this.end = end;
        this.reverse = reverse;
        this.seq = seq;
        this.what = what;
        this.onClose = onClose;
        this.tombstones = view.tombstones(ks, start, end, seq);
        this.it = view.entries(ks, reverse ? end : start, reverse);
    }

    @Override
    public boolean next() {
        requireOpen();
        key = null;
        value = null;
        while (true) {
            Entry e = it.current();
            if (e == null) {
                return false;
            }
            byte[] k = e.key();
            if (!reverse && end != null && Arrays.compareUnsigned(k, end) >= 0) {
                return false;
            }
            if (reverse && start != null && Arrays.compareUnsigned(k, start) < 0) {
                return false;
            }
            boolean inRange = reverse ? end == null || Arrays.compareUnsigned(k, end) < 0
                    : start == null || Arrays.compareUnsigned(k, start) >= 0;
            Entry chosen = null;
            for (; e != null && Arrays.equals(e.key(), k); it.next(), e = it.current()) {
                if (e.seq() <= seq && (chosen == null || e.seq() > chosen.seq())) {
                    chosen = e;
                }
            }
            if (inRange && chosen != null && chosen.kind() == Kind.PUT && !hidden(k, chosen.seq())) {
                key = k;
                value = chosen.value();
                return true;
            }
        }
    }

    private boolean hidden(byte[] k, long version) {
        if (tombstones.size() > FEW_TOMBSTONES) {
            return view.coveredAfter(ks, k, version, seq); // each structure's deletes looked up by key
        }
        for (RangeTombstone t : tombstones) {
            if (t.seq() > version && t.covers(ks, k)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] key() {
        requireOpen();
        requirePositioned();
        return key;
    }

    @Override
    public byte[] value() {
        requireOpen();
        requirePositioned();
        return value;
    }

    /**
     * Re-positions the walk it has open (see {@link EntryIterator#seek}): the same view, sequence number and
     * range deletes, each memtable and table run moved to the target rather than a new merge opened.
     */
    @Override
    public void seek(byte[] target) {
        requireOpen();
        key = null;
        value = null;
        byte[] from;
        if (!reverse) {
            from = start != null && Arrays.compareUnsigned(target, start) < 0 ? start : target;
        } else {
            from = end != null && Arrays.compareUnsigned(target, end) >= 0 ? end : target;
        }
        it.seek(from);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    private void requirePositioned() {
        if (key == null) {
            throw new IllegalStateException(what + " is not on an entry");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        it.close();
        key = null;
        value = null;
        Runnable r = onClose;
        onClose = null;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return what + (closed ? " (closed)" : "");
    }
}
