package dev.plinth.cli.transfer;

import dev.plinth.Capabilities;
import dev.plinth.Keyspace;
import dev.plinth.ReadView;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import java.io.IOException;
import java.util.function.LongConsumer;

/**
 * Moves whole stores: into a dump, out of a dump, and from one store into another, writing in batches
 * sized to the destination's limits. Stateless; the stores must not be written by others meanwhile for
 * the verification to be meaningful.
 */
public final class Transfer {
    /** Most entries per batch, below the destination's own limit. */
    static final int BATCH_OPS = 1_000;
    /** Most key and value bytes per batch, below the destination's own limit. */
    static final long BATCH_BYTES = 4L << 20;

    /**
     * The outcome of {@link #copy(Store, Store, boolean, LongConsumer)}.
     *
     * @param copied what was written
     * @param verification the destination compared with the source
     */
    public record CopyReport(DumpSummary copied, Comparison verification) {
    }

    private Transfer() {
    }

    /**
     * Writes every keyspace and entry of a source into a dump.
     *
     * @param source what to dump, normally a store read through a snapshot
     * @param writer the dump
     * @param progress told of each entry written
     * @return what the dump holds
     * @throws IOException if writing fails
     */
    public static DumpSummary dump(EntrySource source, DumpWriter writer, LongConsumer progress) throws IOException {
        for (String ks = source.nextKeyspace(); ks != null; ks = source.nextKeyspace()) {
            writer.beginKeyspace(ks);
            while (source.nextEntry()) {
                writer.entry(source.key(), source.value());
                progress.accept(1);
            }
            writer.endKeyspace();
        }
        return writer.finish();
    }

    /**
     * Writes every keyspace and entry of a source into a store, creating keyspaces, in batches, then
     * flushes the store so that everything is as durable as the engine allows.
     *
     * @param source what to write
     * @param destination the store written
     * @param progress told of each entry written
     * @return what was written
     */
    public static DumpSummary load(EntrySource source, Store destination, LongConsumer progress) {
        Batcher batcher = new Batcher(destination, progress);
        int keyspaces = 0;
        long entries = 0;
        long keyBytes = 0;
        long valueBytes = 0;
        for (String name = source.nextKeyspace(); name != null; name = source.nextKeyspace()) {
            Keyspace ks = destination.createKeyspace(name);
            keyspaces++;
            while (source.nextEntry()) {
                byte[] k = source.key();
                byte[] v = source.value();
                batcher.put(ks, k, v);
                entries++;
                keyBytes += k.length;
                valueBytes += v.length;
            }
        }
        batcher.write();
        destination.flush();
        return new DumpSummary(keyspaces, entries, keyBytes, valueBytes);
    }

    /**
     * Copies a whole store into another, then compares the destination with the source key by key. The
     * source is read through one snapshot for both passes, so writes to it meanwhile are not copied and do
     * not upset the comparison.
     *
     * @param source the store copied
     * @param destination the store written; refused unless empty or {@code allowNonEmpty}
     * @param allowNonEmpty whether a destination that holds data is fine; its other keys are then kept,
     *     and only the source's entries are verified
     * @param progress told of each entry written
     * @return counts and the verification
     * @throws IllegalStateException if the destination holds data and that is not allowed
     */
    public static CopyReport copy(Store source, Store destination, boolean allowNonEmpty, LongConsumer progress) {
        try (Snapshot snap = source.snapshot()) {
            return copy(source, snap, destination, allowNonEmpty, progress);
        }
    }

