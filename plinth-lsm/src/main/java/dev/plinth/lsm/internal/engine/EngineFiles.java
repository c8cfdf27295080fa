package dev.plinth.lsm.internal.engine;

import dev.plinth.NoSuchStoreException;
import dev.plinth.Store;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsLock;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.sstable.BlockCache;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.wal.WalWriter;
import dev.plinth.spi.FailureLatch;

/**
 * The steps that open and recover the files of an {@link LsmEngine} (the lock, the identity file, the manifest,
 * the tables, the log's replay) and that release them at close. Stateless; the engine holds what they return.
 */
final class EngineFiles {
    private EngineFiles() {
    }

    /**
     * What opening a store found.
     *
     * @param fileLock the store's lock, or {@code null} when read-only
     * @param readOnlyState the manifest's state when read-only, else {@code null} (the maintenance holds it)
     * @param levels the tables by level, each holding one reference for this set
     * @param replayed the log replayed: keyspaces, last sequence number, memtable, where the log goes on
     */
    record Opened(VfsLock fileLock, VersionState readOnlyState, LevelSet levels, LogReplay replayed) {
    }

    /**
     * Locks the store (unless read-only), creates it or checks its identity, starts the manifest in the
     * maintenance (unless read-only), removes files the manifest does not name, opens the tables and replays the
     * log. On failure, the lock and the tables it took are released (the caller closes the maintenance's
     * manifest).
     *
     * @throws NoSuchStoreException if there is no store and {@code create} is false
     */
    static Opened open(String uri, Vfs vfs, boolean readOnly, boolean create, TableMaintenance maintenance,
            BlockCache blockCache) {
        VfsLock fileLock = readOnly ? null : vfs.lock(StoreFiles.LOCK);
        LevelSet levels = null;
        try {
            if (!vfs.exists(StoreFiles.IDENTITY)) {
                if (!create) {
                    throw new NoSuchStoreException("open " + uri + ": no lsm store in " + vfs.location("")
                            + " (no " + StoreFiles.IDENTITY + ")");
                }
                StoreFiles.wipe(vfs);
                maintenance.start(Manifest.create(vfs, uri, VersionState.empty(Store.DEFAULT_KEYSPACE)));
                StoreFiles.writeIdentity(vfs);
            } else {
                StoreFiles.checkIdentity(vfs, uri);
                if (!readOnly) {
                    maintenance.start(Manifest.recover(vfs, uri));
                }
            }
            if (readOnly) {
                ReadOnlyOpen.Read read = ReadOnlyOpen.open(vfs, uri, blockCache);
                return new Opened(null, read.state(), read.levels(), read.replayed());
            }
            Manifest manifest = maintenance.manifestLocked();
            VersionState state = manifest.state();
            StoreFiles.removeUnnamed(vfs, state, manifest.number());
            levels = LevelSet.open(vfs, uri, state, blockCache);
            return new Opened(fileLock, null, levels, LogReplay.run(vfs, uri, state, false));
        } catch (RuntimeException | Error failure) {
            if (levels != null) {
                TableReader.releaseAll(levels.tables());
            }
            if (fileLock != null) {
                fileLock.close();
            }
            throw failure;
        }
    }

    /**
     * What an engine holds open, for {@link #release}.
     *
     * @param wal the log writer, or {@code null} (read-only, or the open failed before it)
     * @param lastSeq the last sequence number given, which the close record carries
     * @param levels the tables by level
     * @param fileLock the store's lock, or {@code null}
     */
    record Held(WalWriter wal, long lastSeq, LevelSet levels, VfsLock fileLock) {
    }

    /**
     * Closes the log (writing what it holds, and a close record with the manifest rewritten, unless the store
     * failed before), the manifest, the read view, the tables and the lock; each step runs even if an earlier one
     * failed. The caller holds the maintenance lock.
     *
     * @throws RuntimeException the first failure of writing the log or the manifest, unless the store had
     *     failed before (a store that failed has said why on every call since); but a failure to write records
     *     still buffered in the log (acknowledged {@code NONE} batches, which the close carries to the OS) always
     *     reaches the caller, also after a failure in the background that the writers of those batches never saw
     */
    static void release(Held held, TableMaintenance maintenance, ReadPath reads, FailureLatch latch) {
        boolean failedBefore = latch.isTripped();
        RuntimeException error = null;
        Manifest manifest = maintenance.manifestLocked();
        WalWriter wal = held.wal();
        boolean buffered = wal != null && wal.unwaitedBytes() > 0;
        boolean lostBuffered = false;
        if (wal != null && manifest != null && !failedBefore) {
            try {
                wal.enqueue(LogRecords.close(), held.lastSeq());
                manifest.rewrite();
            } catch (RuntimeException e) {
                error = e;
            }
        }
        if (wal != null) {
            try {
                wal.close();
            } catch (RuntimeException e) {
                error = error == null ? e : error;
                lostBuffered = buffered;
            }
        }
        maintenance.closeManifestLocked();
        reads.releaseView();
        TableReader.releaseAll(held.levels().tables());
        if (held.fileLock() != null) {
            held.fileLock().close();
        }
        if (error != null && (!failedBefore || lostBuffered)) {
            throw error;
        }
    }
}
