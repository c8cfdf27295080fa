package dev.plinth.lsm.internal.engine;

import dev.plinth.StoreClosedException;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.sstable.TableWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Writes what a compaction keeps ({@link CompactionFilter}) from its input tables to new tables of about
 * {@link CompactionOptions#tableSize()} bytes of keys and values each. A table ends only where the user key
 * changes, so every version of a key is in one table, and each range delete kept is cut to the part between
 * the table's first key and the next table's first key (the first table starting at the beginning of the key
 * space, the last one ending at its end): the outputs' {@link KeyRange}s do not overlap. Stateless.
 */
final class CompactionWriter {
    /** Entries between two checks of whether the compaction should stop. */
    private static final int ABORT_CHECK_INTERVAL = 256;

    private CompactionWriter() {
    }

    /**
     * What a compaction wrote.
     *
     * @param tables the new tables, in key order (none if nothing was left)
     * @param keptBytes the key and value bytes of their entries
     */
    record Output(List<TableWriter.TableMeta> tables, long keptBytes) {
    }

    /**
     * Merges tables and writes what is kept to new tables; each is written and forced, and the caller syncs
     * the directory.
     *
     * @param vfs the file system
     * @param uri the store, for messages
     * @param fileNumbers gives each new table its number
     * @param inputs the tables to merge
     * @param live the ids of the live keyspaces
     * @param horizon the oldest sequence number a reader may use
     * @param bottommost whether nothing below the output holds older versions of its keys
     * @param tableSize the key and value bytes after which a new table starts
     * @param compress whether data blocks may be compressed
     * @param stop whether to give up (the engine is closing), asked every few hundred entries
     * @return what was written
     * @throws StoreClosedException if {@code stop} said so; the tables written so far stay, unnamed
     */
    static Output write(Vfs vfs, String uri, LongSupplier fileNumbers, List<TableReader> inputs, Set<Integer> live,
                        long horizon, boolean bottommost, long tableSize, boolean compress, BooleanSupplier stop) {
        List<RangeTombstone> all = new ArrayList<>();
        List<EntryIterator> sources = new ArrayList<>();
        for (TableReader t : inputs) {
            all.addAll(t.tombstones());
            sources.add(walk(t.all()));
        }
        CompactionFilter filter = new CompactionFilter(new MergingIterator(sources, false), horizon, live, all, bottommost);
        List<RangeTombstone> kept = new ArrayList<>();
        for (RangeTombstone t : all) {
            if (filter.keep(t)) {
                kept.add(t);
            }
        }
        List<TableWriter.TableMeta> out = new ArrayList<>();
        if (!filter.hasNext() && kept.isEmpty()) {
            return new Output(out, 0);
        }
        int fromKs = 0;
        byte[] from = null;
        do {
            Split split = new Split(filter, tableSize, stop, uri);
            int lowKs = fromKs;
            byte[] low = from;
            out.add(TableWriter.write(vfs, fileNumbers.getAsLong(), split, () -> {
                List<RangeTombstone> part = new ArrayList<>();
                for (RangeTombstone t : kept) {
                    RangeTombstone c = KeyRange.clip(t, lowKs, low, split.endKs, split.end);
                    if (c != null) {
                        part.add(c);
                    }
                }
                return part;
            }, compress));
            fromKs = split.endKs;
            from = split.end;
        } while (filter.hasNext());
        return new Output(out, filter.keptBytes());
    }

    private static EntryIterator walk(Iterator<Entry> it) {
        return new EntryIterator() {
            private Entry current = it.hasNext() ? it.next() : null;

            @Override
            public Entry current() {
                return current;
            }

            @Override
            public void next() {
                current = it.hasNext() ? it.next() : null;
            }
        };
    }

    /** The entries of one output table: up to the first new key after {@code tableSize} bytes. */
    private static final class Split implements Iterator<Entry> {
        private final CompactionFilter filter;
        private final long tableSize;
        private final BooleanSupplier stop;
        private final String uri;
        private long bytes;
        private int count;
        private Entry last;
        /** Where the next table starts, once this one ended; {@code null} if it is the last one. */
        int endKs;
        byte[] end;

        Split(CompactionFilter filter, long tableSize, BooleanSupplier stop, String uri) {
            this.filter = filter;
            this.tableSize = tableSize;
            this.stop = stop;
            this.uri = uri;
        }

        @Override
        public boolean hasNext() {
            Entry n = filter.peek();
            if (n == null) {
                end = null;
                return false;
            }
            if (bytes >= tableSize && last != null && !last.sameKey(n)) {
                endKs = n.keyspace();
                end = n.key();
                return false;
            }
            return true;
        }

        @Override
        public Entry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (++count % ABORT_CHECK_INTERVAL == 0 && stop.getAsBoolean()) {
                throw new StoreClosedException("a compaction of " + uri + " stopped: the lsm store is closing");
            }
            Entry e = filter.next();
            bytes += e.key().length + (e.value() == null ? 0 : e.value().length) + 16;
            last = e;
            return e;
        }
    }
}
