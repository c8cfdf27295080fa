package com.example.plinth.sqlite;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;

/**
 * A consistent view of every keyspace: one SQLite read transaction, held until {@link #close()}. Reads
 * are thread-safe (serialised on the transaction's connection). While it is open SQLite cannot reset its
 * write-ahead log past the view, so the {@code -wal} file grows with every write.
 *
 * <p>SQLite keeps no version a batch could name, so {@link #version()} is {@link #NO_VERSION} and the core
 * checks transactions by comparing values.
 */
final class SqliteSnapshot implements EngineSnapshot {
    private final SqliteEngine engine;
    private final ReadTxn txn;

    SqliteSnapshot(SqliteEngine engine, ReadTxn txn) {
        this.engine = engine;
        this.txn = txn;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        SqliteKeyspace ks = engine.live(keyspace, "snapshot get");
        synchronized (txn.mutex) {
            return engine.read(txn.connLocked("snapshot get"), ks, key, "snapshot get");
        }
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        SqliteKeyspace ks = engine.live(keyspace, "snapshot cursor");
        return new SqliteCursor(engine, ks, txn, false, scan);
    }

    @Override
    public void close() {
        txn.close();
    }

    @Override
    public String toString() {
        return "sqlite snapshot of " + engine.uri();
    }
}
