package dev.plinth.rocksdb;

import dev.plinth.spi.CallGuard;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.Snapshot;

/**
 * A RocksDB snapshot: a sequence number below which RocksDB keeps every version this view can see. Reads
 * are thread-safe.
 *
 * <p>Owns the snapshot and the read options that point to it. Reads hold {@link #guard} around their native
 * call, and {@link #close()} drains it before it releases the snapshot, so a read racing a close never
 * touches freed memory. The engine releases snapshots still open when it closes.
 */
final class RocksDbSnapshot implements EngineSnapshot {
    private final RocksDbEngine engine;
    /** The RocksDB snapshot; released by {@link RocksDbEngine#release(RocksDbSnapshot)}. */
    final Snapshot snapshot;
    /** Read options with {@link #snapshot} set, for point reads. */
    final ReadOptions readOptions;
    /** Brackets every native call that uses {@link #snapshot} or {@link #readOptions}. */
    final CallGuard guard = new CallGuard(() -> new IllegalStateException("the snapshot is closed"));

    RocksDbSnapshot(RocksDbEngine engine, Snapshot snapshot, ReadOptions readOptions) {
        this.engine = engine;
        this.snapshot = snapshot;
        this.readOptions = readOptions;
    }

    /**
     * RocksDB's sequence number of the snapshot. For diagnostics: RocksJava cannot ask for a key's latest
     * sequence number, so the engine checks value preconditions, not version ones.
     */
    @Override
    public long version() {
        return snapshot.getSequenceNumber();
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        return engine.snapshotGet(this, keyspace, key);
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        return engine.snapshotCursor(this, keyspace, scan);
    }

    @Override
    public void close() {
        if (guard.closeAndDrain()) {
            engine.release(this);
        }
    }

    /**
     * Releases the RocksDB snapshot and frees the native objects; the engine calls it once, after
     * {@link #guard} was drained, with the database open.
     */
    void freeNatives(RocksDB db) {
        try {
            db.releaseSnapshot(snapshot);
        } finally {
            snapshot.close();
            readOptions.close();
        }
    }

    @Override
    public String toString() {
        return "rocksdb snapshot of " + engine.path() + (guard.isClosed() ? " (closed)" : "");
    }
}
