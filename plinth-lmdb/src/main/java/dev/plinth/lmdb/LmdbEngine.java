package dev.plinth.lmdb;

import dev.plinth.Capabilities;
import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.PlinthException;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.FailureLatch;
import dev.plinth.spi.KeyspaceRegistry;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * The LMDB engine: one LMDB environment in a directory, one named database per keyspace. Thread-safe; see
 * the package documentation for the design, the durability mapping and the lock order.
 */
final class LmdbEngine implements Engine {
    /** The largest value accepted, in bytes. LMDB stores large values in overflow pages. */
    static final int MAX_VALUE_SIZE = 16 << 20;
    static final int MAX_BATCH_OPS = 1_000_000;
    static final long MAX_BATCH_BYTES = 256L << 20;
    /** What a write attempt returns when it found the map full and aborted. */
    private static final Object MAP_FULL = new Object();

    private static final Pattern KEYSPACE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String uri;
    private final LmdbOptions options;
    private final Path directory;
    private final Env<ByteBuffer> env;
    private final Capabilities capabilities;
    private final int maxKeySize;

    /**
     * Serialises write transactions: batches, keyspace creation and drop. Taken after the gate permit of
     * the write (see {@link #write}); no map growth runs under it.
     */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Reset read transactions for point reads. */
    private final ReaderPool readers;
    /** Where LMDB's pages lie in memory: what it returns is checked against it before it is copied. */
    private final MapBounds bounds;
    /** The memory map and its growth. */
    private final LmdbMap map;
    /** {@code map}'s gate: counts transactions; the map is resized only when none is open. Innermost lock. */
    private final TxnGate gate;
    /** The sync mode, the explicit syncs, and their counts. */
    private final LmdbDurability durability;

    /**
     * Orders snapshot starts against commits that create keyspaces, so that a snapshot's epoch tells
     * exactly which keyspaces its transaction can see. Guards {@link #epoch}.
     */
    private final Object epochLock = new Object();
    /** Bumped by each keyspace creation; guarded by {@link #epochLock}. */
    private long epoch;

    /** Live keyspaces by name; changed only under {@link #writeLock}. */
    private final KeyspaceRegistry<LmdbKeyspace> keyspaces;
    /** Read transactions held open by snapshots and cursors, closed at engine close if still open. */
    private final Set<ReadTxn> openReads = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;
    /** Whether the environment was opened {@code MDB_RDONLY}: every write is refused here too, not only by the core. */
    private final boolean readOnly;
    /** Tripped by an error after which no write may be trusted (failed sync, LMDB panic, failed remap). */
    private final FailureLatch failure;

    private LmdbEngine(String uri, LmdbOptions options, Path directory, Env<ByteBuffer> env, boolean readOnly) {
        this.uri = uri;
        this.readOnly = readOnly;
        this.keyspaces = new KeyspaceRegistry<>(uri);
        this.failure = new FailureLatch(uri);
        this.options = options;
        this.directory = directory;
        this.env = env;
        this.map = new LmdbMap(uri, env, options.resizeTimeoutMillis(), this::fail, () -> !closed && !failure.isTripped());
        this.gate = map.gate();
        this.durability = new LmdbDurability(uri, env, options.noSync(), gate, this::fail);
        this.readers = new ReaderPool(env, options.maxReaders());
        this.bounds = new MapBounds(env, map.pageSize(), map::resizes, uri, directory.resolve("data.mdb"));
        this.maxKeySize = env.getMaxKeySize();
        this.capabilities = Capabilities.builder()
                .persistent(true)
                .durabilities(LmdbDurability.levels(options.noSync()).toArray(Durability[]::new))
                .defaultDurability(LmdbDurability.defaultLevel(options.noSync()))
                .nativeTtl(false)
                .distributed(false)
                .checksumValues(true) // LMDB keeps no checksums of its own
                .maxKeySize(Math.min(maxKeySize, Buffers.KEY_CAPACITY))
                .maxValueSize(MAX_VALUE_SIZE)
                .maxBatchOps(MAX_BATCH_OPS)
                .maxBatchBytes(MAX_BATCH_BYTES)
                .maxKeyspaces(options.maxKeyspaces())
                .maxOpenSnapshots(options.maxReaders())
                .build();
    }

