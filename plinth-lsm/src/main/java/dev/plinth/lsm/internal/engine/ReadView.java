package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.memtable.Memtable;
import dev.plinth.lsm.internal.sstable.TableReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The structures that hold the engine's data at one moment: the memtables (the active one first) and the
 * tables by level. Immutable; the engine swaps in a new view when the structures change, and cursors keep the view
 * they opened on. Thread-safe.
 *
 * <p>Reference-counted: the engine holds one reference to its current view, and every read holds one while
 * it runs; the view holds one on each of its tables, so a table replaced by a compaction stays open (and its
 * file in place) until the last view that names it is released.
 */
final class ReadView {
    private final List<Memtable> memtables;
    private final LevelSet levels;
    private final List<TableReader> tables;
    /**
     * Whether any of {@link #tables} holds a range delete (tables never change): if none does, a check of a key
     * against range deletes asks only the memtables, not each level for the table whose range holds the key.
     */
    private final boolean tablesDeleteRanges;
    private final java.util.concurrent.atomic.AtomicInteger refs = new java.util.concurrent.atomic.AtomicInteger(1);
    /** {@link #tables} grouped for walks; made by the first walk (see {@link #runs()}). */
    private volatile TableRuns runs;

    /** A view holding one reference (the creator's); it takes one on each table. */
    ReadView(List<Memtable> memtables, LevelSet levels) {
        this.memtables = List.copyOf(memtables);
        this.levels = levels;
        this.tables = levels.tables();
        boolean deletes = false;
        for (TableReader t : this.tables) {
            if (!t.retain()) {
                throw new IllegalStateException(t + " was closed while a new view was made of it");
            }
            deletes |= !t.tombstones().isEmpty();
        }
        this.tablesDeleteRanges = deletes;
    }

    List<Memtable> memtables() {
        return memtables;
    }

    List<TableReader> tables() {
        return tables;
    }

    LevelSet levels() {
        return levels;
    }

