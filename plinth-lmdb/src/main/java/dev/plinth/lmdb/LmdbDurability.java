package dev.plinth.lmdb;

import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.StorageIOException;
import dev.plinth.UnsupportedCapabilityException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;

/**
 * The environment's sync mode, and the explicit syncs ({@code mdb_env_sync(force)}) that make committed
 * writes durable. Thread-safe.
 *
 * <p>LMDB's sync behaviour belongs to the environment, not to a transaction. By default it is opened with
 * {@code MDB_NOMETASYNC}: each commit {@code fdatasync}s its data pages but not the meta page that
 * publishes them, so a {@code SYNC} write is followed by {@link #sync}, which syncs the meta page too. With
 * {@code noSync=true} it is opened with {@code MDB_NOSYNC}: commits sync nothing, a power loss between syncs
 * may damage the file, and so only {@code NONE} and {@code PROCESS} are honoured (see
 * {@code docs/engines/lmdb.md}). In both modes a clean close syncs what commits left unsynced
 * ({@link #syncBeforeCloseLocked}).
 *
 * <p>It counts its syncs and the engine's commits ({@link #syncs()}, {@link #commits()}), which the
 * engine's stats publish: a {@code SYNC} write that skipped its sync shows there, where no reopen after a
 * clean shutdown could.
 */
final class LmdbDurability {
    private final String uri;
    private final Env<ByteBuffer> env;
    private final boolean noSync;
    private final TxnGate gate;
    /** Records a failure after which no write may be trusted. */
    private final Consumer<PlinthException> onFatal;

    /** {@code mdb_env_sync} calls that succeeded. */
    private final AtomicLong syncs = new AtomicLong();
    /** Write transactions committed that changed the environment. */
    private final AtomicLong commits = new AtomicLong();
    /** The most {@link #commits} a finished sync is known to cover: read before it began. */
    private final AtomicLong syncedCommits = new AtomicLong();

    /**
     * Makes the durability of one environment.
     *
     * @param uri the store's URI, for messages
     * @param env the environment, opened with {@link #syncFlag(boolean) syncFlag(noSync)}
     * @param noSync whether it was opened with {@code MDB_NOSYNC}
     * @param gate the gate whose permit every sync holds
     * @param onFatal called with the error when a sync fails: the engine must accept no more writes
     */
    LmdbDurability(String uri, Env<ByteBuffer> env, boolean noSync, TxnGate gate, Consumer<PlinthException> onFatal) {
        this.uri = uri;
        this.env = env;
        this.noSync = noSync;
        this.gate = gate;
        this.onFatal = onFatal;
    }

    /**
     * The environment flags of a sync mode, besides {@code MDB_NOTLS}.
     *
     * @param noSync whether the store was opened with {@code noSync=true}
     * @return {@code MDB_NOSYNC} or {@code MDB_NOMETASYNC}
     */
    static EnvFlags syncFlag(boolean noSync) {
        return noSync ? EnvFlags.MDB_NOSYNC : EnvFlags.MDB_NOMETASYNC;
    }

    /**
     * The durability levels a sync mode honours.
     *
     * @param noSync whether the store was opened with {@code noSync=true}
     * @return the levels, weakest first
     */
    static List<Durability> levels(boolean noSync) {
        return noSync ? List.of(Durability.NONE, Durability.PROCESS)
                : List.of(Durability.NONE, Durability.PROCESS, Durability.SYNC);
    }

    /**
     * The default durability of a sync mode: the strongest it honours.
     *
     * @param noSync whether the store was opened with {@code noSync=true}
     * @return {@code PROCESS} or {@code SYNC}
     */
    static Durability defaultLevel(boolean noSync) {
        return noSync ? Durability.PROCESS : Durability.SYNC;
    }

    /**
     * Checks that a batch asks for a level this mode honours.
     *
     * @param durability the batch's level
     * @throws UnsupportedCapabilityException naming the mode and the levels it honours, if not
     */
    void requireHonoured(Durability durability) {
        List<Durability> honoured = levels(noSync);
        if (!honoured.contains(durability)) {
            throw new UnsupportedCapabilityException("the lmdb engine of " + uri + " cannot give a batch durability "
                    + durability + (noSync ? ": it was opened with noSync=true, so a power loss may lose"
                    + " or damage unflushed writes" : "") + "; it honours " + honoured);
        }
    }

    /** Counts a committed write transaction that changed the environment; called right after the commit. */
    void committed() {
        commits.incrementAndGet();
    }

    /**
     * Makes every committed write durable (the meta page of {@code MDB_NOMETASYNC} commits, everything under
     * {@code MDB_NOSYNC}), holding a short gate permit. The caller holds no permit.
     *
     * @param op the operation, for messages
     * @throws StorageIOException if the sync fails; the engine is then failed
     * @throws dev.plinth.StoreClosedException if the engine is closing: a write applied before that is made
     *     durable by the close, but not before this call returns
     */
    void sync(String op) {
        gate.enter();
        try {
            syncLocked();
        } catch (LmdbException e) {
            StorageIOException x = new StorageIOException(op + " on " + uri + ": the write was applied but"
                    + " could not be made durable (" + e.getMessage() + "); the store accepts no more writes", e);
            onFatal.accept(x);
            throw x;
        } finally {
            gate.exit();
        }
    }

    /**
     * Syncs before the environment closes, if a commit since the last sync left anything unsynced: under
     * {@code MDB_NOSYNC} everything, under {@code MDB_NOMETASYNC} the meta page of {@code NONE} and
     * {@code PROCESS} commits. The caller runs while the gate is exclusive, so nothing else uses the
     * environment.
     *
     * @throws LmdbException if the sync fails
     */
    void syncBeforeCloseLocked() {
        if (commits.get() > syncedCommits.get()) {
            syncLocked();
        }
    }

    /** Syncs; the caller holds a permit or the gate exclusively. */
    private void syncLocked() {
        // Read before the sync: a commit that ends during it may or may not be covered, so it counts as not.
        long covered = commits.get();
        env.sync(true);
        syncs.incrementAndGet();
        syncedCommits.accumulateAndGet(covered, Math::max);
    }

    /**
     * The {@code mdb_env_sync} calls that succeeded since the environment was opened.
     *
     * @return the count
     */
    long syncs() {
        return syncs.get();
    }

    /**
     * The write transactions committed since the environment was opened that changed it (batches that
     * applied mutations, keyspace creations and drops).
     *
     * @return the count
     */
    long commits() {
        return commits.get();
    }
}
