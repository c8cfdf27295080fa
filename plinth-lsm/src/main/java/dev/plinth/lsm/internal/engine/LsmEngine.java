package dev.plinth.lsm.internal.engine;

import dev.plinth.Capabilities;
import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsLock;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.memtable.Memtable;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.lsm.internal.wal.WalReader;
import dev.plinth.lsm.internal.wal.WalRecovery;
import dev.plinth.lsm.internal.wal.WalWriter;
import dev.plinth.spi.ChangeTracker;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lsm engine: a write-ahead log with group commit in front of a multi-version memtable, recovered
 * from the log at open. Thread-safe: reads take no lock; batches, keyspace changes and close take the
 * write lock (see the package documentation for the lock order).
 *
 * <p>Every mutation gets its own sequence number; a batch's mutations are inserted into the memtable under
 * the write lock, above the published sequence number, so readers ignore them; the log's leader publishes
 * them once their record reached the OS. A snapshot is a published sequence number.
 */
public final class LsmEngine implements Engine {
    /** The file whose presence proves a store; see {@link StoreFiles}. */
    public static final String IDENTITY = StoreFiles.IDENTITY;

    private final String uri;
    private final Vfs vfs;
    private final LsmOptions options;
    private final FailureLatch latch;
    private final KeyspaceRegistry<LsmKeyspace> keyspaces;
    private final Capabilities capabilities;
    private VfsLock fileLock;

    /** Serialises batches, keyspace changes, and close. Taken before the WAL's locks. */
    private final ReentrantLock writeLock = new ReentrantLock();
    // Guarded by writeLock.
    /** The last sequence number given to a mutation (published or not). */
    private long lastSeq;
    /** The log ticket of the last record enqueued. */
    private long lastTicket;
    private int nextKeyspaceId;
    private final Map<Integer, LsmKeyspace> byId = new HashMap<>();
    private WalWriter wal;
    // Written under writeLock (and by the WAL's leader for visibleSeq); read without it.
    private volatile ReadView view;
    private volatile long visibleSeq;
    private volatile boolean closed;

    /** Open snapshots by sequence number, with counts; guarded by itself. */
    private final TreeMap<Long, Integer> snapshots = new TreeMap<>();

