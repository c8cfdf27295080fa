package dev.plinth.rocksdb;

import dev.plinth.Capabilities;
import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.CallGuard;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.FailureLatch;
import dev.plinth.spi.KeyspaceRegistry;
import dev.plinth.spi.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;

/**
 * The RocksDB engine: one RocksDB database in a directory, one column family per keyspace. Thread-safe.
 * See the package documentation for the design, the durability mapping and the lock order.
 */
final class RocksDbEngine implements Engine {
    /** What the engine can do. RocksDB syncs its WAL on request, so every level is honoured as asked. */
    static final Capabilities CAPABILITIES = Capabilities.builder()
            .persistent(true)
            .durabilities(Durability.NONE, Durability.PROCESS, Durability.SYNC)
            .defaultDurability(Durability.SYNC)
            .nativeTtl(false)
            .distributed(false)
            .maxKeySize(64 * 1024)
            .maxValueSize(16 * 1024 * 1024)
            .maxBatchOps(1_000_000)
            .maxBatchBytes(256L * 1024 * 1024)
            .build();

    /** The counters {@link #stats()} sums over every column family, under their RocksDB property names. */
    static final List<String> SUMMED_PROPERTIES = List.of("rocksdb.estimate-num-keys",
            "rocksdb.total-sst-files-size", "rocksdb.live-sst-files-size", "rocksdb.cur-size-all-mem-tables",
            "rocksdb.estimate-live-data-size", "rocksdb.num-running-compactions", "rocksdb.num-running-flushes",
            "rocksdb.estimate-table-readers-mem");

    private final String uri;
    /** Opened in RocksDB's read-only mode: the core sends no writes, and close syncs nothing. */
    private final boolean readOnly;
    private final String path;

    /** The native settings; made before {@link #db} opens, freed after it closes. */
    private final RocksDbNativeOptions natives;
    private final RocksDB db;
    /** Turns engine batches into RocksDB write batches, over {@link #db}. */
    private final RocksDbBatchBuilder batches;

    /**
     * Conditional batches and batches with a range delete of unbounded end take its write lock; other
     * batches take its read lock, so they run concurrently and share RocksDB's group commit. See the
     * package documentation for why.
     */
    private final ReentrantReadWriteLock commitLock = new ReentrantReadWriteLock();

    /** Serialises keyspace creation and drop, and the start of close. Never taken while holding a guard. */
    private final Object keyspaceLock = new Object();
    /** Live keyspaces by name; changed only under {@link #keyspaceLock}, read without it. */
    private final KeyspaceRegistry<RocksDbKeyspace> keyspaces;

    /** Cursors and snapshots not yet closed, which {@link #close()} frees. */
    private final Set<RocksDbCursor> openCursors = ConcurrentHashMap.newKeySet();
    private final Set<RocksDbSnapshot> openSnapshots = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;
    /**
     * Held by engine-wide calls that use {@link #db} or {@link #natives} without holding a keyspace's guard
     * ({@link #snapshot()}, {@link #flush()}, {@link #stats()}); {@link #close()} drains it, and every
     * keyspace's guard, before it frees anything.
     */
    private final CallGuard engineGuard = new CallGuard(() -> new StoreClosedException("the rocksdb store is closed"));
    /** The first write-path I/O error or corruption; set once, then every write says why it is refused. */
    private final FailureLatch writeFailure;

    /**
     * Wraps a database {@link RocksDbOpener} has just opened; the engine owns {@code natives} and {@code db}
     * from here on and frees them at {@link #close()}.
     */
    RocksDbEngine(String uri, String path, RocksDbNativeOptions natives, RocksDB db, boolean readOnly) {
        this.readOnly = readOnly;
        this.uri = uri;
        this.path = path;
        this.writeFailure = new FailureLatch("the rocksdb store at " + path);
        this.natives = natives;
        this.db = db;
        this.batches = new RocksDbBatchBuilder(db, natives.readLatest, commitLock::isWriteLockedByCurrentThread);
        this.keyspaces = new KeyspaceRegistry<>(path);
    }

    /** Adds a column family found at open; only {@link RocksDbOpener} calls this, before the engine is shared. */
    void registerOpened(String name, ColumnFamilyHandle handle) {
        keyspaces.register(new RocksDbKeyspace(name, this, handle));
    }

