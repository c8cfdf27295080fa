package dev.plinth.lmdb;

import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.spi.EngineBatch;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.lmdbjava.Env;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.LmdbException;

/**
 * An environment's memory map: how big it is, and growing it. Thread-safe.
 *
 * <p>LMDB fixes the map size when it maps the file and reports {@code MDB_MAP_FULL} when a write needs a
 * page beyond it. {@code mdb_env_set_mapsize} enlarges it, but only while no transaction of the process
 * is open (it remaps the file, and an open transaction would read unmapped memory; lmdbjava #126). So every
 * native call holds a permit of the {@link #gate()}, and the map grows in two ways:
 * <ul>
 *   <li><b>Ahead of need.</b> After a commit leaves less than {@link #GROW_WHEN_FREE_BELOW} of the map free
 *       (read once the commits since the last reading could have used the room left, see
 *       {@link #afterCommit(long)}), it is doubled the next time the last permit is released
 *       ({@link #growIfWantedLocked()}), a moment
 *       when growing costs nothing and waits for no one.
 *       Writers also try it right after their commit ({@link #growIfWanted()}), waiting briefly for point
 *       reads and writes in flight but not for snapshots or cursors.
 *   <li><b>On demand.</b> A write that still finds the map full aborts its transaction, releases its
 *       permit and the engine's write lock, and calls {@link #growForWrite}, which waits for the open
 *       permits to be released, at most the resize timeout, and then the write runs again. Open snapshots and cursors
 *       can hold it up; then the write fails with {@link StorageFullException}, having applied nothing,
 *       and the map grows as soon as they close. A writer that itself holds a snapshot or cursor fails at
 *       once: waiting for its own read transaction would only run out the clock. The write lock is
 *       released during the wait because a thread holding a cursor may be queued for it: it gets to write
 *       (failing at once if it too needs the map to grow), and so gets to close its cursor.
 * </ul>
 */
final class LmdbMap {
    /** After a commit leaves less than this fraction of the map free, the map grows when next idle. */
    static final double GROW_WHEN_FREE_BELOW = 0.25;
    /** How long growth ahead of need waits for point reads in flight to finish. */
    static final long AHEAD_OF_NEED_WAIT_MILLIS = 50;
    /** See {@link #pagesBound}: 2 pages per level of a tree up to 8 levels deep, in two trees. */
    static final int PAGES_PER_MUTATION = 32;
    /** See {@link #pagesBound}. */
    static final int PAGES_PER_COMMIT = 64;

    /** Map sizes are multiples of this, which covers every page size LMDB uses. */
    static final long ALIGNMENT = 1L << 20;

    private final String uri;
    private final Env<ByteBuffer> env;
    private final int pageSize;
    private final long resizeTimeoutMillis;
    /** Records a failure after which the environment must not be used for writes. */
    private final Consumer<PlinthException> onFatal;
    /** Whether the engine is open and not failed, so that idle growth may run. */
    private final BooleanSupplier usable;
    private final TxnGate gate;

    /** The current size; written only while the gate is exclusive (or before the engine is shared). */
    private volatile long size;
    /** The size to grow to at the next idle moment, or anything not above {@link #size} for none. */
    private final AtomicLong wanted = new AtomicLong();
    private final AtomicLong resizes = new AtomicLong();
    private final AtomicLong blockedGrowths = new AtomicLong();

    // Guarded by the engine's write lock: see afterCommit.
    /** Pages the map may still gain before it passes the growth threshold, as of the last read of its use. */
    private long pagesLeftBelowThreshold;
    /** The sum of the commits' bounds on pages added since that read. */
    private long pagesUnread;

    LmdbMap(String uri, Env<ByteBuffer> env, long resizeTimeoutMillis, Consumer<PlinthException> onFatal,
            BooleanSupplier usable) {
        this.uri = uri;
        this.env = env;
        this.pageSize = env.stat().pageSize;
        this.resizeTimeoutMillis = resizeTimeoutMillis;
        this.onFatal = onFatal;
        this.usable = usable;
        this.gate = new TxnGate(uri, this::growIfWantedLocked);
        this.size = env.info().mapSize;
    }

