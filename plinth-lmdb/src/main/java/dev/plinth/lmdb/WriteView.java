package dev.plinth.lmdb;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.lmdbjava.Txn;

/**
 * Reads over a batch's write transaction, for its preconditions: sees the state before the batch, and
 * nothing changes it meanwhile (LMDB has one writer). Used by the writing thread only, under the engine's
 * write lock; not thread-safe.
 */
final class WriteView implements EngineReader {
    private final LmdbEngine engine;
    private final Txn<ByteBuffer> txn;
    private final List<LmdbCursor> cursors = new ArrayList<>();

    /**
     * Makes a view of a write transaction.
     *
     * @param engine the engine that began it
     * @param txn the transaction, open until after {@link #closeCursors()}
     */
    WriteView(LmdbEngine engine, Txn<ByteBuffer> txn) {
        this.engine = engine;
        this.txn = txn;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        LmdbKeyspace ks = engine.live(keyspace, "apply");
        return engine.isStorableKey(key) ? engine.read(ks, txn, key, "apply") : null;
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        LmdbCursor c = new LmdbCursor(engine, engine.live(keyspace, "apply"), txn, scan.start(), scan.end(), scan.reverse());
        cursors.add(c);
        return c;
    }

    /** Closes the cursors opened through the view; a write transaction frees its cursors when it ends, so before. */
    void closeCursors() {
        for (LmdbCursor c : cursors) {
            c.close();
        }
    }
}