    /**
     * As {@link #copy(Store, Store, boolean, LongConsumer)}, reading the source through a snapshot the
     * caller holds, for example the one it measured the source in ({@link #extent}).
     *
     * @param source the store copied
     * @param snap a snapshot of {@code source}, read for both passes
     * @param destination the store written; refused unless empty or {@code allowNonEmpty}
     * @param allowNonEmpty whether a destination that holds data is fine
     * @param progress told of each entry written
     * @return counts and the verification
     * @throws IllegalStateException if the destination holds data and that is not allowed
     */
    public static CopyReport copy(Store source, Snapshot snap, Store destination, boolean allowNonEmpty,
                                  LongConsumer progress) {
        if (!allowNonEmpty && !isEmpty(destination)) {
            throw new IllegalStateException(destination.uri() + " is not empty");
        }
        DumpSummary copied;
        try (StoreEntrySource from = new StoreEntrySource(source, snap)) {
            copied = load(from, destination, progress);
        }
        try (StoreEntrySource expected = new StoreEntrySource(source, snap);
             StoreEntrySource actual = new StoreEntrySource(destination, destination)) {
            return new CopyReport(copied, Comparison.of(expected, actual, allowNonEmpty));
        }
    }

    /**
     * How big a store's parts are, as a destination must take them.
     *
     * @param keyspaces its keyspaces
     * @param longestKey its longest key, in bytes
     * @param longestValue its longest value, in bytes
     */
    public record Extent(int keyspaces, int longestKey, int longestValue) {
    }

    /**
     * Measures a store through one view, reading every entry once.
     *
     * @param store the store, for its keyspaces
     * @param view what to read through
     * @return its keyspace count and longest key and value
     */
    public static Extent extent(Store store, ReadView view) {
        int keyspaces = 0;
        int longestKey = 0;
        int longestValue = 0;
        try (StoreEntrySource from = new StoreEntrySource(store, view)) {
            for (String ks = from.nextKeyspace(); ks != null; ks = from.nextKeyspace()) {
                keyspaces++;
                while (from.nextEntry()) {
                    longestKey = Math.max(longestKey, from.key().length);
                    longestValue = Math.max(longestValue, from.value().length);
                }
            }
        }
        return new Extent(keyspaces, longestKey, longestValue);
    }

    /**
     * Empties a store again after a failed transfer into it: drops every keyspace but the default one and
     * deletes everything in that, then flushes.
     *
     * @param store the store
     */
    public static void clear(Store store) {
        for (String name : store.keyspaces()) {
            if (!name.equals(Store.DEFAULT_KEYSPACE)) {
                store.dropKeyspace(name);
            }
        }
        store.defaultKeyspace().deleteRange(dev.plinth.Range.all());
        store.flush();
    }

    /**
     * Whether a store holds nothing: only the default keyspace, with no entry.
     *
     * @param store the store
     * @return {@code true} if empty
     */
    public static boolean isEmpty(Store store) {
        if (store.keyspaces().size() > 1) {
            return false;
        }
        try (var c = store.defaultKeyspace().cursor(dev.plinth.Range.all(),
                dev.plinth.ScanOptions.forward().withKeysOnly(true).withLimit(1))) {
            return !c.next();
        }
    }

    /** Groups puts into batches within the destination's limits and ours. Not thread-safe. */
    private static final class Batcher {
        private final Store store;
        private final LongConsumer progress;
        private final int maxOps;
        private final long maxBytes;
        private final WriteBatch batch = new WriteBatch();
        private long bytes;

        Batcher(Store store, LongConsumer progress) {
            this.store = store;
            this.progress = progress;
            Capabilities caps = store.capabilities();
            this.maxOps = Math.min(BATCH_OPS, caps.maxBatchOps());
            this.maxBytes = Math.min(BATCH_BYTES, caps.maxBatchBytes());
        }

        void put(Keyspace ks, byte[] key, byte[] value) {
            // A margin per entry for whatever an engine or the core adds to each write.
            long size = key.length + (long) value.length + 16;
            if (!batch.isEmpty() && (batch.size() >= maxOps || bytes + size > maxBytes)) {
                write();
            }
            batch.put(ks, key, value);
            bytes += size;
        }

        void write() {
            if (batch.isEmpty()) {
                return;
            }
            if (!store.write(batch)) {
                throw new IllegalStateException("a batch without checks was refused by " + store.uri());
            }
            progress.accept(batch.size());
            batch.clear();
            bytes = 0;
        }
    }
}