    /**
     * Rounds a size up to {@link #ALIGNMENT}, within the accepted bounds.
     *
     * @param bytes the wanted size
     * @return the aligned size
     */
    static long align(long bytes) {
        long aligned = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        return Math.min(Math.max(aligned, ALIGNMENT), LmdbOptions.MAX_MAP_SIZE);
    }

    /**
     * The gate every native call holds a permit of.
     *
     * @return the gate
     */
    TxnGate gate() {
        return gate;
    }

    long size() {
        return size;
    }

    int pageSize() {
        return pageSize;
    }

    long resizes() {
        return resizes.get();
    }

    long blockedGrowths() {
        return blockedGrowths.get();
    }

    /**
     * The bytes up to the highest page LMDB has used (freed pages below it are reused, so this is a high
     * water mark); the caller holds a permit.
     *
     * @param info the environment's info, read under that permit
     * @return the bytes
     */
    long used(EnvInfo info) {
        return (info.lastPageNumber + 1) * pageSize;
    }

    /** Gives a just-opened environment room; no other thread sees it yet. */
    void growAtOpen() {
        if (nearlyFull()) {
            gate.tryRunExclusive(() -> resizeLocked(align(size * 2)));
        }
    }

    /**
     * After a commit of the engine's write lock holder, with its permit still held: asks for growth when
     * little of the map is free. Reading how much is used is a native call that allocates (lmdbjava builds
     * an {@code EnvInfo} each time), so it is read only once the commits since the last read could have
     * crossed the threshold: each commit names a bound on the pages it can have added, and while the sum of
     * those bounds stays below the room the last read left under the threshold, nothing is read.
     *
     * @param pagesBound the most pages the commit can have added to the map, or a negative number if no
     *     bound is known (the use is read then)
     */
    void afterCommit(long pagesBound) {
        if (pagesBound >= 0) {
            pagesUnread += pagesBound;
            if (pagesUnread < pagesLeftBelowThreshold) {
                return;
            }
        }
        EnvInfo info = env.info();
        long used = used(info) / pageSize;
        long threshold = (long) (info.mapSize * (1 - GROW_WHEN_FREE_BELOW)) / pageSize;
        pagesUnread = 0;
        pagesLeftBelowThreshold = Math.max(0, threshold - used);
        if (used > threshold) {
            want(align(size * 2));
        }
    }

    /**
     * Pages a commit of {@code batch} can have added to the map at most, for {@link #afterCommit}: a
     * copy-on-write commit adds no more pages than it makes dirty. Per mutation, the path from the root to
     * its leaf, split at every level, in its database and in the main database that records the database's
     * root ({@link #PAGES_PER_MUTATION}), plus twice its bytes in overflow pages; per commit, the free list's
     * own pages and the meta page ({@link #PAGES_PER_COMMIT}). A range delete has no useful bound: -1.
     */
    long pagesBound(EngineBatch batch) {
        long pages = PAGES_PER_COMMIT;
        List<EngineBatch.Mutation> mutations = batch.mutations();
        for (int i = 0; i < mutations.size(); i++) {
            EngineBatch.Mutation m = mutations.get(i);
            if (m.kind() == EngineBatch.MutationKind.DELETE_RANGE) {
                return -1;
            }
            long bytes = m.key().length + (m.value() == null ? 0 : m.value().length);
            pages += PAGES_PER_MUTATION + 2 * ((bytes + pageSize - 1) / pageSize);
        }
        return pages;
    }

    /**
     * Makes the next {@link #afterCommit} read the map's use: for the write lock holder after a commit that
     * named no bound (a keyspace created or dropped).
     */
    void forgetUse() {
        pagesLeftBelowThreshold = 0;
    }

