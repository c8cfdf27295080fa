package dev.plinth.lmdb;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Read transactions kept between reads, reset ({@code mdb_txn_reset}) and renewed for the next point
 * read, cursor or snapshot: a renew costs a fraction of a new transaction. Thread-safe.
 *
 * <p>The environment is opened with {@code MDB_NOTLS}, so a read transaction and its reader slot belong to
 * no thread and may be renewed by any. A reset transaction sees nothing and pins no page, but keeps its
 * reader slot: at most {@link #capacity} are kept, and when LMDB reports every slot in use
 * ({@code MDB_READERS_FULL}) the idle ones are freed and the transaction begun again ({@link #begin}), so
 * the pool never costs a snapshot or cursor its slot. The map may be resized while they are idle: a reset
 * transaction holds no pointer into it, and renewing reads the new one. Every method is called holding a
 * permit of the engine's gate, like every other use of a transaction, except {@link #close()}, which runs
 * when nothing else does.
 */
final class ReaderPool {
    /** The most idle transactions kept, whatever {@code maxReaders}. */
    static final int MAX_CAPACITY = 32;

    private final Env<ByteBuffer> env;
    private final int capacity;
    private final ConcurrentLinkedQueue<Txn<ByteBuffer>> idle = new ConcurrentLinkedQueue<>();
    /** Transactions in {@link #idle}, counted ahead of the queue so that it never exceeds the capacity. */
    private final AtomicInteger idleCount = new AtomicInteger();

    /**
     * Makes a pool.
     *
     * @param env the environment
     * @param maxReaders its reader slots; the pool keeps at most an eighth of them, and at most {@link #MAX_CAPACITY}
     */
    ReaderPool(Env<ByteBuffer> env, int maxReaders) {
        this.env = env;
        this.capacity = Math.max(0, Math.min(MAX_CAPACITY, maxReaders / 8));
    }

    /**
     * Begins a new read transaction (not a pooled one), freeing the idle ones first if every reader slot
     * is taken.
     *
     * @return the transaction, at the latest committed state
     * @throws LmdbException as {@code mdb_txn_begin} does
     */
    Txn<ByteBuffer> begin() {
        try {
            return env.txnRead();
        } catch (LmdbException e) {
            if (LmdbErrors.code(e) != LmdbErrors.MDB_READERS_FULL || drain() == 0) {
                throw e;
            }
            return env.txnRead();
        }
    }

    /**
     * A read transaction at the latest committed state: an idle one renewed, or else a new one. An idle
     * transaction that cannot be renewed is closed (lmdbjava aborts it, freeing its reader slot, when it
     * is still ready; after a failure inside {@code mdb_txn_renew} lmdbjava can only free its own buffers,
     * and the slot stays taken until the environment closes) and a new transaction begun in its place.
     *
     * @return a transaction to give back with {@link #giveBack}
     * @throws LmdbException if no transaction can begin (an environment failure, such as {@code MDB_PANIC},
     *     or every reader slot taken)
     */
    Txn<ByteBuffer> borrow() {
        Txn<ByteBuffer> txn = idle.poll();
        if (txn == null) {
            return begin();
        }
        idleCount.decrementAndGet();
        try {
            txn.renew();
            return txn;
        } catch (LmdbException e) {
            closeQuietly(txn);
            return begin();
        }
    }

    private static void closeQuietly(Txn<ByteBuffer> txn) {
        try {
            txn.close();
        } catch (LmdbException ignored) {
            // its slot stays taken until the environment closes
        }
    }

    /**
     * Ends a borrowed transaction, keeping it for reuse if there is room.
     *
     * @param txn the transaction, ready
     */
    void giveBack(Txn<ByteBuffer> txn) {
        if (idleCount.incrementAndGet() > capacity) {
            idleCount.decrementAndGet();
            txn.close();
            return;
        }
        try {
            txn.reset();
        } catch (LmdbException e) {
            idleCount.decrementAndGet();
            txn.close();
            return;
        }
        idle.offer(txn);
    }

    /**
     * Idle transactions now, for stats.
     *
     * @return the count
     */
    int idle() {
        return Math.max(0, idleCount.get());
    }

    /**
     * Frees every idle transaction and its reader slot.
     *
     * @return how many were freed
     */
    int drain() {
        int freed = 0;
        Txn<ByteBuffer> txn;
        while ((txn = idle.poll()) != null) {
            idleCount.decrementAndGet();
            try {
                // lmdbjava aborts (and so frees the slot of) a read transaction only from the ready state.
                txn.renew();
                txn.close();
                freed++;
            } catch (LmdbException e) {
                closeQuietly(txn); // lmdbjava's buffers at least; its slot stays taken until the environment closes
            }
        }
        return freed;
    }

    /** Frees every idle transaction; before the environment closes. */
    void close() {
        drain();
    }
}