    // ---- plumbing for cursors and snapshots

    RocksDB db() {
        return db;
    }

    String path() {
        return path;
    }

    PlinthException translate(String operation, RocksDBException e) {
        return RocksDbErrors.translate(path, operation, e);
    }

    /**
     * Frees a cursor or snapshot its owner closed, unless the engine is closing: then {@link #close()} frees it,
     * after every call in progress has left, so one closed on one thread while the engine closes on another
     * never frees native objects after the database.
     */
    private void freeUnlessClosing(Runnable free) {
        if (!engineGuard.tryEnter()) {
            return; // close() frees it
        }
        try {
            free.run();
        } finally {
            engineGuard.exit();
        }
    }

    /** Frees a cursor its owner closed (see {@link #freeUnlessClosing}). */
    void closeCursor(RocksDbCursor cursor) {
        freeUnlessClosing(() -> freeCursor(cursor));
    }

    /** Releases a snapshot whose guard was just closed and drained (see {@link #freeUnlessClosing}). */
    void release(RocksDbSnapshot snap) {
        freeUnlessClosing(() -> freeSnapshot(snap));
    }

    /** Frees a cursor's native objects once: whoever removes it from {@link #openCursors} frees it. */
    private void freeCursor(RocksDbCursor cursor) {
        if (openCursors.remove(cursor)) {
            cursor.freeNatives();
        }
    }

    /** Releases a snapshot's native objects once: whoever removes it from {@link #openSnapshots} frees it. */
    private void freeSnapshot(RocksDbSnapshot snap) {
        if (openSnapshots.remove(snap)) {
            snap.freeNatives(db);
        }
    }

    // ---- Engine

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<String> keyspaceNames() {
        requireOpen("keyspaceNames");
        return keyspaces.names();
    }

    @Override
    public EngineKeyspace keyspace(String name) {
        requireOpen("keyspace");
        return keyspaces.get(name);
    }

    @Override
    public EngineKeyspace createKeyspace(String name) {
        requireOpen("createKeyspace");
        RocksDbKeyspace ks = keyspaces.get(name);
        if (ks != null) {
            return ks;
        }
        synchronized (keyspaceLock) {
            requireOpen("createKeyspace"); // again: close() may have begun since, and it sets closed under this lock
            ks = keyspaces.get(name);
            if (ks != null) {
                return ks;
            }
            ColumnFamilyHandle handle;
            try {
                // The new column family is recorded in the MANIFEST, which RocksDB syncs before returning.
                handle = NativeTracker.track(db.createColumnFamily(new ColumnFamilyDescriptor(
                        name.getBytes(StandardCharsets.UTF_8), natives.cfOptions)));
            } catch (RocksDBException e) {
                throw translate("create keyspace '" + name + "'", e);
            }
            return keyspaces.register(new RocksDbKeyspace(name, this, handle));
        }
    }

    @Override
    public boolean dropKeyspace(String name) {
        keyspaces.refuseDroppingDefault(name);
        requireOpen("dropKeyspace");
        synchronized (keyspaceLock) {
            requireOpen("dropKeyspace"); // again: close() may have begun since, and it sets closed under this lock
            RocksDbKeyspace ks = keyspaces.get(name);
            if (ks == null) {
                return false;
            }
            // First wait for calls in progress and turn new ones away: RocksDB rejects a write batch that
            // names a dropped column family, so no call may be using the handle while it is dropped.
            ks.guard.closeAndDrain();
            try {
                db.dropColumnFamily(ks.handle);
            } catch (RocksDBException e) {
                // Still there, and nothing was freed: the same handle object stays valid for its users.
                ks.guard.reopen();
                throw translate("drop keyspace '" + name + "'", e);
            }
            keyspaces.remove(ks);
            // Open cursors keep reading the dropped column family through their references to the handle;
            // the last of them frees it.
            ks.releaseHandle();
            return true;
        }
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        RocksDbKeyspace ks = enter(keyspace, "get");
        try {
            return db.get(ks.handle, natives.readLatest, key);
        } catch (RocksDBException e) {
            throw translate("get in keyspace '" + ks.name() + "'", e);
        } finally {
            ks.guard.exit();
        }
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        RocksDbKeyspace ks = enter(keyspace, "cursor");
        try {
            // No snapshot: a RocksDB iterator reads the implicit snapshot taken when it is created.
            return openCursorEntered(ks, new ReadOptions(), RocksDbCursor.View.LATEST, scan);
        } finally {
            ks.guard.exit();
        }
    }