    /**
     * Takes a reference.
     *
     * @return {@code false} if the view was released already
     */
    boolean retain() {
        while (true) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one releases the tables. */
    void release() {
        if (refs.decrementAndGet() == 0) {
            TableReader.releaseAll(tables);
        }
    }

    /**
     * The version of a key visible at a sequence number, with range deletes applied.
     *
     * @return the value, or {@code null} if absent
     */
    byte[] get(int ks, byte[] key, long seq) {
        Entry best = newest(ks, key, seq);
        if (best == null || Kind.isDelete(best.kind()) || coveredAfter(ks, key, best.seq(), seq)) {
            return null;
        }
        return best.value();
    }

    /**
     * The newest point version of a key at or below {@code seq}, of any kind, or {@code null}. Asks every
     * level-0 table and, in each deeper level, only the one table whose range holds the key.
     */
    Entry newest(int ks, byte[] key, long seq) {
        Entry best = null;
        for (Memtable m : memtables) {
            Entry e = m.newest(ks, key, seq);
            if (e != null && (best == null || e.seq() > best.seq())) {
                best = e;
            }
        }
        for (LevelSet.LeveledTable t : levels.level(0)) {
            Entry e = t.table().newest(ks, key, seq);
            if (e != null && (best == null || e.seq() > best.seq())) {
                best = e;
            }
        }
        for (int level = 1; level < CompactionOptions.LEVELS; level++) {
            TableReader t = levels.find(level, ks, key);
            Entry e = t == null ? null : t.newest(ks, key, seq);
            if (e != null && (best == null || e.seq() > best.seq())) {
                best = e;
            }
        }
        return best;
    }

    /**
     * Whether a range delete newer than {@code after} and at most {@code seq} covers the key. Each memtable
     * and table looks its deletes up by key (a {@link dev.plinth.lsm.internal.key.TombstoneIndex}), so the
     * cost does not grow with the number of deletes that do not cover the key.
     */
    boolean coveredAfter(int ks, byte[] key, long after, long seq) {
        return covered(ks, key, after, seq, false);
    }

    private boolean covered(int ks, byte[] key, long after, long seq, boolean skipReclaims) {
        for (Memtable m : memtables) {
            if (m.covers(ks, key, after, seq, skipReclaims)) {
                return true;
            }
        }
        if (!tablesDeleteRanges) {
            return false;
        }
        for (LevelSet.LeveledTable t : levels.level(0)) {
            if (t.table().covers(ks, key, after, seq, skipReclaims)) {
                return true;
            }
        }
        for (int level = 1; level < CompactionOptions.LEVELS; level++) {
            TableReader r = levels.find(level, ks, key);
            if (r != null && r.covers(ks, key, after, seq, skipReclaims)) {
                return true;
            }
        }
        return false;
    }

    /** Range deletes of a keyspace at most {@code seq} that overlap {@code [start, end)}. */
    List<RangeTombstone> tombstones(int ks, byte[] start, byte[] end, long seq) {
        List<RangeTombstone> out = new ArrayList<>();
        for (Memtable m : memtables) {
            m.overlapping(ks, start, end, seq, out);
        }
        for (TableReader r : tables) {
            r.overlapping(ks, start, end, seq, out);
        }
        return out;
    }

    /**
     * All versions of a keyspace merged, from a key in a direction (see {@link Memtable#iterator}): each
     * memtable, each run of level-0 tables whose ranges do not overlap, and each deeper level as one run
     * (see {@link TableRuns}). A memtable empty when this is called is left out: a cursor calls it after taking
     * its sequence number, and a batch enters the memtable before its sequence number is published, so whatever
     * such a memtable gains later is newer than the cursor may see (and {@link #changedSince} holds the write
     * lock, so no batch enters one meanwhile). With one source left (a store whose data settled into one level,
     * its memtable empty) the walk is that source's own, not a merge of one: one call less per step and accessor.
     */
    EntryIterator entries(int ks, byte[] from, boolean reverse) {
        List<EntryIterator> sources = new ArrayList<>();
        for (Memtable m : memtables) {
            if (!m.isEmpty()) {
                sources.add(m.iterator(ks, from, reverse));
            }
        }
        runs().addIterators(ks, from, reverse, sources);
        return sources.size() == 1 ? sources.get(0) : new MergingIterator(sources, reverse);
    }

    /** The tables' runs, grouped by the first walk that needs them (racing walks may each group them). */
    private TableRuns runs() {
        TableRuns r = runs;
        if (r == null) {
            r = TableRuns.of(levels);
            runs = r;
        }
        return r;
    }

    /**
     * Whether a batch after {@code version} changed a key, by the rules of
     * {@link dev.plinth.spi.ChangeTracker}: the newest version that is not a reclaim is newer than
     * {@code version}, or the key held a value at {@code version} that a later range delete removed.
     * Needs the engine's write lock, so that the view is the latest state.
     */
    boolean changedSince(int ks, byte[] key, long version) {
        try (EntryIterator it = entries(ks, key, false)) {
            return changedSince(it, ks, key, version);
        }
    }

    /** As {@link #changedSince(int, byte[], long)}, with the iterator on the key's newest version. */
    private boolean changedSince(EntryIterator it, int ks, byte[] key, long version) {
        Entry pv = null;
        for (Entry e = it.current(); e != null && Arrays.equals(e.key(), key); it.next(), e = it.current()) {
            if (pv == null && e.kind() != Kind.RECLAIM) {
                pv = e;
            }
        }
        if (pv == null) {
            return false;
        }
        if (pv.seq() > version) {
            return true;
        }
        if (pv.kind() != Kind.PUT || coveredAfter(ks, key, pv.seq(), version)) {
            return false; // absent at version
        }
        return covered(ks, key, version, Long.MAX_VALUE, true);
    }

    /** Whether a batch after {@code version} changed any key of {@code [start, end)}; needs the write lock. */
    boolean changedSince(int ks, byte[] start, byte[] end, long version) {
        try (EntryIterator it = entries(ks, start, false)) {
            while (it.current() != null) {
                byte[] key = it.current().key();
                if (end != null && Arrays.compareUnsigned(key, end) >= 0) {
                    return false;
                }
                if (changedSince(it, ks, key, version)) {
                    return true;
                }
            }
        }
        return false;
    }
}
