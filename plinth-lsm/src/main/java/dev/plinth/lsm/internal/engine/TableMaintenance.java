package dev.plinth.lsm.internal.engine;

import dev.plinth.StoreClosedException;
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
 * background thread, and the manifest edits that record flushes and compactions (which {@link Compactor}
 * runs), with the file number counter. Everything here runs under the maintenance lock, the outermost lock of the engine (see the package documentation); the
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
    /** Numbers of tables compactions are writing, or wrote but did not install (removed at the next open). */
    private final Set<Long> pendingOutputs = new java.util.HashSet<>();
    /** Tables compactions replaced, until their last reader lets go (their files stay until then). */
    private final List<TableReader> retired = new ArrayList<>();
    /** Runs after a flush installed its table (schedules a compaction); set once at construction. */
    private Runnable afterFlush = () -> { };

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

    /** Sets what runs after each flush. */
    void afterFlush(Runnable r) {
        afterFlush = r;
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
            LevelSet next;
            try {
                next = engine.levels().withFlushed(LevelSet.LeveledTable.of(reader));
                manifest.log(new VersionState(s.logNumber(), nextFileNumber, s.lastSeq(), s.nextKeyspaceId(),
                        s.catalog(), next.numbers(), next.levelNumbers()));
            } catch (RuntimeException | Error e) {
                reader.release();
                throw e;
            }
            engine.installFlushed(next);
            amplification.flushed(reader.size());
            long obsoleteBelow = s.logNumber();
            for (String n : vfs.list("")) {
                long seg = WalFormat.segmentNumber(n);
                if (seg >= 1 && seg < obsoleteBelow) {
                    vfs.delete(n);
                }
            }
            afterFlush.run();
        } catch (RuntimeException | Error e) {
            latch.trip(e, "a flush of the memtable of " + uri + " to a table failed; the log still holds it");
            engine.signalFlushed();
            throw e;
        }
    }

    /** Flushes both memtables (the sealed one, then the active one); needs no lock. */
    void flushAll() {
        lock.lock();
        try {
            latch.check("compact");
            flushSealedLocked();
            engine.seal();
            flushSealedLocked();
        } finally {
            lock.unlock();
        }
    }

    /** A file number for a compaction's new table, not yet named by the manifest; verify leaves it alone. */
    long newOutputNumber() {
        lock.lock();
        try {
            long n = nextFileNumber++;
            pendingOutputs.add(n);
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The numbers of table files the manifest rightly does not name: tables compactions are writing (or failed
     * to install), and tables they replaced that a reader still uses; needs the maintenance lock.
     */
    Set<Long> unnamedInUseLocked() {
        pruneRetiredLocked();
        Set<Long> out = new java.util.HashSet<>(pendingOutputs);
        for (TableReader t : retired) {
            out.add(t.number());
        }
        return out;
    }

    /**
     * Forgets the replaced tables whose files are gone (the last reader let go). Asked of the file system, not
     * of the reference count, which reaches zero a moment before the file is deleted.
     */
    private void pruneRetiredLocked() {
        retired.removeIf(t -> !vfs.exists(dev.plinth.lsm.internal.sstable.TableFormat.tableName(t.number())));
    }

    /**
     * Records a compaction's result in the manifest, then installs it: the inputs leave their levels and the
     * outputs join {@code level}. The inputs of a merge are marked obsolete and the engine's references on
     * them dropped, so their files go with the last reader; a move ({@code moved}) keeps its one table.
     *
     * @throws StoreClosedException if the engine closed meanwhile (nothing recorded)
     */
    void installCompaction(List<TableReader> inputs, int level, List<LevelSet.LeveledTable> outputs, boolean moved) {
        lock.lock();
        try {
            if (engine.isClosed()) {
                throw new StoreClosedException("a compaction of " + uri + " was not recorded: the lsm store is closed");
            }
            latch.check("compact");
            if (!moved) {
                // Before anything is installed: it reads the directory, and a failure after the install would
                // have the caller release outputs the levels now hold.
                pruneRetiredLocked();
            }
            LevelSet next = engine.levels().replace(inputs, level, outputs);
            manifest.log(manifest.state().withTables(nextFileNumber, next.numbers(), next.levelNumbers()));
            engine.installLevels(next);
            for (LevelSet.LeveledTable t : outputs) {
                pendingOutputs.remove(t.table().number());
            }
            if (!moved) {
                retired.addAll(inputs);
            }
        } finally {
            lock.unlock();
        }
        if (!moved) {
            for (TableReader t : inputs) {
                t.markObsolete();
            }
            TableReader.releaseAll(inputs);
        }
    }
}