    /**
     * Opens (creating if needed) the environment in {@code options.directory()}.
     *
     * @param uri the store's URI, for messages
     * @param options the parsed options
     * @param createIfMissing whether to create the environment when the directory holds none
     * @param readOnly whether to open the environment for reading only: nothing is created, written or grown
     * @return the open engine
     * @throws StorageIOException if the environment cannot be opened
     * @throws dev.plinth.CorruptionException if the files are not a valid LMDB environment
     * @throws dev.plinth.NoSuchStoreException if the directory holds no {@code data.mdb} and {@code createIfMissing}
     *     is false
     */
    static LmdbEngine open(String uri, LmdbOptions options, boolean createIfMissing, boolean readOnly) {
        Path dir = LmdbDirectory.claim(uri, options.directory(), createIfMissing && !readOnly);
        Env<ByteBuffer> env = null;
        try {
            env = LmdbDirectory.openEnv(options, dir, readOnly);
            LmdbEngine engine = new LmdbEngine(uri, options, dir, env, readOnly);
            if (readOnly) {
                engine.loadKeyspacesReadOnly();
            } else {
                engine.loadKeyspaces();
                engine.map.growAtOpen();
            }
            return engine;
        } catch (LmdbException e) {
            LmdbDirectory.abandon(env, dir);
            throw LmdbErrors.translate(e, uri, "open");
        } catch (ExceptionInInitializerError | NoClassDefFoundError | IllegalAccessError e) {
            // lmdbjava's buffer proxy reflects into java.nio and uses sun.nio.ch: without --add-opens its
            // static initialiser fails (java.nio) or its first buffer hand-over does (sun.nio.ch).
            LmdbDirectory.abandon(env, dir);
            throw new StorageIOException("open " + uri + ": lmdbjava cannot reach direct buffer addresses on this"
                    + " JVM (" + e + "); on Java 9 and later run it with --add-opens java.base/java.nio=ALL-UNNAMED"
                    + " --add-opens java.base/sun.nio.ch=ALL-UNNAMED (see docs/engines/lmdb.md)", e);
        } catch (RuntimeException | Error e) {
            LmdbDirectory.abandon(env, dir);
            throw e;
        }
    }