    private boolean nearlyFull() {
        EnvInfo info = env.info();
        return used(info) > info.mapSize * (1 - GROW_WHEN_FREE_BELOW);
    }

    private void want(long bytes) {
        wanted.accumulateAndGet(bytes, Math::max);
    }

    /**
     * Grows the map if a commit asked for it, waiting a moment for short permits to drain but not for
     * snapshots or cursors; for a writer that just committed and holds no lock. Under a steady stream of
     * point reads the count seldom drops to zero by itself, which is when {@link #growIfWantedLocked()} runs.
     */
    void growIfWanted() {
        if (wanted.get() > size && usable.getAsBoolean()) {
            gate.runExclusive(AHEAD_OF_NEED_WAIT_MILLIS, true, this::growIfWantedLocked);
        }
    }

    /** Runs under the gate's lock whenever the last permit is released: the cheap moment to grow. */
    private void growIfWantedLocked() {
        long target = wanted.get();
        if (target <= size || !usable.getAsBoolean()) {
            return;
        }
        try {
            resizeLocked(target);
        } catch (RuntimeException e) {
            // resizeLocked reported it as fatal; the next write says so.
        }
    }

    /**
     * Enlarges the full map so that a failed write can be tried again. The caller holds no permit (its
     * transaction was aborted) and not the engine's write lock.
     *
     * @param observedSize the map size the failed write ran with; if the map is already larger, nothing to do
     * @param batchBytes the bytes the write adds, so that one step is enough for it
     * @param op the operation, for messages
     * @throws StorageFullException if open read transactions kept the map from growing, or it is at its cap
     */
    void growForWrite(long observedSize, long batchBytes, String op) {
        if (observedSize >= LmdbOptions.MAX_MAP_SIZE) {
            throw new StorageFullException(op + " on " + uri + ": the LMDB map is full at its largest size, "
                    + observedSize + " bytes");
        }
        long target = align(Math.max(observedSize * 2, observedSize + 2 * batchBytes + ALIGNMENT));
        TxnGate.Result result = gate.runExclusive(resizeTimeoutMillis, false, () -> {
            if (size <= observedSize) {
                resizeLocked(target);
            }
        });
        if (result.ran() || result.outcome() == TxnGate.Outcome.SHUT) {
            return; // grown; or the engine is closing, which the write's next permit reports
        }
        blockedGrowths.incrementAndGet();
        want(target); // so that a retry after the readers close succeeds
        String why = result.outcome() == TxnGate.Outcome.HELD_BY_CALLER
                ? "because this thread itself holds an open read transaction (a snapshot or cursor it has"
                + " open), and the"
                + " map is remapped only when none is open"
                : "within " + LmdbOptions.RESIZE_TIMEOUT + "=" + resizeTimeoutMillis
                + "ms, because open snapshots, cursors or transactions hold read transactions";
        throw new StorageFullException(op + " on " + uri + ": the LMDB map (" + observedSize + " bytes) is full"
                + " and could not be enlarged " + why + " (LMDB remaps the file only when no transaction is"
                + " open; open: " + result.holders() + "); nothing was applied. The map grows to " + target
                + " bytes as soon as they are closed; then retry. A larger " + LmdbOptions.MAP_SIZE + " avoids this");
    }

    /** Sets the map size; the caller runs while the gate is exclusive, so no transaction is open. */
    private void resizeLocked(long newSize) {
        try {
            env.setMapSize(newSize);
            size = env.info().mapSize;
            resizes.incrementAndGet();
        } catch (LmdbException e) {
            // A failed remap may leave the environment without a map; nothing more may write to it.
            PlinthException p = new StorageFullException("growing the LMDB map of " + uri + " to " + newSize
                    + " bytes failed: " + e.getMessage() + "; reopen the store", e);
            onFatal.accept(p);
            throw p;
        }
    }
}
