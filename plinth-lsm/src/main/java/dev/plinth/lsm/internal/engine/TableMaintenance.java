package dev.plinth.lsm.internal.engine;

import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.memtable.Memtable;
import dev.plinth.lsm.internal.sstable.BlockCache;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.sstable.TableWriter;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.spi.FailureLatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's work on its files behind the write path: writing a sealed memtable to a table on a
 * background thread, merging every table into one, and the manifest edits that record both. Everything here
 * runs under the maintenance lock, the outermost lock of the engine (see the package documentation); the
 * state the write lock guards is read and changed only through the {@link LsmEngine} methods that take
 * that lock. Thread-safe.
 */
final class TableMaintenance {
    private final LsmEngine engine;
    private final String uri;
    private final Vfs vfs;
    private final LsmOptions options;
    private final FailureLatch latch;
    private final BlockCache blockCache;
    private final ExecutorService flusher;
    private final Amplification amplification;

    /** Serialises flushes, compactions, verify and close; taken before the engine's write lock. */
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock (and set once at open, before any other thread sees the engine).
    private Manifest manifest;
    private long nextFileNumber;

    TableMaintenance(LsmEngine engine, String uri, Vfs vfs, LsmOptions options, FailureLatch latch, BlockCache blockCache,
                     Amplification amplification) {
        this.engine = engine;
        this.amplification = amplification;
        this.uri = uri;
        this.vfs = vfs;
        this.options = options;
        this.latch = latch;
        this.blockCache = blockCache;
        this.flusher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plinth-lsm-flush " + uri);
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes over the manifest created or recovered at open (never called when read-only). */
    void start(Manifest opened) {
        this.manifest = opened;
        this.nextFileNumber = opened.state().nextFileNumber();
    }

    /** The maintenance lock, for the engine's verify and close. */
    ReentrantLock lock() {
        return lock;
    }

    /** The manifest, or {@code null} when read-only or closed; needs the maintenance lock after open. */
    Manifest manifestLocked() {
        return manifest;
    }

    /** Closes the manifest (at engine close); needs the maintenance lock. */
    void closeManifestLocked() {
        if (manifest != null) {
            manifest.close();
            manifest = null;
        }
    }

    /** Stops taking flushes; a flush already queued still runs (and finds the engine closed). */
    void shutdown() {
        flusher.shutdown();
    }

    /** Waits (a bounded time) for the flush thread to end after {@link #shutdown()}. */
    void awaitShutdown() {
        try {
            flusher.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues a flush of the sealed memtable on the flush thread. */
    void scheduleFlush() {
        try {
            flusher.execute(this::backgroundFlush);
        } catch (RejectedExecutionException e) {
            // Closing: the log holds everything the memtable does.
        }
    }

    /** What a scheduled flush runs, on whichever thread calls it. */
    void backgroundFlush() {
        lock.lock();
        try {
            if (!engine.isClosed()) {
                flushSealedLocked();
            }
        } catch (RuntimeException | Error e) {
            // Tripped in flushSealedLocked: every later call reports it.
        } finally {
            lock.unlock();
        }
    }

    /** Writes the sealed memtable, if any, to a table and records it; needs the maintenance lock. */
    private void flushSealedLocked() {
        SealedMemtable s = engine.sealed();
        if (s == null) {
            return;
        }
        Memtable m = s.memtable();
        try {
            // Only what reached the log goes to a table: a batch whose log write failed was refused, and must
            // not come back from a table after a restart.
            engine.wal().awaitWritten(s.ticket());
            latch.check("flush");
            long number = nextFileNumber++;
            TableWriter.write(vfs, number, m.all(), m.tombstones(), options.compress());
            vfs.syncDirectory("");
            TableReader reader = TableReader.open(vfs, number, blockCache);
            List<Long> names = new ArrayList<>(manifest.state().tables());
            names.add(number);
            try {
                manifest.log(new VersionState(s.logNumber(), nextFileNumber, s.lastSeq(), s.nextKeyspaceId(),
                        s.catalog(), names));
            } catch (RuntimeException | Error e) {
                reader.release();
                throw e;
            }
            engine.installFlushed(reader);
            amplification.flushed(reader.size());
            long obsoleteBelow = s.logNumber();
            for (String n : vfs.list("")) {
                long seg = WalFormat.segmentNumber(n);
                if (seg >= 1 && seg < obsoleteBelow) {
                    vfs.delete(n);
                }
            }
        } catch (RuntimeException | Error e) {
            latch.trip(e, "a flush of the memtable of " + uri + " to a table failed; the log still holds it");
            engine.signalFlushed();
            throw e;
        }
    }

    /**
     * Flushes both memtables, then merges every table into one, keeping only what a reader may still see
     * (see {@link CompactionFilter}); trips the engine's latch if it fails.
     */
    void compact() {
        lock.lock();
        try {
            latch.check("compact");
            flushSealedLocked();
            engine.seal();
            flushSealedLocked();
            LsmEngine.CompactionInputs in = engine.compactionInputs();
            if (in.tables().isEmpty()) {
                return;
            }
            mergeLocked(in.tables(), in.liveKeyspaces(), in.horizon());
        } catch (RuntimeException | Error e) {
            latch.trip(e, "a compaction of " + uri + " failed");
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Merges the tables into one and installs it; needs the maintenance lock. */
    private void mergeLocked(List<TableReader> inputs, Set<Integer> live, long horizon) {
        long number = nextFileNumber++;
        CompactionFilter.Merged merged = CompactionFilter.writeMerged(vfs, number, inputs, live, horizon,
                options.compress());
        TableWriter.TableMeta meta = merged.meta();
        vfs.syncDirectory("");
        TableReader reader = TableReader.open(vfs, number, blockCache);
        if (meta.entries() == 0 && reader.tombstones().isEmpty()) {
            reader.markObsolete(); // nothing left: the store needs no table at all
            reader.release();
            reader = null;
        }
        List<Long> names = new ArrayList<>();
        for (long n : manifest.state().tables()) {
            if (inputs.stream().noneMatch(t -> t.number() == n)) {
                names.add(n);
            }
        }
        if (reader != null) {
            names.add(0, number);
        }
        VersionState before = manifest.state();
        try {
            manifest.log(new VersionState(before.logNumber(), nextFileNumber, before.lastSeq(),
                    before.nextKeyspaceId(), before.keyspaces(), names));
        } catch (RuntimeException | Error e) {
            if (reader != null) {
                reader.release();
            }
            throw e;
        }
        engine.installMerged(inputs, reader);
        amplification.compacted(meta.size(), merged.keptBytes());
        for (TableReader t : inputs) {
            t.markObsolete();
            t.release();
        }
    }
}
