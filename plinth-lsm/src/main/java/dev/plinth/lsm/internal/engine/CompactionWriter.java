package dev.plinth.lsm.internal.engine;

import dev.plinth.StoreClosedException;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.sstable.TableBuilder;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.sstable.TableScan;
import dev.plinth.lsm.internal.sstable.TableWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Writes what a compaction keeps ({@link CompactionFilter}) from its input tables to new tables of about
 * {@link CompactionOptions#tableSize()} bytes of keys and values each. A table ends only where the user key
 * changes, so every version of a key is in one table, and each range delete kept is cut to the part between
 * the table's first key and the next table's first key (the first table starting at the beginning of the key
 * space, the last one ending at its end): the outputs' {@link KeyRange}s do not overlap. Entries go from the
 * input blocks to the output block builder as bytes ({@link CompactionMerge}, {@link TableBuilder}), with no
 * object per entry. Stateless.
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
        for (TableReader t : inputs) {
            all.addAll(t.tombstones());
        }
        CompactionFilter filter = new CompactionFilter(new CompactionMerge(inputs), horizon, live, all, bottommost);
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
        Split split = new Split(filter, tableSize, stop, uri);
        int fromKs = 0;
        byte[] from = null;
        do {
            TableWriter.TableMeta m;
            try (TableBuilder table = new TableBuilder(vfs, fileNumbers.getAsLong(), compress)) {
                split.fill(table);
                List<RangeTombstone> part = new ArrayList<>();
                for (RangeTombstone t : kept) {
                    RangeTombstone c = KeyRange.clip(t, fromKs, from, split.endKs, split.end);
                    if (c != null) {
                        part.add(c);
                    }
                }
                m = table.finish(part);
            }
            out.add(m);
            fromKs = split.endKs;
            from = split.end;
        } while (filter.hasNext());
        return new Output(out, filter.keptBytes());
    }

    /**
     * Cuts the kept entries into tables: each up to the first new key after {@code tableSize} bytes. Copies
     * each entry from the input block to the output block builder, with no object per entry.
     */
    private static final class Split {
        private final CompactionFilter filter;
        private final long tableSize;
        private final BooleanSupplier stop;
        private final String uri;
        private int count;
        /** The internal key of the last entry written to the current table (length -1: none yet). */
        private byte[] last = new byte[64];
        private int lastLength;
        /** Where the next table starts, once the current one ended; {@code end} is {@code null} after the last. */
        int endKs;
        byte[] end;

        Split(CompactionFilter filter, long tableSize, BooleanSupplier stop, String uri) {
            this.filter = filter;
            this.tableSize = tableSize;
            this.stop = stop;
            this.uri = uri;
        }

        /** Writes the next table's entries to it and sets where the next table starts. */
        void fill(TableBuilder table) {
            long bytes = 0;
            lastLength = -1;
            endKs = 0;
            end = null;
            while (filter.hasNext()) {
                TableScan e = filter.current();
                int keyLength = e.keyLength();
                if (bytes >= tableSize && lastLength >= 0
                        && !Arrays.equals(last, 0, lastLength, e.key(), 0, keyLength)) {
                    endKs = e.keyspace();
                    end = Arrays.copyOfRange(e.key(), 4, keyLength);
                    return;
                }
                if (++count % ABORT_CHECK_INTERVAL == 0 && stop.getAsBoolean()) {
                    throw new StoreClosedException("a compaction of " + uri + " stopped: the lsm store is closing");
                }
                int valueLength = e.kind() == Kind.PUT ? e.valueLength() : 0;
                table.add(e.key(), keyLength, e.seq(), e.kind(), e.valueArray(), e.valueOffset(), valueLength);
                bytes += keyLength - 4 + valueLength + 16;
                if (last.length < keyLength) {
                    last = new byte[Math.max(keyLength, 2 * last.length)];
                }
                System.arraycopy(e.key(), 0, last, 0, keyLength);
                lastLength = keyLength;
                filter.advance();
            }
        }
    }
}