    private RocksDbCursor openCursorEntered(RocksDbKeyspace ks, ReadOptions ro, RocksDbCursor.View view, ScanSpec scan) {
        RocksDbCursor c = RocksDbCursor.open(this, ks, ro, view, scan);
        openCursors.add(c);
        return c;
    }

    @Override
    public EngineSnapshot snapshot() {
        enterEngine("snapshot");
        try {
            Snapshot s = NativeTracker.track(db.getSnapshot());
            ReadOptions ro = null;
            try {
                ro = NativeTracker.track(new ReadOptions().setSnapshot(s));
                RocksDbSnapshot snap = new RocksDbSnapshot(this, s, ro);
                openSnapshots.add(snap);
                return snap;
            } catch (RuntimeException | Error e) {
                if (ro != null) {
                    ro.close();
                }
                db.releaseSnapshot(s);
                s.close();
                throw e;
            }
        } finally {
            engineGuard.exit();
        }
    }

    byte[] snapshotGet(RocksDbSnapshot snap, EngineKeyspace keyspace, byte[] key) {
        RocksDbKeyspace ks = enter(keyspace, "snapshot get");
        try {
            enterSnapshot(snap);
            try {
                return db.get(ks.handle, snap.readOptions, key);
            } catch (RocksDBException e) {
                throw translate("snapshot get in keyspace '" + ks.name() + "'", e);
            } finally {
                snap.guard.exit();
            }
        } finally {
            ks.guard.exit();
        }
    }

    EngineCursor snapshotCursor(RocksDbSnapshot snap, EngineKeyspace keyspace, ScanSpec scan) {
        RocksDbKeyspace ks = enter(keyspace, "snapshot cursor");
        try {
            enterSnapshot(snap);
            try {
                return openCursorEntered(ks, new ReadOptions().setSnapshot(snap.snapshot), RocksDbCursor.View.SNAPSHOT,
                        scan);
            } finally {
                snap.guard.exit();
            }
        } finally {
            ks.guard.exit();
        }
    }

    private void enterSnapshot(RocksDbSnapshot snap) {
        if (!snap.guard.tryEnter()) {
            requireOpen("snapshot read");
            throw new IllegalStateException(snap + " is closed");
        }
    }

    @Override
    public boolean apply(EngineBatch batch) {
        requireOpen("apply");
        writeFailure.check("apply");
        if (batch.preconditions().isEmpty() && batch.mutations().size() == 1
                && batch.mutations().get(0).kind() != EngineBatch.MutationKind.DELETE_RANGE) {
            applySingle(batch.mutations().get(0), batch.durability());
            return true;
        }
        List<RocksDbKeyspace> entered = enterAll(batch);
        try {
            boolean exclusive = !batch.preconditions().isEmpty() || RocksDbBatchBuilder.hasUnboundedRangeDelete(batch);
            Lock lock = exclusive ? commitLock.writeLock() : commitLock.readLock();
            lock.lock();
            try {
                // Under the write lock no other batch runs, so db.get and iterators see exactly the state
                // this batch will be applied to.
                if (!batch.preconditions().isEmpty() && !batch.preconditionsHold(latestViewEntered)) {
                    return false;
                }
                if (batch.mutations().isEmpty()) {
                    return true;
                }
                try (WriteBatch wb = batches.build(batch)) {
                    db.write(batch.durability() == Durability.SYNC ? natives.writeSync : natives.writeNoSync, wb);
                } catch (RocksDBException e) {
                    throw writeError("apply", e);
                }
                return true;
            } finally {
                lock.unlock();
            }
        } finally {
            for (RocksDbKeyspace ks : entered) {
                ks.guard.exit();
            }
        }
    }

