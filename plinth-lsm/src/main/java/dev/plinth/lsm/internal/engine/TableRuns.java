package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.sstable.TableReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tables of a view grouped into runs: each run is a list of tables whose entries do not overlap in
 * {@link Entry#ORDER}, sorted, so that a walk over a run is one table after the other and opens a table
 * only when the walk reaches it. Tables written from keys that arrive in order (an import, a time series)
 * form one run however many there are, and a cursor then merges one source instead of one per table;
 * tables whose ranges overlap (random writes) each end up in a run of their own, as before. Immutable and
 * thread-safe; the iterators are not.
 */
final class TableRuns {
    private static final byte[] EMPTY = new byte[0];

    private final List<List<TableReader>> runs;

    private TableRuns(List<List<TableReader>> runs) {
        this.runs = runs;
    }

    /**
     * Groups tables into runs, first fit in the order of their first entries. Reads each table's first data
     * block once (see {@link TableReader#first()}); tables without entries are left out.
     *
     * @param tables the tables
     * @return the runs
     */
    static TableRuns of(List<TableReader> tables) {
        List<TableReader> sorted = new ArrayList<>();
        for (TableReader t : tables) {
            if (t.first() != null) {
                sorted.add(t);
            }
        }
        sorted.sort(Comparator.comparing(TableReader::first, Entry.ORDER));
        List<List<TableReader>> runs = new ArrayList<>();
        List<Entry> runEnds = new ArrayList<>();
        for (TableReader t : sorted) {
            int fit = -1;
            for (int r = 0; r < runs.size() && fit < 0; r++) {
                if (Entry.ORDER.compare(runEnds.get(r), t.first()) < 0) {
                    fit = r;
                }
            }
            if (fit < 0) {
                runs.add(new ArrayList<>());
                runEnds.add(null);
                fit = runs.size() - 1;
            }
            runs.get(fit).add(t);
            runEnds.set(fit, t.last());
        }
        return new TableRuns(runs);
    }

    /**
     * Groups the tables of levels into runs: level 0's first fit as in {@link #of(List)}, and each deeper level,
     * whose tables do not overlap and are in key order, as one run.
     *
     * @param levels the levels
     * @return the runs
     */
    static TableRuns of(LevelSet levels) {
        List<TableReader> l0 = new ArrayList<>();
        for (LevelSet.LeveledTable t : levels.level(0)) {
            l0.add(t.table());
        }
        List<List<TableReader>> runs = new ArrayList<>(of(l0).runs);
        for (int level = 1; level < CompactionOptions.LEVELS; level++) {
            List<TableReader> run = new ArrayList<>();
            for (LevelSet.LeveledTable t : levels.level(level)) {
                if (t.table().first() != null) {
                    run.add(t.table());
                }
            }
            if (!run.isEmpty()) {
                runs.add(run);
            }
        }
        return new TableRuns(runs);
    }

    /** How many runs there are. */
    int size() {
        return runs.size();
    }

    /**
     * Adds one walk per run, from a key in a direction, to {@code sources} (as {@code Memtable.iterator}:
     * forward from the first key at or after {@code from}, reverse from the last at or before it).
     */
    void addIterators(int ks, byte[] from, boolean reverse, List<EntryIterator> sources) {
        for (List<TableReader> run : runs) {
            sources.add(run.size() == 1 ? run.get(0).iterator(ks, from, reverse) : new RunIterator(run, ks, from, reverse));
        }
    }

    /** One table after the other of a run, each opened when the walk reaches it. */
    private static final class RunIterator implements EntryIterator {
        private final List<TableReader> run;
        private final int ks;
        private final boolean reverse;
        /** Where the walk started, or was last sought to: tables opened as the walk reaches them start here. */
        private byte[] from;
        private int index;
        private EntryIterator it;

        RunIterator(List<TableReader> run, int ks, byte[] from, boolean reverse) {
            this.run = run;
            this.ks = ks;
            this.reverse = reverse;
            this.from = from;
            index = tableFor(from);
            open();
        }

        /**
         * The table a walk from {@code from} starts in, by the tables' key bounds: forward the first table
         * whose last entry is at or after it, reverse the last whose first entry is at or before it (the
         * tables before, or after, hold nothing the walk would reach first). Out of the run's range if none.
         */
        private int tableFor(byte[] from) {
            if (!reverse) {
                Entry probe = new Entry(ks, from == null ? EMPTY : from, Long.MAX_VALUE, (byte) 0, null);
                int lo = 0;
                int hi = run.size();
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (Entry.ORDER.compare(run.get(mid).last(), probe) < 0) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                return lo;
            }
            Entry probe = from == null ? new Entry(ks + 1, EMPTY, Long.MAX_VALUE, (byte) 0, null)
                    : new Entry(ks, from, Long.MIN_VALUE, (byte) 0, null);
            int lo = 0;
            int hi = run.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (Entry.ORDER.compare(run.get(mid).first(), probe) <= 0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo - 1;
        }

        /**
         * Re-positions the walk: finds the table by key bounds and opens only that one (and its neighbours
         * only if it holds nothing of the keyspace from there); if the walk is in that table already, the
         * open table iterator is re-positioned instead.
         */
        @Override
        public void seek(byte[] target) {
            from = target;
            int t = tableFor(target);
            if (it != null && t == index) {
                it.seek(target);
                if (it.onEntry()) {
                    return;
                }
                it.close();
                it = null;
                step();
                open();
                return;
            }
            if (it != null) {
                it.close();
                it = null;
            }
            index = t;
            open();
        }

        /** Opens tables from {@link #index} on until one has an entry of the keyspace in the walk's range. */
        private void open() {
            while (index >= 0 && index < run.size()) {
                it = run.get(index).iterator(ks, from, reverse);
                if (it.onEntry()) {
                    return;
                }
                it.close();
                it = null;
                step();
            }
        }

        /** Moves to the neighbouring table, or out of the run if that table cannot hold the keyspace. */
        private void step() {
            if (!reverse) {
                index++;
                if (index < run.size() && run.get(index).first().keyspace() != ks) {
                    index = run.size();
                }
            } else {
                index--;
                if (index >= 0 && run.get(index).last().keyspace() != ks) {
                    index = -1;
                }
            }
        }

        @Override
        public Entry current() {
            return it == null ? null : it.current();
        }

        @Override
        public boolean onEntry() {
            return it != null && it.onEntry();
        }

        @Override
        public int keyspace() {
            return it.keyspace();
        }

        @Override
        public byte[] keyArray() {
            return it.keyArray();
        }

        @Override
        public int keyOffset() {
            return it.keyOffset();
        }

        @Override
        public int keyLength() {
            return it.keyLength();
        }

        @Override
        public long seq() {
            return it.seq();
        }

        @Override
        public byte kind() {
            return it.kind();
        }

        @Override
        public ByteBuffer valueView() {
            return it.valueView();
        }

        @Override
        public RuntimeException valueReadFailed(Throwable e) {
            return it == null ? EntryIterator.super.valueReadFailed(e) : it.valueReadFailed(e);
        }

        @Override
        public void next() {
            if (it == null) {
                return;
            }
            it.next();
            if (!it.onEntry()) {
                it.close();
                it = null;
                step();
                open();
            }
        }

        @Override
        public void close() {
            if (it != null) {
                it.close();
                it = null;
            }
            index = -1;
        }
    }
}
