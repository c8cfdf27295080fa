package dev.plinth.lsm.internal.engine;

import dev.plinth.StoreClosedException;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.engine.LevelSet.LeveledTable;
import dev.plinth.lsm.internal.sstable.BlockCache;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.sstable.TableWriter;
import dev.plinth.spi.FailureLatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Leveled compaction on a background thread, and the full compaction {@code compact()} asks for. One
 * compaction runs at a time, under the compaction lock (the outermost lock of the engine). A compaction reads
 * its input tables and writes its output tables holding no other lock, so readers, writers and flushes go on
 * meanwhile; it takes the maintenance lock only to number its new tables and to record the result in the
 * manifest, and the write lock only to install the new set of tables. The inputs' files are deleted when the
 * last reader that uses them lets go (see {@link ReadView}). A failure trips the engine's latch, and writers
 * waiting for compaction ({@link WriteThrottle}) then fail with it. Thread-safe.
 */
final class Compactor {
    private final LsmEngine engine;
    private final TableMaintenance maintenance;
    private final String uri;
    private final Vfs vfs;
    private final LsmOptions options;
    private final FailureLatch latch;
    private final BlockCache blockCache;
    private final Amplification amplification;
    private final WriteThrottle throttle;
    private final ExecutorService thread;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Set when the engine starts closing: a running compaction gives up, no new one starts. */
    private volatile boolean stopping;

    /** Serialises compactions, background and full; taken before the maintenance lock. */
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final CompactionPicker picker;

    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong moves = new AtomicLong();
    /** Merges picked by the background thread (not {@link #compactAll}); for tests. */
    private final AtomicLong backgroundMerges = new AtomicLong();

    /** Test hook: runs on the background thread before each compaction it starts, holding the compaction lock. */
    volatile Runnable beforeBackgroundCompaction = () -> { };

