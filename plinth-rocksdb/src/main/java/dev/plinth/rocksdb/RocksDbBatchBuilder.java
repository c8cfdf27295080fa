package dev.plinth.rocksdb;

import dev.plinth.spi.EngineBatch;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Turns an engine batch into a RocksDB {@link WriteBatch}, whose entries RocksDB applies in order. Thread-safe: it
 * keeps no state between calls.
 *
 * <p>The batch is encoded in Java ({@link RocksDbBatchEncoder}) and handed to RocksDB in one JNI call, instead of
 * one JNI call per entry; only a batch whose encoding would pass {@link RocksDbBatchEncoder#MAX_ENCODED_BYTES} is
 * still built one call per entry. A range delete with an unbounded end is bounded first, from the latest state
 * ({@link #unboundedEndLocked}).
 *
 * <p>Callers hold the guard of every keyspace the batch touches (the column family handles stay valid), and for a
 * batch with an unbounded range delete the engine's commit lock's write lock (see
 * {@link RocksDbEngine#apply}).
 */
final class RocksDbBatchBuilder {
    private static final byte[] EMPTY = new byte[0];

    private final RocksDB db;
    /** Reads of the latest state, for bounding range deletes; owned by the engine. */
    private final ReadOptions readLatest;
    /** Whether this thread holds the engine's commit lock's write lock; checked by an assertion only. */
    private final BooleanSupplier exclusive;

    RocksDbBatchBuilder(RocksDB db, ReadOptions readLatest, BooleanSupplier exclusive) {
        this.db = db;
        this.readLatest = readLatest;
        this.exclusive = exclusive;
    }

    static boolean hasUnboundedRangeDelete(EngineBatch batch) {
        for (EngineBatch.Mutation m : batch.mutations()) {
            if (m.kind() == EngineBatch.MutationKind.DELETE_RANGE && m.end() == null) {
                return true;
            }
        }
        return false;
    }

    /** The batch as a new RocksDB write batch, which the caller closes. */
    WriteBatch build(EngineBatch batch) throws RocksDBException {
        byte[] encoded = encode(batch);
        if (encoded != null) {
            return NativeTracker.track(new WriteBatch(encoded));
        }
        WriteBatch wb = NativeTracker.track(new WriteBatch());
        try {
            fill(RocksDbBatchEntries.perCall(wb), batch);
            return wb;
        } catch (RocksDBException | RuntimeException | Error e) {
            wb.close();
            throw e;
        }
    }

    /** The batch in RocksDB's write-batch representation, or {@code null} if that would be too large. */
    byte[] encode(EngineBatch batch) throws RocksDBException {
        RocksDbBatchEncoder encoder = RocksDbBatchEncoder.forBatch(batch);
        if (encoder == null) {
            return null;
        }
        fill(encoder, batch);
        return encoder.finish();
    }

    /** For tests: the representation RocksDB itself builds from the batch's entries added one JNI call each. */
    byte[] perCallData(EngineBatch batch) throws RocksDBException {
        try (WriteBatch wb = NativeTracker.track(new WriteBatch())) {
            fill(RocksDbBatchEntries.perCall(wb), batch);
            return wb.data();
        }
    }

    /** Adds the batch's mutations to {@code entries}, in order, with every range delete bounded. */
    private void fill(RocksDbBatchEntries entries, EngineBatch batch) throws RocksDBException {
        // The greatest key put so far in this batch, per keyspace; needed only to bound unbounded range deletes.
        Map<RocksDbKeyspace, byte[]> greatestPut = hasUnboundedRangeDelete(batch) ? new IdentityHashMap<>() : null;
        for (EngineBatch.Mutation m : batch.mutations()) {
            RocksDbKeyspace ks = (RocksDbKeyspace) m.keyspace();
            switch (m.kind()) {
                case PUT -> {
                    entries.put(ks, m.key(), m.value());
                    if (greatestPut != null) {
                        greatestPut.merge(ks, m.key(), (a, b) -> Arrays.compareUnsigned(a, b) >= 0 ? a : b);
                    }
                }
                case DELETE -> entries.delete(ks, m.key());
                case DELETE_RANGE -> {
                    // Plinth keys have at least one byte, so the empty key is below all of them.
                    byte[] begin = m.key() == null ? EMPTY : m.key();
                    byte[] end = m.end() != null ? m.end() : unboundedEndLocked(ks, begin, greatestPut.get(ks));
                    if (end != null && Arrays.compareUnsigned(begin, end) < 0) {
                        entries.deleteRange(ks, begin, end);
                    }
                }
                default -> throw new IllegalArgumentException("unknown mutation kind " + m.kind());
            }
        }
    }

    /**
     * An exclusive end for a range delete from {@code begin} to the end of the keyspace: the successor of the
     * greatest key at or after {@code begin} that exists or that this batch put earlier. RocksDB has no
     * "infinity" key, and the result is exact only because the caller holds the engine's commit lock's write lock,
     * so no other batch can add a greater key before this one is written.
     *
     * @return the end, or {@code null} if no key at or after {@code begin} exists
     */
    private byte[] unboundedEndLocked(RocksDbKeyspace ks, byte[] begin, byte[] greatestPut) throws RocksDBException {
        assert exclusive.getAsBoolean() : "an unbounded range delete on keyspace '" + ks.name()
                + "' was bounded without the commit lock's write lock held";
        byte[] last = null;
        try (RocksIterator it = NativeTracker.track(db.newIterator(ks.handle, readLatest))) {
            it.seekToLast();
            if (it.isValid()) {
                last = it.key();
            } else {
                it.status();
            }
        }
        if (greatestPut != null && (last == null || Arrays.compareUnsigned(greatestPut, last) > 0)) {
            last = greatestPut;
        }
        if (last == null || Arrays.compareUnsigned(last, begin) < 0) {
            return null;
        }
        return Arrays.copyOf(last, last.length + 1);
    }
}