    /**
     * Writes a batch of one put or one delete without preconditions, the shape of every {@code Store.put} and
     * {@code Store.delete}: with RocksDB's own {@code put} or {@code delete}, which builds its one-entry write
     * batch natively, instead of a {@link WriteBatch} made, filled and freed through JNI. The same WAL write, the
     * same sync flag, equally atomic; the keyspace's guard and the commit lock's read lock are taken as for any
     * unconditional batch.
     */
    private void applySingle(EngineBatch.Mutation m, Durability durability) {
        RocksDbKeyspace ks = own(m.keyspace(), "apply");
        if (!ks.guard.tryEnter()) {
            throw dropped(ks, "apply");
        }
        try {
            Lock lock = commitLock.readLock();
            lock.lock();
            try {
                org.rocksdb.WriteOptions wo = durability == Durability.SYNC ? natives.writeSync : natives.writeNoSync;
                if (m.kind() == EngineBatch.MutationKind.PUT) {
                    db.put(ks.handle, wo, m.key(), m.value());
                } else {
                    db.delete(ks.handle, wo, m.key());
                }
            } catch (RocksDBException e) {
                throw writeError("apply", e);
            } finally {
                lock.unlock();
            }
        } finally {
            ks.guard.exit();
        }
    }

    /**
     * Reads of the latest state through keyspaces whose guards the caller holds: what a batch's
     * preconditions are checked against, under {@link #commitLock}'s write lock.
     */
    private final EngineReader latestViewEntered = new EngineReader() {
        @Override
        public byte[] get(EngineKeyspace keyspace, byte[] key) {
            RocksDbKeyspace ks = (RocksDbKeyspace) keyspace;
            try {
                return db.get(ks.handle, natives.readLatest, key);
            } catch (RocksDBException e) {
                throw translate("precondition check in keyspace '" + ks.name() + "'", e);
            }
        }

        @Override
        public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
            RocksDbKeyspace ks = (RocksDbKeyspace) keyspace;
            return openCursorEntered(ks, new ReadOptions(), RocksDbCursor.View.PRECONDITION, scan);
        }
    };

    /**
     * Test hook: the batch encoded as {@link #apply} encodes it ({@code [0]}, {@code null} if too large) and as
     * RocksDB's per-entry calls build it ({@code WriteBatch.data()}, {@code [1]}), both under the commit lock's
     * write lock with the keyspaces' guards held, as for an exclusive batch. Writes nothing.
     */
    byte[][] encodingsForTest(EngineBatch batch) throws RocksDBException {
        List<RocksDbKeyspace> entered = enterAll(batch);
        commitLock.writeLock().lock();
        try {
            return new byte[][] {batches.encode(batch), batches.perCallData(batch)};
        } finally {
            commitLock.writeLock().unlock();
            for (RocksDbKeyspace ks : entered) {
                ks.guard.exit();
            }
        }
    }

    /** Test hook: the engine's batch builder, to call without the locks {@link #apply} takes. */
    RocksDbBatchBuilder batchesForTest() {
        return batches;
    }

    @Override
    public void flush() {
        enterEngine("flush");
        try {
            writeFailure.check("flush");
            try {
                db.flushWal(true);
            } catch (RocksDBException e) {
                throw writeError("flush (WAL sync)", e);
            }
            List<RocksDbKeyspace> entered = enterLive();
            try {
                List<ColumnFamilyHandle> handles = new ArrayList<>(entered.size());
                for (RocksDbKeyspace ks : entered) {
                    handles.add(ks.handle);
                }
                db.flush(natives.flushOptions, handles);
            } catch (RocksDBException e) {
                throw writeError("flush (memtables)", e);
            } finally {
                for (RocksDbKeyspace ks : entered) {
                    ks.guard.exit();
                }
            }
        } finally {
            engineGuard.exit();
        }
    }

    /**
     * Compacts every keyspace's whole range and rewrites every SST file, the bottommost level's included (RocksDB's
     * plain {@code compactRange} leaves those as they are), so that each file is written with the settings the
     * store is open with now: an {@code indexAndFilters} changed since a file was written takes effect for it.
     */
    @Override
    public void compact() {
        requireOpen("compact");
        List<RocksDbKeyspace> entered = enterLive();
        try {
            for (RocksDbKeyspace ks : entered) {
                try {
                    db.compactRange(ks.handle, null, null, natives.compactAll);
                } catch (RocksDBException e) {
                    throw translate("compact keyspace '" + ks.name() + "'", e);
                }
            }
        } finally {
            for (RocksDbKeyspace ks : entered) {
                ks.guard.exit();
            }
        }
    }

    /**
     * RocksDB's own check: every block checksum of every live SST file ({@code VerifyChecksum}). Damage found
     * is reported, not thrown; any other failure is.
     */
    @Override
    public List<String> verify() {
        requireOpen("verify");
        List<RocksDbKeyspace> entered = enterLive();
        try {
            db.verifyChecksum();
            return List.of();
        } catch (RocksDBException e) {
            PlinthException p = translate("verify checksums", e);
            if (p instanceof CorruptionException) {
                return List.of(p.getMessage());
            }
            throw p;
        } finally {
            for (RocksDbKeyspace ks : entered) {
                ks.guard.exit();
            }
        }
    }

    @Override
    public Map<String, Long> stats() {
        enterEngine("stats");
        Map<String, Long> stats = new LinkedHashMap<>();
        List<RocksDbKeyspace> entered = enterLive();
        try {
            stats.put("rocksdb.keyspaces", (long) entered.size());
            for (String property : SUMMED_PROPERTIES) {
                long sum = 0;
                for (RocksDbKeyspace ks : entered) {
                    sum += db.getLongProperty(ks.handle, property);
                }
                stats.put(property, sum);
            }
            // One cache and one set of snapshots serve every column family: read them once.
            stats.put("rocksdb.block-cache-usage", natives.cache == null ? 0L : natives.cache.getUsage());
            stats.put("rocksdb.block-cache-pinned-usage", natives.cache == null ? 0L : natives.cache.getPinnedUsage());
            stats.put("rocksdb.block-cache-capacity", natives.blockCacheCapacity);
            stats.put("rocksdb.num-snapshots", db.getLongProperty("rocksdb.num-snapshots"));
            natives.addTickers(stats);
        } catch (RocksDBException e) {
            throw translate("stats", e);
        } finally {
            for (RocksDbKeyspace ks : entered) {
                ks.guard.exit();
            }
            engineGuard.exit();
        }
        stats.put("rocksdb.open-cursors", (long) openCursors.size());
        stats.put("rocksdb.open-snapshots", (long) openSnapshots.size());
        return stats;
    }

    @Override
    public void close() {
        synchronized (keyspaceLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // Wait for calls that passed requireOpen before closed was set, and turn later ones away: engine-wide
        // calls hold engineGuard, the rest a keyspace's guard. Only then is the set of open cursors and
        // snapshots final, and no native call can run on what is freed below.
        engineGuard.closeAndDrain();
        for (RocksDbKeyspace ks : keyspaces.all()) {
            ks.guard.closeAndDrain();
        }
        PlinthException failure = null;
        try {
            // Native objects that depend on the database go first: iterators, snapshots, column family handles.
            // Closed here or by their owners meanwhile: either way still registered, since an owner's close
            // frees nothing once engineGuard is closed.
            for (RocksDbCursor c : new ArrayList<>(openCursors)) {
                c.markClosed();
                freeCursor(c);
            }
            for (RocksDbSnapshot s : new ArrayList<>(openSnapshots)) {
                s.guard.closeAndDrain();
                freeSnapshot(s);
            }
            if (!writeFailure.isTripped() && !readOnly) {
                // More than any write asked for: a cleanly closed store also survives a power loss.
                try {
                    db.flushWal(true);
                } catch (RocksDBException e) {
                    failure = translate("close (WAL sync)", e);
                }
            }
            for (RocksDbKeyspace ks : keyspaces.all()) {
                ks.releaseHandle(); // the cursors' references went with them, above
            }
            keyspaces.clear();
            try {
                db.closeE();
            } catch (RocksDBException e) {
                if (failure == null) {
                    failure = writeFailure.failure() instanceof StorageFullException full
                            // The buffered writes RocksDB could not write out are the full disk's doing.
                            ? new StorageFullException("rocksdb close on " + path + " could not write out its buffers"
                                    + " since the file system filled up (" + full.getMessage() + "); writes not yet"
                                    + " synced may not survive a power loss", e)
                            : translate("close", e);
                }
            }
        } finally {
            db.close(); // a no-op after closeE, which frees the database even when it fails
            natives.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---- guards and checks

    private void requireOpen(String operation) {
        if (closed) {
            throw closedError(operation);
        }
    }

    private StoreClosedException closedError(String operation) {
        return new StoreClosedException(operation + " on " + uri + ": the rocksdb store at " + path + " is closed");
    }

    /** Enters {@link #engineGuard}; pair with {@code engineGuard.exit()} in a finally block. */
    private void enterEngine(String operation) {
        requireOpen(operation);
        if (!engineGuard.tryEnter()) {
            throw closedError(operation);
        }
    }

    /**
     * Translates a write-path error, remembering it if the write path can no longer be trusted: an I/O error
     * or corruption, and also a full file system, after which RocksDB's WAL writer fails every later write
     * ("Writer has previous error") until the database is reopened (RocksJava has no {@code Resume}), so
     * later writes are refused with the cause the caller can act on.
     */
    private PlinthException writeError(String operation, RocksDBException e) {
        PlinthException t = translate(operation, e);
        if (t instanceof StorageFullException) {
            writeFailure.trip(t, "reopen the store once the file system has room (RocksDB's WAL writer stays"
                    + " failed after it ran out of space)");
        } else if (RocksDbErrors.isFatalForWrites(e)) {
            writeFailure.trip(t);
        }
        return t;
    }

    /**
     * Checks a handle and enters its guard; pair with {@code ks.guard.exit()} in a finally block.
     *
     * @throws NoSuchKeyspaceException if the keyspace was dropped
     * @throws StoreClosedException if the engine is closed
     */
    private RocksDbKeyspace enter(EngineKeyspace keyspace, String operation) {
        requireOpen(operation);
        RocksDbKeyspace ks = own(keyspace, operation);
        if (!ks.guard.tryEnter()) {
            throw dropped(ks, operation);
        }
        return ks;
    }

    private RocksDbKeyspace own(EngineKeyspace keyspace, String operation) {
        if (!(keyspace instanceof RocksDbKeyspace ks) || ks.owner() != this) {
            throw new IllegalArgumentException(operation + " on " + path + ": " + keyspace
                    + " is not a keyspace of this rocksdb store");
        }
        return ks;
    }

    private PlinthException dropped(RocksDbKeyspace ks, String operation) {
        requireOpen(operation);
        return new NoSuchKeyspaceException(operation + " on " + path + ": keyspace '" + ks.name() + "' was dropped");
    }

    /** Enters the guard of every keyspace a batch touches, once each; the caller exits them. */
    private List<RocksDbKeyspace> enterAll(EngineBatch batch) {
        List<RocksDbKeyspace> entered = new ArrayList<>(2);
        try {
            for (EngineBatch.Mutation m : batch.mutations()) {
                enterOnce(m.keyspace(), entered);
            }
            for (EngineBatch.Precondition p : batch.preconditions()) {
                enterOnce(p.keyspace(), entered);
            }
            return entered;
        } catch (RuntimeException | Error e) {
            for (RocksDbKeyspace ks : entered) {
                ks.guard.exit();
            }
            throw e;
        }
    }

    private void enterOnce(EngineKeyspace keyspace, List<RocksDbKeyspace> entered) {
        for (int i = entered.size() - 1; i >= 0; i--) {
            if (entered.get(i) == keyspace) {
                return;
            }
        }
        RocksDbKeyspace ks = own(keyspace, "apply");
        if (!ks.guard.tryEnter()) {
            throw dropped(ks, "apply");
        }
        entered.add(ks);
    }

    /** Enters the guard of every live keyspace, skipping those dropped meanwhile; the caller exits them. */
    private List<RocksDbKeyspace> enterLive() {
        List<RocksDbKeyspace> entered = new ArrayList<>();
        for (RocksDbKeyspace ks : keyspaces.all()) {
            if (ks.guard.tryEnter()) {
                entered.add(ks);
            }
        }
        return entered;
    }

    @Override
    public String toString() {
        return "RocksDbEngine[" + path + (closed ? ", closed" : "") + "]";
    }
}