    Compactor(LsmEngine engine, TableMaintenance maintenance, String uri, Vfs vfs, LsmOptions options,
              FailureLatch latch, BlockCache blockCache, Amplification amplification, WriteThrottle throttle) {
        this.engine = engine;
        this.maintenance = maintenance;
        this.uri = uri;
        this.vfs = vfs;
        this.options = options;
        this.latch = latch;
        this.blockCache = blockCache;
        this.amplification = amplification;
        this.throttle = throttle;
        this.picker = new CompactionPicker(options.compaction());
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plinth-lsm-compact " + uri);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a background round of compactions unless one is queued already; returns at once. */
    void schedule() {
        if (stopping || latch.isTripped() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(this::runBackground);
        } catch (RejectedExecutionException e) {
            scheduled.set(false); // closing
        }
    }

    /** Compacts while a level needs it; on the background thread. */
    private void runBackground() {
        scheduled.set(false);
        lock.lock();
        try {
            while (!stopping && !latch.isTripped() && !engine.isClosed()) {
                CompactionPicker.Pick p = picker.pick(engine.levels());
                if (p == null) {
                    return;
                }
                beforeBackgroundCompaction.run();
                run(p);
                picker.done(p);
                throttle.signal();
            }
        } catch (RuntimeException | Error e) {
            if (!stopping) {
                latch.trip(e, "a background compaction of " + uri + " failed; reopen the store once the cause is"
                        + " fixed");
            }
        } finally {
            lock.unlock();
            throttle.signal();
        }
    }

    /** Runs a compaction picked from the current levels; needs the compaction lock. */
    private void run(CompactionPicker.Pick p) {
        int out = p.level() + 1;
        if (p.isMove()) {
            maintenance.installCompaction(p.inputs(), out, p.upper(), true);
            moves.incrementAndGet();
            return;
        }
        LsmEngine.CompactionInputs in = engine.compactionInputs();
        merge(p.inputs(), out, p.bottommost(), in, false);
    }

    /**
     * Flushes both memtables, then merges every table into the last level, keeping only what a reader may
     * still see (see {@link CompactionFilter}); trips the engine's latch if it fails.
     *
     * @throws StoreClosedException if the store began closing meanwhile
     */
    void compactAll() {
        lock.lock();
        try {
            if (stopping || engine.isClosed()) {
                throw new StoreClosedException("the lsm store at " + uri + " is closing or closed; it was not compacted");
            }
            maintenance.flushAll();
            LsmEngine.CompactionInputs in = engine.compactionInputs();
            if (in.levels().tables().isEmpty()) {
                return;
            }
            merge(in.levels().tables(), CompactionOptions.LEVELS - 1, true, in, true);
        } catch (StoreClosedException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            latch.trip(e, "a compaction of " + uri + " failed");
            throw e;
        } finally {
            lock.unlock();
            throttle.signal();
        }
    }

    /** Merges tables into new ones at a level and installs them; needs the compaction lock. */
    private void merge(List<TableReader> inputs, int level, boolean bottommost, LsmEngine.CompactionInputs in,
                       boolean full) {
        List<TableReader> held = new ArrayList<>();
        try {
            for (TableReader t : inputs) {
                if (!t.retain()) {
                    throw new IllegalStateException(t + " of " + uri + " was closed before its compaction");
                }
                held.add(t);
            }
            CompactionWriter.Output o = CompactionWriter.write(vfs, uri, maintenance::newOutputNumber, inputs,
                    in.liveKeyspaces(), in.horizon(), bottommost, options.compaction().tableSize(), options.compress(),
                    () -> stopping);
            vfs.syncDirectory("");
            List<LeveledTable> outputs = new ArrayList<>();
            try {
                for (TableWriter.TableMeta m : o.tables()) {
                    TableReader t = TableReader.open(vfs, m.number(), blockCache);
                    try {
                        outputs.add(LeveledTable.of(t)); // reads the table's first and last blocks
                    } catch (RuntimeException | Error e) {
                        t.release();
                        throw e;
                    }
                }
                maintenance.installCompaction(inputs, level, outputs, false);
            } catch (RuntimeException | Error e) {
                for (LeveledTable t : outputs) {
                    t.table().release();
                }
                throw e;
            }
            long size = 0;
            for (TableWriter.TableMeta m : o.tables()) {
                size += m.size();
            }
            if (full) {
                amplification.compacted(size, o.keptBytes());
            } else {
                amplification.compacted(size);
            }
            compactions.incrementAndGet();
            if (!full) {
                backgroundMerges.incrementAndGet();
            }
        } finally {
            TableReader.releaseAll(held);
        }
    }

    /** Whether the store is closing; a compaction checks it as it goes. */
    boolean isStopping() {
        return stopping;
    }

    /**
     * Stops compacting: a running compaction gives up at its next check, and waits for it (and a full one
     * running on another thread) to end. Idempotent.
     */
    void stop() {
        stopping = true;
        thread.shutdown();
        lock.lock(); // a compaction ends soon after it sees stopping
        lock.unlock();
        try {
            thread.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Adds the counters: {@code lsm.compactions} (since open, merges only), {@code lsm.compactionMoves} (tables
     * moved to the next level without a rewrite), and per level {@code lsm.levelN.tables} and
     * {@code lsm.levelN.bytes}.
     */
    void report(Map<String, Long> stats, LevelSet levels) {
        stats.put("lsm.compactions", compactions.get());
        stats.put("lsm.compactionMoves", moves.get());
        for (int i = 0; i < CompactionOptions.LEVELS; i++) {
            stats.put("lsm.level" + i + ".tables", (long) levels.level(i).size());
            stats.put("lsm.level" + i + ".bytes", levels.bytes(i));
        }
    }

    /** Compactions that merged tables since open; for tests. */
    long compactions() {
        return compactions.get();
    }

    /** Merges the background thread picked since open, without {@link #compactAll}'s; for tests. */
    long backgroundMerges() {
        return backgroundMerges.get();
    }
}