    private final ChangeTracker changes = new ChangeTracker() {
        @Override
        public boolean changedSince(EngineKeyspace keyspace, byte[] key, long version) {
            return view.changedSince(((LsmKeyspace) keyspace).id(), key, version);
        }

        @Override
        public boolean changedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version) {
            return view.changedSince(((LsmKeyspace) keyspace).id(), start, end, version);
        }
    };

    private LsmEngine(String uri, Vfs vfs, LsmOptions options) {
        this.uri = uri;
        this.vfs = vfs;
        this.options = options;
        this.latch = new FailureLatch(uri);
        this.keyspaces = new KeyspaceRegistry<>(uri);
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
        LsmEngine e = new LsmEngine(uri, vfs, options);
        try {
            e.openFiles(createIfMissing);
            return e;
        } catch (RuntimeException | Error failure) {
            e.releaseFiles();
            throw failure;
        }
    }

    private void openFiles(boolean createIfMissing) {
        fileLock = vfs.lock(StoreFiles.LOCK);
        if (!vfs.exists(IDENTITY)) {
            if (!createIfMissing) {
                throw new NoSuchStoreException("open " + uri + ": no lsm store in " + vfs.location("")
                        + " (no " + IDENTITY + ")");
            }
            StoreFiles.create(vfs, uri);
        } else {
            StoreFiles.checkIdentity(vfs, uri);
        }
        LsmKeyspace def = new LsmKeyspace(Store.DEFAULT_KEYSPACE, 0, this);
        byId.put(0, def);
        nextKeyspaceId = 1;
        Memtable mem = new Memtable();
        WalRecovery.Recovered r = WalRecovery.recover(vfs, uri, 1);
        for (byte[] payload : r.records()) {
            replay(LogRecords.decode(payload, uri), mem);
        }
        for (String name : r.removable()) {
            vfs.delete(name);
        }
        if (!r.removable().isEmpty()) {
            vfs.syncDirectory("");
        }
        for (LsmKeyspace ks : byId.values()) {
            if (!ks.isDropped()) {
                keyspaces.register(ks);
            }
        }
        view = new ReadView(List.of(mem));
        visibleSeq = lastSeq;
        wal = WalWriter.open(vfs, uri, options.walSegmentSize(), latch, this::publish, r.segment(), r.offset(),
                r.zeroFrom());
    }

    private void replay(LogRecords.Record record, Memtable mem) {
        if (record instanceof LogRecords.Batch b) {
            for (Object op : b.ops()) {
                if (op instanceof Entry e) {
                    mem.add(e);
                    lastSeq = Math.max(lastSeq, e.seq());
                } else {
                    RangeTombstone t = (RangeTombstone) op;
                    mem.add(t);
                    lastSeq = Math.max(lastSeq, t.seq());
                }
            }
        } else if (record instanceof LogRecords.CreateKeyspace c) {
            byId.put(c.id(), new LsmKeyspace(c.name(), c.id(), this));
            nextKeyspaceId = Math.max(nextKeyspaceId, c.id() + 1);
        } else if (record instanceof LogRecords.DropKeyspace d) {
            LsmKeyspace ks = byId.get(d.id());
            if (ks != null) {
                ks.markDropped();
            }
        }
    }

    private void publish(long seq) {
        if (seq > visibleSeq) {
            visibleSeq = seq;
        }
    }

    ReadView view() {
        return view;
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
        } finally {
            writeLock.unlock();
        }
        wal.awaitSynced(ticket);
        return true;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        LsmKeyspace ks = live(keyspace, "get");
        return view.get(ks.id(), key, visibleSeq);
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        LsmKeyspace ks = live(keyspace, "cursor");
        long seq = acquireSnapshot();
        try {
            return new LsmCursor(view, ks.id(), scan.start(), scan.end(), scan.reverse(), seq,
                    "lsm cursor over " + ks + " of " + uri + " at sequence " + seq, () -> releaseSnapshot(seq));
        } catch (RuntimeException | Error e) {
            releaseSnapshot(seq);
            throw e;
        }
    }

    @Override
    public EngineSnapshot snapshot() {
        requireOpen("snapshot");
        return new LsmSnapshot(this, acquireSnapshot(), true);
    }

    private long acquireSnapshot() {
        synchronized (snapshots) {
            long seq = visibleSeq;
            snapshots.merge(seq, 1, Integer::sum);
            return seq;
        }
    }

    void releaseSnapshot(long seq) {
        synchronized (snapshots) {
            snapshots.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
        }
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
        while (true) {
            long pending = -1;
            long ticket = -1;
            writeLock.lock();
            try {
                requireWritable("apply");
                if (!batch.preconditions().isEmpty() && lastSeq > visibleSeq) {
                    // Check conditions only against published state, which the core read too: wait for the
                    // batches still on their way to the log instead of failing against them.
                    pending = lastTicket;
                } else {
                    ticket = applyLocked(batch);
                }
            } finally {
                writeLock.unlock();
            }
            if (pending >= 0) {
                wal.awaitWritten(pending);
                continue;
            }
            if (ticket == FAILED_PRECONDITION) {
                return false;
            }
            if (ticket == NOTHING_WRITTEN) {
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
     * Checks the preconditions and inserts the batch above the published sequence number; needs the write
     * lock.
     *
     * @return the log ticket to wait for, {@link #FAILED_PRECONDITION} or {@link #NOTHING_WRITTEN}
     */
    private long applyLocked(EngineBatch batch) {
        ReadView v = view;
        if (!batch.preconditions().isEmpty()
                && !batch.preconditionsHold(new LsmSnapshot(this, lastSeq, false), changes)) {
            return FAILED_PRECONDITION;
        }
        if (batch.mutations().isEmpty()) {
            return NOTHING_WRITTEN;
        }
        Memtable mem = v.memtables().get(0);
        List<Object> ops = new ArrayList<>(batch.mutations().size());
        long seq = lastSeq;
        try {
            for (EngineBatch.Mutation m : batch.mutations()) {
                int ks = ((LsmKeyspace) m.keyspace()).id();
                switch (m.kind()) {
                    case PUT -> {
                        Entry e = new Entry(ks, m.key(), ++seq, Kind.PUT, m.value());
                        mem.add(e);
                        ops.add(e);
                    }
                    case DELETE -> {
                        if (v.get(ks, m.key(), seq) != null) {
                            Entry e = new Entry(ks, m.key(), ++seq,
                                    batch.reclaimsOnly() ? Kind.RECLAIM : Kind.DELETE, null);
                            mem.add(e);
                            ops.add(e);
                        }
                    }
                    case DELETE_RANGE -> {
                        RangeTombstone t = new RangeTombstone(ks, m.key(), m.end(), ++seq, batch.reclaimsOnly());
                        mem.add(t);
                        ops.add(t);
                    }
                    default -> throw new IllegalArgumentException("unknown mutation kind " + m.kind());
                }
            }
            if (ops.isEmpty()) {
                return NOTHING_WRITTEN;
            }
            lastSeq = seq;
            lastTicket = wal.enqueue(LogRecords.batch(ops), seq);
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
        latch.check("flush");
        wal.sync();
    }

    @Override
    public void compact() {
        requireOpen("compact");
        latch.check("compact");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Checks the identity file and every write-ahead log segment: every fragment's CRC32C up to the last
     * valid record, and that no damage sits before valid records.
     */
    @Override
    public List<String> verify() {
        requireOpen("verify");
        List<String> problems = new ArrayList<>();
        try {
            StoreFiles.checkIdentity(vfs, uri);
        } catch (CorruptionException e) {
            problems.add(e.getMessage());
        }
        List<WalReader.Scan> scans = new ArrayList<>();
        for (String n : vfs.list("")) {
            long number = WalFormat.segmentNumber(n);
            if (number >= 1) {
                scans.add(WalReader.scan(vfs, n, number));
            }
        }
        for (int i = 0; i < scans.size(); i++) {
            WalReader.Scan s = scans.get(i);
            boolean last = i == scans.size() - 1;
            if (s.ending() != WalReader.Ending.CLEAN && (s.validAfter() || !last)) {
                problems.add("write-ahead log segment " + vfs.location(s.name()) + " of " + uri + " is damaged at"
                        + " offset " + s.problemAt() + ": " + s.problem());
            }
            for (byte[] payload : s.records()) {
                try {
                    LogRecords.decode(payload, vfs.location(s.name()));
                } catch (CorruptionException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return problems;
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code lsm.keyspaces}, {@code lsm.lastSeq} (the published sequence number),
     * {@code lsm.memtableBytes} (an estimate), {@code lsm.walSegment} (the segment being written),
     * {@code lsm.walBuffered} (bytes waiting for the log's leader), {@code lsm.snapshots} (open snapshots
     * and cursors).
     */
    @Override
    public Map<String, Long> stats() {
        requireOpen("stats");
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("lsm.keyspaces", (long) keyspaces.size());
        stats.put("lsm.lastSeq", visibleSeq);
        long bytes = 0;
        for (Memtable m : view.memtables()) {
            bytes += m.approximateBytes();
        }
        stats.put("lsm.memtableBytes", bytes);
        stats.put("lsm.walSegment", wal.currentSegment());
        stats.put("lsm.walBuffered", wal.bufferedBytes());
        synchronized (snapshots) {
            stats.put("lsm.snapshots", (long) snapshots.values().stream().mapToInt(Integer::intValue).sum());
        }
        return stats;
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            releaseFiles();
            keyspaces.clear();
        } finally {
            writeLock.unlock();
        }
    }

    /** Closes the log (writing what it holds) and the lock; each step runs even if an earlier one failed. */
    private void releaseFiles() {
        RuntimeException error = null;
        if (wal != null) {
            try {
                wal.close();
            } catch (RuntimeException e) {
                error = e;
            }
            wal = null;
        }
        if (fileLock != null) {
            fileLock.close();
            fileLock = null;
        }
        if (error != null && !latch.isTripped()) {
            throw error;
        }
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
        latch.check(operation);
    }

    @Override
    public String toString() {
        return "LsmEngine[" + uri + "]";
    }
}
