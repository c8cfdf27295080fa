package dev.plinth.lmdb;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;

/**
 * A consistent view of every keyspace: one LMDB read transaction, held until {@link #close()}. Reads are
 * thread-safe (serialised on the transaction, see {@link ReadTxn}).
 *
 * <p>While it is open, LMDB cannot reuse the pages it sees, so the file grows with every write, and the
 * map cannot be enlarged (see {@link LmdbEngine}). Keyspaces created after it began read as empty through
 * it; keyspaces dropped since throw {@link dev.plinth.NoSuchKeyspaceException}.
 */
final class LmdbSnapshot implements EngineSnapshot {
    private final LmdbEngine engine;
    private final ReadTxn txn;

    LmdbSnapshot(LmdbEngine engine, ReadTxn txn) {
        this.engine = engine;
        this.txn = txn;
    }

    /**
     * The id of the last write transaction committed before it began. For diagnostics: LMDB keeps no per-key
     * versions, so the engine checks value preconditions, not version ones.
     */
    @Override
    public long version() {
        return txn.id();
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        LmdbKeyspace ks = engine.live(keyspace, "snapshot get");
        synchronized (txn.mutex) {
            var t = txn.txnLocked(this);
            if (!ks.visibleAt(txn.epoch()) || !engine.isStorableKey(key)) {
                return null;
            }
            return engine.read(ks, t, key, "snapshot get");
        }
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        LmdbKeyspace ks = engine.live(keyspace, "snapshot cursor");
        return new LmdbCursor(engine, ks, txn, false, ks.visibleAt(txn.epoch()), scan);
    }

    @Override
    public void close() {
        txn.close();
    }

    @Override
    public String toString() {
        return "lmdb snapshot of " + engine;
    }
}
