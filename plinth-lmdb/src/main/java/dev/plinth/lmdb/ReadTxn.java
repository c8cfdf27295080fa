package dev.plinth.lmdb;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.lmdbjava.Txn;

/**
 * An LMDB read transaction held open across calls: a snapshot's, or an engine cursor's own. Holds a long
 * permit of the engine's {@link TxnGate} until closed, so the map is not remapped under it. Thread-safe.
 *
 * <p>The transaction is borrowed from the engine's {@link ReaderPool} (renewed, or begun when none is idle)
 * and given back to it on close (reset, or aborted when the pool is full): a scan of a few entries then pays
 * neither {@code mdb_txn_begin}'s search for a reader slot under LMDB's reader-table lock nor lmdbjava's
 * native allocations for a new transaction. It is given back after every cursor over it is closed and
 * before the permit is released, as the pool requires.
 *
 * <p>The environment is opened with {@code MDB_NOTLS}, so the transaction may be used from, and closed by,
 * any thread; but LMDB does not promise that one read transaction may be used by two threads at once
 * (its first use of each database writes into the transaction). So every use runs under {@link #mutex},
 * which also guards {@link #closed} and {@link #cursors}.
 */
final class ReadTxn {
    private final LmdbEngine engine;
    private final ReaderPool pool;
    private final Txn<ByteBuffer> txn;
    private final TxnGate.Permit permit;
    /** The engine's keyspace epoch when the transaction began; newer keyspaces are invisible to it. */
    private final long epoch;
    /** {@link #id()}, read when the transaction began. */
    private final long id;
    /** Serialises every use of {@link #txn}; guards the fields below. */
    final Object mutex = new Object();
    private boolean closed;
    /** Cursors open over this transaction; closed before it is. */
    private final Set<LmdbCursor> cursors = new LinkedHashSet<>();

    /**
     * @param pool where {@code txn} was borrowed from and goes back to on close
     */
    ReadTxn(LmdbEngine engine, ReaderPool pool, Txn<ByteBuffer> txn, TxnGate.Permit permit, long epoch) {
        this.engine = engine;
        this.pool = pool;
        this.txn = txn;
        this.permit = permit;
        this.epoch = epoch;
        this.id = txn.getId();
    }

    long epoch() {
        return epoch;
    }

    /**
     * LMDB's id of the transaction: the id of the last write transaction committed when it began. Read once
     * when it began: after close the pooled transaction may be renewed for another reader, whose id it then
     * has.
     */
    long id() {
        return id;
    }

    /**
     * The transaction, for a caller holding {@link #mutex}.
     *
     * @param what the owner, for the message
     * @return the open transaction
     * @throws IllegalStateException if closed
     */
    Txn<ByteBuffer> txnLocked(Object what) {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        return txn;
    }

    boolean isClosedLocked() {
        return closed;
    }

    void addLocked(LmdbCursor c) {
        cursors.add(c);
    }

    void removeLocked(LmdbCursor c) {
        cursors.remove(c);
    }

    /**
     * Closes every cursor still open over the transaction, then ends the transaction, giving it back to the
     * pool; idempotent.
     */
    void close() {
        synchronized (mutex) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                for (LmdbCursor c : new ArrayList<>(cursors)) {
                    c.closeLocked();
                }
                cursors.clear();
                pool.giveBack(txn);
            } finally {
                permit.release();
                engine.forget(this);
            }
        }
    }
}
