package dev.plinth.lsm.internal.engine;

import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.sstable.TableWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What a compaction of every table into one keeps, from entries merged in {@link Entry#ORDER}: every version
 * newer than the oldest sequence number a reader may use ({@code horizon}), and of the older ones only the
 * newest of each key, and that only if it is a value no range delete at or below the horizon hides. Since
 * the output is the bottom of the tree, deletes at or below the horizon, the values they hide, and the
 * entries of dropped keyspaces go. Range deletes at or below the horizon go too ({@link #keep(RangeTombstone)}).
 * Not thread-safe.
 */
final class CompactionFilter implements Iterator<Entry> {
    private final EntryIterator in;
    private final long horizon;
    private final Set<Integer> liveKeyspaces;
    private final List<RangeTombstone> tombstones;
    private Entry next;
    /** The key whose version at or below the horizon was decided. */
    private Entry decided;
    /** Key and value bytes of the entries handed out so far. */
    private long keptBytes;

    CompactionFilter(EntryIterator in, long horizon, Set<Integer> liveKeyspaces, List<RangeTombstone> tombstones) {
        this.in = in;
        this.horizon = horizon;
        this.liveKeyspaces = liveKeyspaces;
        this.tombstones = tombstones;
        advance();
    }

    /**
     * Merges tables into one new table, keeping what this filter keeps.
     *
     * @param vfs the file system
     * @param number the new table's file number
     * @param inputs the tables, all of them (the output is the bottom of the tree)
     * @param live the ids of the live keyspaces
     * @param horizon the oldest sequence number a reader may use
     * @param compress whether the new table's data blocks may be compressed
     * @return what was written, and the key and value bytes of the entries kept
     */
    static Merged writeMerged(Vfs vfs, long number, List<TableReader> inputs, Set<Integer> live,
                                             long horizon, boolean compress) {
        List<RangeTombstone> allTombstones = new ArrayList<>();
        List<dev.plinth.lsm.internal.key.EntryIterator> sources = new ArrayList<>();
        for (TableReader t : inputs) {
            allTombstones.addAll(t.tombstones());
            java.util.Iterator<Entry> it = t.all();
            sources.add(new dev.plinth.lsm.internal.key.EntryIterator() {
                private Entry current = it.hasNext() ? it.next() : null;

                @Override
                public Entry current() {
                    return current;
                }

                @Override
                public void next() {
                    current = it.hasNext() ? it.next() : null;
                }
            });
        }
        CompactionFilter filter = new CompactionFilter(new MergingIterator(sources, false), horizon, live, allTombstones);
        List<RangeTombstone> kept = new ArrayList<>();
        for (RangeTombstone t : allTombstones) {
            if (filter.keep(t)) {
                kept.add(t);
            }
        }
        TableWriter.TableMeta meta = TableWriter.write(vfs, number, filter, kept, compress);
        return new Merged(meta, filter.keptBytes);
    }

    /**
     * What {@link #writeMerged} wrote.
     *
     * @param meta the new table
     * @param keptBytes the key and value bytes of its entries
     */
    record Merged(TableWriter.TableMeta meta, long keptBytes) {
    }

    boolean keep(RangeTombstone t) {
        return t.seq() > horizon && liveKeyspaces.contains(t.keyspace());
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
            if (e.kind() == Kind.PUT && !hiddenAtHorizon(e)) {
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