    /**
     * Opens a handle to every named database listed in the main database, creating the default keyspace
     * on first open. No other thread sees the engine yet.
     */
    private void loadKeyspaces() {
        boolean created = false;
        gate.enter();
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            registerKeyspaces(txn);
            if (keyspaces.get(Store.DEFAULT_KEYSPACE) == null) {
                Dbi<ByteBuffer> dbi = env.openDbi(txn, Store.DEFAULT_KEYSPACE.getBytes(StandardCharsets.UTF_8),
                        null, false, DbiFlags.MDB_CREATE);
                keyspaces.register(new LmdbKeyspace(Store.DEFAULT_KEYSPACE, this, dbi, 0));
                created = true;
            }
            // Hand lmdbjava a direct buffer once, so that a JVM without --add-opens fails here, at open,
            // rather than at the first read or write.
            keyspaces.get(Store.DEFAULT_KEYSPACE).dbi.get(txn, Buffers.key(new byte[] {0}));
            txn.commit();
        } finally {
            gate.exit();
        }
        if (created) {
            durability.committed();
            durability.sync("open");
        }
    }

    /**
     * Opens a handle to every named database in a read transaction, for a read-only environment, which
     * can create nothing: an environment without the default keyspace is refused. No other thread sees the
     * engine yet.
     */
    private void loadKeyspacesReadOnly() {
        gate.enter();
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            registerKeyspaces(txn);
            LmdbKeyspace defaultKeyspace = keyspaces.get(Store.DEFAULT_KEYSPACE);
            if (defaultKeyspace == null) {
                throw new StorageIOException("Cannot open " + uri + " read-only: the LMDB environment in " + directory
                        + " has no '" + Store.DEFAULT_KEYSPACE + "' keyspace, and a read-only store cannot create"
                        + " it; open it once for writing first");
            }
            defaultKeyspace.dbi.get(txn, Buffers.key(new byte[] {0})); // fail at open without --add-opens
            txn.commit(); // LMDB keeps handles opened in a read transaction only when it commits
        } finally {
            gate.exit();
        }
    }

    /** Registers a handle to every named database listed in the main database, in {@code txn}. */
    private void registerKeyspaces(Txn<ByteBuffer> txn) {
        Dbi<ByteBuffer> main = env.openDbi(txn, null, null, false);
        List<String> names = new ArrayList<>();
        try (Cursor<ByteBuffer> c = main.openCursor(txn)) {
            boolean more = c.first();
            while (more) {
                byte[] raw = Buffers.copy(c.key());
                String name = new String(raw, StandardCharsets.UTF_8);
                if (!KEYSPACE_NAME.matcher(name).matches()) {
                    throw new StorageIOException("open " + uri + ": " + directory + " holds an LMDB environment"
                            + " that Plinth did not write: its main database has the key '" + name
                            + "', which is not a keyspace name");
                }
                names.add(name);
                more = c.next();
            }
        }
        for (String name : names) {
            Dbi<ByteBuffer> dbi = env.openDbi(txn, name.getBytes(StandardCharsets.UTF_8), null, false);
            keyspaces.register(new LmdbKeyspace(name, this, dbi, 0));
        }
    }

    // ---- Engine: metadata

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    int maxKeySize() {
        return maxKeySize;
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
        LmdbKeyspace ks = keyspaces.get(name);
        if (ks != null) {
            return ks;
        }
        String op = "createKeyspace " + name;
        byte[] dbName = name.getBytes(StandardCharsets.UTF_8);
        ks = (LmdbKeyspace) write(op, 0, () -> {
            LmdbKeyspace existing = keyspaces.get(name);
            if (existing != null) {
                return existing;
            }
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                Dbi<ByteBuffer> dbi = env.openDbi(txn, dbName, null, false, DbiFlags.MDB_CREATE);
                synchronized (epochLock) {
                    txn.commit();
                    durability.committed();
                    map.forgetUse();
                    LmdbKeyspace created = new LmdbKeyspace(name, this, dbi, ++epoch);
                    keyspaces.register(created);
                    return created;
                }
            } catch (LmdbException e) {
                if (LmdbErrors.isMapFull(e)) {
                    return MAP_FULL;
                }
                throw translateWrite(e, op, 0);
            }
        });
        durability.sync(op);
        return ks;
    }

    @Override
    public boolean dropKeyspace(String name) {
        keyspaces.refuseDroppingDefault(name);
        requireOpen("dropKeyspace");
        String op = "dropKeyspace " + name;
        boolean dropped = (Boolean) write(op, 0, () -> {
            LmdbKeyspace ks = keyspaces.get(name);
            return ks == null ? Boolean.FALSE : dropLocked(ks, op);
        });
        if (dropped) {
            durability.sync(op);
        }
        return dropped;
    }

    /**
     * Drops a database, holding the write lock; the transaction runs under the keyspace's write stamp, so
     * nothing uses its handle meanwhile (the stamp is taken after the permit, as readers do). {@code
     * mdb_drop} closes the handle as soon as it succeeds, before the commit; if the commit then fails, the
     * handle is opened again so the keyspace stays usable.
     *
     * @return {@link Boolean#TRUE}, or {@link #MAP_FULL}
     */
    private Object dropLocked(LmdbKeyspace ks, String op) {
        boolean handleClosed = false;
        LmdbException error;
        long stamp = ks.use.writeLock();
        try {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                ks.dbi.drop(txn, true);
                handleClosed = true;
                txn.commit();
                durability.committed();
                map.forgetUse();
                ks.dropped = true;
                keyspaces.remove(ks);
                return Boolean.TRUE;
            } catch (LmdbException e) {
                error = e;
            }
            if (handleClosed) {
                reopenHandleLocked(ks, error);
            }
        } finally {
            ks.use.unlockWrite(stamp);
        }
        if (LmdbErrors.isMapFull(error)) {
            return MAP_FULL;
        }
        throw translateWrite(error, op, 0);
    }

    /**
     * Runs a write transaction under a gate permit and the write lock, growing the map and running it
     * again while it reports the map full. The growth runs holding neither (see {@link LmdbMap}).
     *
     * @param op the operation, for messages
     * @param bytes the bytes the write adds
     * @param attemptLocked one attempt; returns its result, or {@link #MAP_FULL} after aborting
     * @return the result of the attempt that did not find the map full
     */
    private Object write(String op, long bytes, Supplier<Object> attemptLocked) {
        while (true) {
            long sizeBefore;
            Object result;
            // The permit first: a thread queued for the write lock must not hold it while it waits for a
            // permit, or a pending growth would wait on that thread and the thread on the growth.
            gate.enter();
            try {
                writeLock.lock();
                try {
                    requireWritable(op);
                    sizeBefore = map.size(); // fixed while the permit is held
                    result = attemptLocked.get();
                } finally {
                    writeLock.unlock();
                }
            } finally {
                gate.exit();
            }
            if (result != MAP_FULL) {
                map.growIfWanted();
                return result;
            }
            map.growForWrite(sizeBefore, bytes, op);
        }
    }

    /** After a failed drop, opens the database's handle again; if even that fails, the engine is failed. */
    private void reopenHandleLocked(LmdbKeyspace ks, LmdbException cause) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            ks.dbi = env.openDbi(txn, ks.name().getBytes(StandardCharsets.UTF_8), null, false);
            txn.commit();
        } catch (LmdbException e) {
            cause.addSuppressed(e);
            ks.dropped = true;
            keyspaces.remove(ks);
            fail(new StorageIOException("dropKeyspace " + ks.name() + " on " + uri + " failed and the keyspace's"
                    + " handle could not be reopened; reopen the store", cause));
        }
    }

    // ---- reads

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        LmdbKeyspace ks = live(keyspace, "get");
        if (!isStorableKey(key)) {
            return null;
        }
        gate.enter();
        try {
            Txn<ByteBuffer> txn = readers.borrow();
            try {
                return read(ks, txn, key, "get");
            } finally {
                readers.giveBack(txn);
            }
        } catch (LmdbException e) {
            throw translate(e, "get");
        } finally {
            gate.exit();
        }
    }

    /**
     * Reads one key in a transaction the caller holds (with its gate permit), copying the value out.
     *
     * @return the value, or {@code null}
     */
    byte[] read(LmdbKeyspace ks, Txn<ByteBuffer> txn, byte[] key, String op) {
        long stamp = ks.use.readLock();
        try {
            requireLiveLocked(ks, op);
            ByteBuffer v = ks.dbi.get(txn, Buffers.key(key));
            return v == null ? null : Buffers.copy(bounds.check(v, "the value of a key", op));
        } catch (LmdbException e) {
            throw translate(e, op);
        } finally {
            ks.use.unlockRead(stamp);
        }
    }

    /** Whether a key could be stored: LMDB holds no empty key and none above its limit. */
    boolean isStorableKey(byte[] key) {
        return key.length > 0 && key.length <= capabilities.maxKeySize();
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        LmdbKeyspace ks = live(keyspace, "cursor");
        // The handle exists, so its database was committed before this transaction begins: always visible.
        ReadTxn txn = beginRead(Long.MAX_VALUE, "cursor");
        try {
            return new LmdbCursor(this, ks, txn, true, true, scan);
        } catch (RuntimeException | Error e) {
            txn.close();
            throw e;
        }
    }

    @Override
    public EngineSnapshot snapshot() {
        requireOpen("snapshot");
        return new LmdbSnapshot(this, beginRead(-1, "snapshot"));
    }

    /**
     * Begins a read transaction held across calls.
     *
     * @param fixedEpoch the epoch to give it, or -1 to read the engine's epoch atomically with the start
     */
    private ReadTxn beginRead(long fixedEpoch, String op) {
        TxnGate.Permit permit = gate.enterLong();
        try {
            Txn<ByteBuffer> txn;
            long at = fixedEpoch;
            if (fixedEpoch < 0) {
                synchronized (epochLock) {
                    txn = readers.borrow();
                    at = epoch;
                }
            } else {
                txn = readers.borrow();
            }
            ReadTxn r = new ReadTxn(this, readers, txn, permit, at);
            openReads.add(r);
            if (closed) {
                // close() set the flag before it closed the open reads; it may have missed this one.
                r.close();
                throw new StoreClosedException(op + " on " + uri + ": the lmdb store is closed");
            }
            return r;
        } catch (LmdbException e) {
            permit.release();
            throw translate(e, op);
        } catch (RuntimeException | Error e) {
            permit.release();
            throw e;
        }
    }

    void forget(ReadTxn txn) {
        openReads.remove(txn);
    }

    // ---- writes

    @Override
    public boolean apply(EngineBatch batch) {
        requireOpen("apply");
        Durability level = batch.durability();
        durability.requireHonoured(level);
        boolean applied = (Boolean) write("apply", batch.mutationBytes(), () -> {
            validate(batch);
            return applyLocked(batch);
        });
        if (applied && level == Durability.SYNC && !batch.mutations().isEmpty()) {
            durability.sync("apply");
        }
        return applied;
    }

    /**
     * Checks every handle before any native call: a keyspace may have been dropped since the core resolved
     * it. Sizes, nulls and empty keys are the core's to refuse (see the SPI's package documentation).
     */
    private void validate(EngineBatch batch) {
        for (EngineBatch.Precondition p : batch.preconditions()) {
            live(p.keyspace(), "apply");
        }
        for (EngineBatch.Mutation m : batch.mutations()) {
            live(m.keyspace(), "apply");
        }
    }

    /**
     * Applies a batch in one write transaction, under the write lock. The preconditions are checked inside
     * the transaction; LMDB has one writer, so nothing changes between the check and the commit.
     *
     * @return whether it applied, or {@link #MAP_FULL} after aborting
     */
    private Object applyLocked(EngineBatch batch) {
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            if (!batch.preconditions().isEmpty()) {
                WriteView view = new WriteView(this, txn);
                boolean hold;
                try {
                    hold = batch.preconditionsHold(view);
                } finally {
                    view.closeCursors();
                }
                if (!hold) {
                    return Boolean.FALSE;
                }
            }
            if (batch.mutations().isEmpty()) {
                return Boolean.TRUE;
            }
            for (EngineBatch.Mutation m : batch.mutations()) {
                Mutations.apply(txn, ((LmdbKeyspace) m.keyspace()).dbi, m, maxKeySize);
            }
            txn.commit();
            durability.committed();
            map.afterCommit(map.pagesBound(batch));
            return Boolean.TRUE;
        } catch (LmdbException e) {
            if (LmdbErrors.isMapFull(e)) {
                return MAP_FULL;
            }
            throw translateWrite(e, "apply", batch.mutationBytes());
        }
    }

    // ---- durability

    @Override
    public void flush() {
        requireOpen("flush");
        requireWritable("flush");
        durability.sync("flush");
    }

    @Override
    public void compact() {
        requireOpen("compact");
        // LMDB reuses freed pages in place and never shrinks its file; there is nothing to do here.
    }

    // ---- stats and close

    @Override
    public Map<String, Long> stats() {
        requireOpen("stats");
        Map<String, Long> stats = new LinkedHashMap<>();
        gate.enter();
        Txn<ByteBuffer> txn = null;
        try {
            long at;
            synchronized (epochLock) {
                txn = readers.begin();
                at = epoch;
            }
            EnvInfo info = env.info();
            long entries = 0;
            int count = 0;
            for (LmdbKeyspace ks : keyspaces.all()) {
                long stamp = ks.use.readLock();
                try {
                    if (!ks.dropped && ks.visibleAt(at)) {
                        entries += ks.dbi.stat(txn).entries;
                        count++;
                    }
                } finally {
                    ks.use.unlockRead(stamp);
                }
            }
            stats.put("lmdb.mapSize", info.mapSize);
            stats.put("lmdb.mapUsed", map.used(info));
            stats.put("lmdb.pageSize", (long) map.pageSize());
            stats.put("lmdb.keyspaces", (long) count);
            stats.put("lmdb.entries", entries);
            stats.put("lmdb.readers", (long) info.numReaders);
            stats.put("lmdb.openReadTxns", (long) openReads.size());
            stats.put("lmdb.pooledReadTxns", (long) readers.idle());
            stats.put("lmdb.lastTxnId", info.lastTransactionId);
            stats.put("lmdb.mapResizes", map.resizes());
            stats.put("lmdb.mapGrowthsBlocked", map.blockedGrowths());
            stats.put("lmdb.commits", durability.commits());
            stats.put("lmdb.envSyncs", durability.syncs());
        } catch (LmdbException e) {
            throw translate(e, "stats");
        } finally {
            if (txn != null) {
                txn.close();
            }
            gate.exit();
        }
        return stats;
    }

    /**
     * Closes the environment: refuses new calls, closes the snapshots and cursors left open, waits for the
     * calls still inside LMDB (through the SPI nothing else keeps them from racing a close), syncs what
     * commits left unsynced unless the engine has failed, and closes the environment. A second call
     * returns at once.
     *
     * @throws StorageIOException if that last sync fails; the environment is closed all the same
     */
    @Override
    public void close() {
        // The write lock only makes the flag's change atomic; it is not held below, where close waits for
        // permits: a writer holding one may be queued for the lock.
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            writeLock.unlock();
        }
        try {
            gate.shut();
            // The core closes cursors and snapshots first; these are only what a caller leaked.
            for (ReadTxn r : new ArrayList<>(openReads)) {
                r.close();
            }
            gate.runWhenDrained(this::closeEnvLocked);
        } finally {
            LmdbDirectory.release(directory);
        }
    }

    /** Syncs and closes the environment; runs while the gate is drained, so nothing else uses it. */
    private void closeEnvLocked() {
        LmdbException syncError = null;
        if (!failure.isTripped()) {
            try {
                durability.syncBeforeCloseLocked();
            } catch (LmdbException e) {
                syncError = e;
            }
        }
        try {
            readers.close();
            env.close();
        } catch (LmdbException e) {
            throw translate(e, "close");
        }
        if (syncError != null) {
            throw new StorageIOException("close on " + uri + ": the last writes could not be made durable ("
                    + syncError.getMessage() + "); the environment was closed", syncError);
        }
    }

    /**
     * The gate; a test hook.
     *
     * @return the gate every native call holds a permit of
     */
    TxnGate gate() {
        return gate;
    }

    /**
     * The sync mode and its counters; a test hook, for counts after close.
     *
     * @return the durability
     */
    LmdbDurability durability() {
        return durability;
    }

    // ---- checks and errors

    /**
     * Checks a handle: one of this engine's keyspaces, not dropped.
     *
     * @throws NoSuchKeyspaceException if it was dropped
     */
    LmdbKeyspace live(EngineKeyspace keyspace, String op) {
        if (!(keyspace instanceof LmdbKeyspace ks) || ks.owner() != this) {
            throw new IllegalArgumentException(op + " on " + uri + ": " + keyspace + " is not a keyspace of this lmdb store");
        }
        requireOpen(op);
        if (ks.dropped) {
            throw dropped(ks, op);
        }
        return ks;
    }

    /** Checks that a keyspace is not dropped, holding its read stamp, right before a native call on it. */
    void requireLiveLocked(LmdbKeyspace ks, String op) {
        if (ks.dropped) {
            throw dropped(ks, op);
        }
    }

    private NoSuchKeyspaceException dropped(LmdbKeyspace ks, String op) {
        return new NoSuchKeyspaceException(op + " on " + uri + ": keyspace '" + ks.name() + "' was dropped");
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new StoreClosedException(op + " on " + uri + ": the lmdb store is closed");
        }
    }

    private void requireWritable(String op) {
        requireOpen(op);
        if (readOnly) {
            throw new UnsupportedCapabilityException("Store " + uri + " was opened read-only, so " + op
                    + " is refused and nothing was written; open it without readOnly to write.");
        }
        failure.check(op);
    }

    private void fail(PlinthException t) {
        failure.trip(t);
    }

    /** Translates the failure of a write transaction: a full disk is not an I/O error (see {@link LmdbErrors}). */
    private PlinthException translateWrite(LmdbException e, String op, long batchBytes) {
        PlinthException full = LmdbErrors.fullDisk(e, uri, op, directory, batchBytes);
        return full != null ? full : translate(e, op);
    }

    /**
     * Where LMDB's pages lie in memory.
     *
     * @return the bounds every returned key and value is checked against
     */
    MapBounds bounds() {
        return bounds;
    }

    /** Translates an lmdbjava error, failing the engine first if the error is one no write may survive. */
    PlinthException translate(LmdbException e, String op) {
        PlinthException p = LmdbErrors.translate(e, uri, op);
        if (LmdbErrors.isFatal(e)) {
            fail(p);
        }
        return p;
    }

    @Override
    public String toString() {
        return "LmdbEngine[" + uri + "]";
    }
}
