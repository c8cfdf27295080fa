package dev.plinth.lsm.internal.engine;

import dev.plinth.Capabilities;
import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.StoreClosedException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsLock;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.memtable.Memtable;
import dev.plinth.lsm.internal.sstable.BlockCache;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.wal.WalRecovery;
import dev.plinth.lsm.internal.wal.WalWriter;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.FailureLatch;
import dev.plinth.spi.KeyspaceRegistry;
import dev.plinth.spi.ScanSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lsm engine: a write-ahead log with group commit in front of a multi-version memtable, which is
 * flushed in the background to tables named by the manifest, which leveled compaction merges in the
 * background. This class is the write path (batches, keyspace changes, sealing memtables, installing new
 * sets of tables) and the lifecycle (open, recovery, close); reads go to its {@link ReadPath}, flushes to its
 * {@link TableMaintenance}, compactions to its {@link Compactor}. Thread-safe: reads take no lock; batches,
 * keyspace changes and close take the write lock; flush and compaction take the maintenance lock first
 * (see the package documentation for the lock order).
 *
 * <p>Every mutation gets its own sequence number; a batch's mutations are inserted into the memtable under
 * the write lock, above the published sequence number, so readers ignore them; the log's leader publishes
 * them once their record reached the OS. A batch at {@code NONE} is published at once, its record left in
 * the log's buffer for the log's next write, when {@link WalWriter#mayLeaveBuffered} allows it. A snapshot is
 * a published sequence number.
 */
public final class LsmEngine implements Engine {
    /** The file whose presence proves a store; see {@link StoreFiles}. */
    public static final String IDENTITY = StoreFiles.IDENTITY;

    private final String uri;
    private final Vfs vfs;
    private final LsmOptions options;
    /** Opened for reading only: no lock, no log writer, no manifest writer ({@link #readOnlyState} instead). */
    private final boolean readOnly;
    /** The manifest's state, when read-only. */
    private VersionState readOnlyState;
    /** How many log records the open replayed after {@link #readOnlyState}, when read-only. */
    private int readOnlyLogRecords;
    private final FailureLatch latch;
    private final KeyspaceRegistry<LsmKeyspace> keyspaces;
    private final Capabilities capabilities;
    private VfsLock fileLock;
    /** Decoded data blocks of every table, bounded by {@link LsmOptions#blockCacheSize()}. */
    private final BlockCache blockCache;

    /** Flushes and manifest edits, with the maintenance lock (taken before {@link #writeLock}) and the manifest. */
    private final TableMaintenance maintenance;
    /** Leveled compaction in the background, and {@link #compact()}; its lock is taken before the maintenance lock. */
    private final Compactor compactor;
    /** Holds writers back while compaction is behind. */
    private final WriteThrottle throttle;
    /** Bytes written by users, flushes and compactions since open, for {@link #stats()}. */
    private final Amplification amplification = new Amplification();

    /** Serialises batches, keyspace changes, and close. Taken before the WAL's locks. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Signalled when a flush finishes or fails; with {@link #writeLock}. */
    private final java.util.concurrent.locks.Condition flushed = writeLock.newCondition();
    // Guarded by writeLock.
    /** The last sequence number given to a mutation (published or not). */
    private long lastSeq;
    /** The log ticket of the last record enqueued. */
    private long lastTicket;
    private int nextKeyspaceId;
    private final Map<Integer, LsmKeyspace> byId = new HashMap<>();
    /**
     * Keyspaces dropped whose drop record is not known to be durable yet: a compaction keeps their entries
     * (see {@link #compactionInputs}). Guarded by the write lock.
     */
    private final Set<Integer> dropsInFlight = new HashSet<>();
    private WalWriter wal;
    /** The memtable batches go to. */
    private Memtable mem;
    /** A full memtable being flushed with what its flush records, or {@code null}; one volatile read each. */
    private volatile SealedMemtable sealed;
    /** The tables by level; each holds one reference for this set. Written under both locks, read anywhere. */
    private volatile LevelSet levels = LevelSet.empty();
    /** The view readers read, the published sequence number and the open snapshots. */
    private final ReadPath reads;
    private volatile boolean closed;

    private LsmEngine(String uri, Vfs vfs, LsmOptions options, boolean readOnly) {
        this.uri = uri;
        this.readOnly = readOnly;
        this.vfs = vfs;
        this.options = options;
        this.latch = new FailureLatch(uri);
        this.blockCache = new BlockCache(options.blockCacheSize(), options.mapTables());
        this.keyspaces = new KeyspaceRegistry<>(uri);
        this.reads = new ReadPath(uri);
        this.maintenance = new TableMaintenance(this, uri, vfs, options, latch, blockCache, amplification);
        this.throttle = new WriteThrottle(uri, options.compaction(), latch, () -> levels);
        this.compactor = new Compactor(this, maintenance, uri, vfs, options, latch, blockCache, amplification, throttle);
        maintenance.afterFlush(compactor::schedule);
        this.capabilities = Capabilities.builder()
                .persistent(true)
                .durabilities(Durability.NONE, Durability.PROCESS, Durability.SYNC)
                .defaultDurability(Durability.SYNC)
                .nativeTtl(false)
                .distributed(false)
                .versionedPreconditions(true)
                .maxKeySize(LsmOptions.MAX_KEY_SIZE)
                .maxValueSize(LsmOptions.MAX_VALUE_SIZE)
                .maxBatchOps(LsmOptions.MAX_BATCH_OPS)
                .maxBatchBytes(LsmOptions.MAX_BATCH_BYTES)
                .build();
    }

    /**
     * Opens (or creates) a store in the root of a file system.
     *
     * @param uri the store's URI, for messages
     * @param vfs the file system whose root holds the store
     * @param options the options
     * @param createIfMissing whether to create a store where there is none
     * @return the open engine, which the caller closes
     * @throws NoSuchStoreException if there is no store and {@code createIfMissing} is false
     * @throws CorruptionException if the log is damaged before its last valid record
     */
    public static LsmEngine open(String uri, Vfs vfs, LsmOptions options, boolean createIfMissing) {
        return open(uri, vfs, options, createIfMissing, false);
    }

    /**
     * Opens a store, possibly for reading only. Read-only, nothing is written, created, deleted or locked:
     * the manifest and the log are read as they are (a torn tail of the log is skipped, not cut), and every
     * write is refused. Another process may have the store open for writing; what it changes after this
     * open is not seen. If it deletes a table or a log segment between this open's reading of the manifest and
     * its opening of that file, the open reads {@code CURRENT} and the manifest again (see {@link ReadOnlyOpen});
     * a table deleted after this open stays readable through the handle the engine holds on it. Writable, a
     * table the manifest names and the file system lacks fails the open.
     *
     * @param uri the store's URI, for messages
     * @param vfs the file system whose root holds the store
     * @param options the options
     * @param createIfMissing whether to create a store where there is none (never when read-only)
     * @param readOnly whether to open for reading only
     * @return the open engine, which the caller closes
     * @throws NoSuchStoreException if there is no store and it may not be created
     * @throws CorruptionException if the log is damaged before its last valid record, or (read-only) a file
     *     the manifest names was missing while the manifest read again still named it, or on each of
     *     {@link ReadOnlyOpen#ATTEMPTS} readings of it
     * @throws dev.plinth.StorageIOException if a file cannot be read (writable: a table the manifest names is
     *     missing)
     */
    public static LsmEngine open(String uri, Vfs vfs, LsmOptions options, boolean createIfMissing, boolean readOnly) {
        LsmEngine e = new LsmEngine(uri, vfs, options, readOnly);
        try {
            e.openFiles(createIfMissing && !readOnly);
            return e;
        } catch (RuntimeException | Error failure) {
            e.releaseFiles();
            throw failure;
        }
    }

    private void openFiles(boolean createIfMissing) {
        EngineFiles.Opened opened = EngineFiles.open(uri, vfs, readOnly, createIfMissing, maintenance, blockCache);
        fileLock = opened.fileLock();
        readOnlyState = opened.readOnlyState();
        levels = opened.levels();
        LogReplay replayed = opened.replayed();
        readOnlyLogRecords = replayed.log.records().size();
        for (Map.Entry<Integer, String> e : replayed.keyspaces.entrySet()) {
            LsmKeyspace ks = new LsmKeyspace(e.getValue(), e.getKey(), this);
            byId.put(e.getKey(), ks);
            if (replayed.dropped.contains(e.getKey())) {
                ks.markDropped();
            } else {
                keyspaces.register(ks);
            }
        }
        nextKeyspaceId = replayed.nextKeyspaceId;
        lastSeq = replayed.lastSeq;
        mem = replayed.mem;
        WalRecovery.Recovered r = replayed.log;
        reads.start(new ReadView(List.of(mem), levels), lastSeq);
        if (!readOnly) {
            wal = WalWriter.open(vfs, uri, options.walSegmentSize(), latch, reads::publish, r.segment(), r.offset(),
                    r.zeroFrom());
            throttle.allowBacklog(levels); // a backlog found at open holds no writer back (see WriteThrottle)
            compactor.schedule(); // a store written with other options may need compacting now
        }
    }

    /** The read side, for snapshots. */
    ReadPath reads() {
        return reads;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
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
        LsmKeyspace ks = keyspaces.get(name);
        if (ks != null) {
            return ks;
        }
        long ticket;
        writeLock.lock();
        try {
            requireWritable("createKeyspace");
            ks = keyspaces.get(name);
            if (ks != null) {
                return ks;
            }
            ks = new LsmKeyspace(name, nextKeyspaceId, this);
            ticket = wal.enqueue(LogRecords.createKeyspace(ks.id(), name), lastSeq);
            lastTicket = ticket;
            nextKeyspaceId++;
            byId.put(ks.id(), ks);
            keyspaces.register(ks);
        } finally {
            writeLock.unlock();
        }
        wal.awaitSynced(ticket);
        return ks;
    }

    @Override
    public boolean dropKeyspace(String name) {
        keyspaces.refuseDroppingDefault(name);
        long ticket;
        int dropped;
        writeLock.lock();
        try {
            requireWritable("dropKeyspace");
            LsmKeyspace ks = keyspaces.get(name);
            if (ks == null) {
                return false;
            }
            ticket = wal.enqueue(LogRecords.dropKeyspace(ks.id()), lastSeq);
            lastTicket = ticket;
            keyspaces.remove(ks);
            ks.markDropped();
            dropped = ks.id();
            dropsInFlight.add(dropped);
        } finally {
            writeLock.unlock();
        }
        wal.awaitSynced(ticket); // if it fails the drop stays in flight: the engine accepts no more writes
        writeLock.lock();
        try {
            dropsInFlight.remove(dropped);
        } finally {
            writeLock.unlock();
        }
        return true;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        return reads.get(live(keyspace, "get"), key);
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        return reads.cursor(live(keyspace, "cursor"), scan);
    }

    @Override
    public EngineSnapshot snapshot() {
        requireOpen("snapshot");
        return new LsmSnapshot(this, reads.acquireSnapshot(), true);
    }

    @Override
    public boolean apply(EngineBatch batch) {
        requireOpen("apply");
        for (EngineBatch.Mutation m : batch.mutations()) {
            live(m.keyspace(), "apply");
        }
        for (EngineBatch.Precondition p : batch.preconditions()) {
            live(p.keyspace(), "apply");
        }
        if (!batch.mutations().isEmpty() && !readOnly) {
            throttle.admit("apply");
        }
        while (true) {
            long pending = -1;
            long ticket = -1;
            boolean sealedNow = false;
            writeLock.lock();
            try {
                requireWritable("apply");
                while (this.sealed != null && mem.approximateBytes() >= 2 * options.memtableSize() && !latch.isTripped()
                        && !closed) {
                    // The flush is behind: hold writers back rather than grow without bound.
                    flushed.awaitUninterruptibly();
                }
                requireWritable("apply");
                if (!batch.preconditions().isEmpty() && lastSeq > reads.visibleSeq()) {
                    // Check conditions only against published state, which the core read too: wait for the
                    // batches still on their way to the log instead of failing against them.
                    pending = lastTicket;
                } else {
                    ticket = applyLocked(batch);
                    sealedNow = mem.approximateBytes() >= options.memtableSize() && sealLocked();
                }
            } finally {
                writeLock.unlock();
            }
            if (sealedNow) {
                maintenance.scheduleFlush();
            }
            if (pending >= 0) {
                wal.awaitWritten(pending);
                continue;
            }
            if (ticket == FAILED_PRECONDITION) {
                return false;
            }
            if (ticket == NOTHING_WRITTEN || ticket == LEFT_BUFFERED) {
                return true;
            }
            if (batch.durability() == Durability.SYNC) {
                wal.awaitSynced(ticket);
            } else {
                // NONE and PROCESS alike: a batch becomes visible when its record reached the OS.
                wal.awaitWritten(ticket);
            }
            return true;
        }
    }

    /** {@link #applyLocked}: a precondition failed. */
    private static final long FAILED_PRECONDITION = -2;
    /** {@link #applyLocked}: the batch changed nothing (deletes of absent keys), so nothing was logged. */
    private static final long NOTHING_WRITTEN = -3;
    /**
     * {@link #applyLocked}: a batch at {@code NONE} was left in the log's buffer and published; it reaches the OS
     * with the log's next write ({@link WalWriter#enqueueUnwaited}).
     */
    private static final long LEFT_BUFFERED = -4;

    /**
     * Checks the preconditions and inserts the batch above the published sequence number; needs the write
     * lock.
     *
     * @return the log ticket to wait for, {@link #FAILED_PRECONDITION}, {@link #NOTHING_WRITTEN} or
     *     {@link #LEFT_BUFFERED}
     */
    private long applyLocked(EngineBatch batch) {
        ReadView v = reads.currentLocked();
        Memtable mem = this.mem;
        if (!batch.preconditions().isEmpty()
                && !batch.preconditionsHold(new LsmSnapshot(this, lastSeq, false), reads.changesLocked())) {
            return FAILED_PRECONDITION;
        }
        if (batch.mutations().isEmpty()) {
            return NOTHING_WRITTEN;
        }
        for (EngineBatch.Mutation m : batch.mutations()) {
            live(m.keyspace(), "apply"); // again: a drop may have come in before the lock
        }
        List<Object> ops = new ArrayList<>(batch.mutations().size());
        long seq = lastSeq;
        long userBytes = 0;
        try {
            for (EngineBatch.Mutation m : batch.mutations()) {
                int ks = ((LsmKeyspace) m.keyspace()).id();
                switch (m.kind()) {
                    case PUT -> {
                        Entry e = new Entry(ks, m.key(), ++seq, Kind.PUT, m.value());
                        mem.add(e);
                        ops.add(e);
                        userBytes += m.key().length + m.value().length;
                    }
                    case DELETE -> {
                        if (v.get(ks, m.key(), seq) != null) {
                            Entry e = new Entry(ks, m.key(), ++seq,
                                    batch.reclaimsOnly() ? Kind.RECLAIM : Kind.DELETE, null);
                            mem.add(e);
                            ops.add(e);
                            userBytes += m.key().length;
                        }
                    }
                    case DELETE_RANGE -> {
                        RangeTombstone t = new RangeTombstone(ks, m.key(), m.end(), ++seq, batch.reclaimsOnly());
                        mem.add(t);
                        ops.add(t);
                        userBytes += (m.key() == null ? 0 : m.key().length) + (m.end() == null ? 0 : m.end().length);
                    }
                    default -> throw new IllegalArgumentException("unknown mutation kind " + m.kind());
                }
            }
            if (ops.isEmpty()) {
                return NOTHING_WRITTEN;
            }
            lastSeq = seq;
            // NONE lets a batch be lost if the process dies: it need not reach the OS before the call returns.
            byte[] record = LogRecords.batch(ops);
            boolean unwaited = batch.durability() == Durability.NONE && wal.mayLeaveBuffered(record.length);
            lastTicket = unwaited ? wal.enqueueUnwaited(record, seq) : wal.enqueue(record, seq);
            amplification.userWrote(userBytes);
            if (unwaited) {
                reads.publish(seq);
                return LEFT_BUFFERED;
            }
            return lastTicket;
        } catch (RuntimeException | Error e) {
            // Versions above the published sequence number are in the memtable; the next batch would
            // build on them, so refuse further writes. Readers never see them.
            latch.trip(e, "a batch was half inserted into the memtable of " + uri);
            throw e;
        }
    }

    @Override
    public void flush() {
        requireOpen("flush");
        if (readOnly) {
            return; // nothing was written
        }
        latch.check("flush");
        wal.sync();
    }

    /**
     * Makes the active memtable immutable and starts a new one, with a new log segment; needs the write lock.
     *
     * @return {@code false} if a flush is still running (nothing changed)
     */
    private boolean sealLocked() {
        if (sealed != null || mem.isEmpty()) {
            return false;
        }
        long logNumber = wal.roll();
        SealedMemtable s = new SealedMemtable(mem, lastSeq, logNumber, catalogLocked(), nextKeyspaceId, lastTicket);
        sealHook.run();
        sealed = s; // published whole: a flush sees all of it or none of it
        mem = new Memtable();
        reads.swapLocked(new ReadView(List.of(mem, s.memtable()), levels));
        return true;
    }

    private Map<Integer, String> catalogLocked() {
        Map<Integer, String> c = new TreeMap<>();
        for (LsmKeyspace ks : byId.values()) {
            if (!ks.isDropped()) {
                c.put(ks.id(), ks.name());
            }
        }
        return c;
    }

    /** Test hook: runs inside a seal, with the write lock held. */
    volatile Runnable sealHook = () -> { };

    /** Whether a thread waits for the write lock; for tests that stop a flush there. */
    boolean waitsForWriteLock(Thread t) {
        return writeLock.hasQueuedThread(t);
    }

    /** What a scheduled flush runs, on whichever thread calls it; for tests. */
    void backgroundFlush() {
        maintenance.backgroundFlush();
    }

    /** The memtable being flushed with what its flush records, or {@code null}. */
    SealedMemtable sealed() {
        return sealed;
    }

    /** The log writer (the engine is open for writing). */
    WalWriter wal() {
        return wal;
    }

    /** Whether {@link #close()} began. */
    boolean isClosed() {
        return closed;
    }

    /** Seals the memtable if it holds anything and no flush runs; takes the write lock. */
    void seal() {
        writeLock.lock();
        try {
            sealLocked();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Installs the levels with the table a flush wrote from the sealed memtable, which it replaces; takes the
     * write lock (the caller holds the maintenance lock).
     */
    void installFlushed(LevelSet next) {
        writeLock.lock();
        try {
            levels = next;
            sealed = null;
            reads.swapLocked(new ReadView(List.of(mem), levels));
            flushed.signalAll();
        } finally {
            writeLock.unlock();
        }
    }

    /** Wakes writers held back by a flush that failed; takes the write lock. */
    void signalFlushed() {
        writeLock.lock();
        try {
            flushed.signalAll();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * What a compaction starts from, read together under the write lock.
     *
     * @param levels the tables
     * @param liveKeyspaces the ids of the keyspaces not dropped
     * @param horizon the oldest sequence number a reader may still read at
     */
    record CompactionInputs(LevelSet levels, Set<Integer> liveKeyspaces, long horizon) {
    }

    /**
     * The current tables, live keyspaces and oldest open snapshot; takes the write lock. A keyspace whose drop
     * is not durable yet counts as live: a compaction that left its entries out and was recorded in the
     * manifest before the drop's log record reached the disk would, if that record never did (a failed
     * force, a crash), leave the keyspace alive after recovery with the entries gone.
     */
    CompactionInputs compactionInputs() {
        writeLock.lock();
        try {
            Set<Integer> live = new HashSet<>(catalogLocked().keySet());
            live.addAll(dropsInFlight);
            return new CompactionInputs(levels, live, reads.oldestSnapshot());
        } finally {
            writeLock.unlock();
        }
    }

    /** The tables by level now. */
    LevelSet levels() {
        return levels;
    }

    /** The compactor; for tests. */
    Compactor compactor() {
        return compactor;
    }

    /** The write throttle; for tests. */
    WriteThrottle throttle() {
        return throttle;
    }

    /**
     * Installs the levels a compaction left; takes the write lock (the caller holds the maintenance lock and
     * releases the inputs).
     */
    void installLevels(LevelSet next) {
        writeLock.lock();
        try {
            levels = next;
            SealedMemtable s = sealed;
            reads.swapLocked(new ReadView(s == null ? List.of(mem) : List.of(mem, s.memtable()), levels));
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Flushes the memtable, then merges every table into the last level, keeping only what a reader may
     * still see (see {@link CompactionFilter}).
     */
    @Override
    public void compact() {
        requireWritable("compact");
        compactor.compactAll();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks the identity file; {@code CURRENT} and the manifest; every write-ahead log segment (every
     * fragment's CRC32C up to the last valid record, no damage before valid records, every record decodes);
     * every table (every block's CRC32C, key order inside blocks and across them, the index, the entry
     * count); and that the tables the manifest names are exactly the table files present. A problem a log segment
     * shows is reported only if a second reading of the segment shows it at the same place (a record being
     * written is whole at the next reading). Read-only, a writer may change the store meanwhile: the open's own
     * tables are checked, and the rest against one consistent reading of the manifest, the directory and the log
     * (see {@link StoreVerifier#verifyReadOnly}).
     *
     * @throws dev.plinth.ConflictException if read-only and a writer changed the manifest during each of
     *     {@link StoreVerifier#ATTEMPTS} readings of it, and nothing was found damaged: the store could not be
     *     verified, which is not damage, and verifying again may succeed
     */
    @Override
    public List<String> verify() {
        requireOpen("verify");
        List<String> problems = new ArrayList<>();
        ReentrantLock maintenanceLock = maintenance.lock();
        maintenanceLock.lock();
        try {
            ReadView v = reads.acquire();
            try {
                problems.addAll(readOnly
                        ? StoreVerifier.verifyReadOnly(vfs, uri, readOnlyState, readOnlyLogRecords, v.tables())
                        : StoreVerifier.verify(vfs, uri, maintenance.manifestLocked().state(), v.tables(),
                                maintenance.unnamedInUseLocked()));
                for (String p : v.levels().problems()) {
                    problems.add("the levels of " + uri + " are broken: " + p);
                }
            } finally {
                v.release();
            }
        } finally {
            maintenanceLock.unlock();
        }
        return problems;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code lsm.keyspaces}, {@code lsm.lastSeq} (the published sequence number),
     * {@code lsm.memtableBytes} (an estimate, immutable memtable included), {@code lsm.tables},
     * {@code lsm.tableBytes}, {@code lsm.walSegment} (the segment being written), {@code lsm.walBuffered}
     * (bytes waiting for the log's leader), {@code lsm.snapshots} (open snapshots and cursors), and the byte
     * counts since open behind write and space amplification ({@link Amplification#report}), the tables and
     * bytes of each level with the compactions since open ({@link Compactor#report}), and the writes the
     * slowdown and stop triggers held back ({@link WriteThrottle#report}).
     */
    @Override
    public Map<String, Long> stats() {
        requireOpen("stats");
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("lsm.keyspaces", (long) keyspaces.size());
        stats.put("lsm.lastSeq", reads.visibleSeq());
        ReadView v = reads.acquire();
        try {
            long bytes = 0;
            for (Memtable m : v.memtables()) {
                bytes += m.approximateBytes();
            }
            stats.put("lsm.memtableBytes", bytes);
            long tb = 0;
            for (TableReader t : v.tables()) {
                tb += t.size();
            }
            stats.put("lsm.tables", (long) v.tables().size());
            stats.put("lsm.tableBytes", tb);
            amplification.report(stats, wal == null ? 0 : wal.enqueuedBytes(), tb);
            compactor.report(stats, v.levels());
            throttle.report(stats);
        } finally {
            v.release();
        }
        if (wal != null) {
            stats.put("lsm.walSegment", wal.currentSegment());
            stats.put("lsm.walBuffered", wal.bufferedBytes());
        }
        stats.put("lsm.snapshots", reads.snapshotCount());
        return stats;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        throttle.close();
        compactor.stop();
        maintenance.shutdown();
        ReentrantLock maintenanceLock = maintenance.lock();
        maintenanceLock.lock();
        try {
            writeLock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                flushed.signalAll();
            } finally {
                writeLock.unlock();
            }
            releaseFiles();
            keyspaces.clear();
        } finally {
            maintenanceLock.unlock();
        }
        maintenance.awaitShutdown();
    }

    /** Releases the files this engine holds ({@link EngineFiles#release}); the caller holds the maintenance lock. */
    private void releaseFiles() {
        EngineFiles.Held held = new EngineFiles.Held(wal, lastSeq, levels, fileLock);
        // wal stays set: a call that passed its open check before the close may still wait on it after the
        // write lock (apply, createKeyspace, dropKeyspace, flush), and a closed log answers such a wait (done,
        // or closed) where a null field threw NullPointerException (review of lsm18).
        levels = LevelSet.empty();
        fileLock = null;
        EngineFiles.release(held, maintenance, reads, latch);
    }

    /**
     * Checks a handle: one of this engine's keyspaces, not dropped, engine open.
     *
     * @throws NoSuchKeyspaceException if dropped
     */
    LsmKeyspace live(EngineKeyspace keyspace, String operation) {
        if (!(keyspace instanceof LsmKeyspace ks) || ks.owner() != this) {
            throw new IllegalArgumentException(operation + " on " + uri + ": " + keyspace
                    + " is not a keyspace of this lsm store");
        }
        if (ks.isDropped()) {
            requireOpen(operation);
            throw new NoSuchKeyspaceException(operation + " on " + uri + ": keyspace '" + ks.name() + "' was dropped");
        }
        requireOpen(operation);
        return ks;
    }

    private void requireOpen(String operation) {
        if (closed) {
            throw new StoreClosedException(operation + " on " + uri + ": the lsm store is closed");
        }
    }

    private void requireWritable(String operation) {
        requireOpen(operation);
        if (readOnly) {
            throw new dev.plinth.UnsupportedCapabilityException(operation + " on " + uri + ": the lsm store was opened"
                    + " read-only; nothing was changed");
        }
        latch.check(operation);
    }

    @Override
    public String toString() {
        return "LsmEngine[" + uri + "]";
    }
}
