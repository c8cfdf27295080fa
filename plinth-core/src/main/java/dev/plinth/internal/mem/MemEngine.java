package dev.plinth.internal.mem;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.ChangeTracker;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.FailureLatch;
import dev.plinth.spi.KeyspaceRegistry;
import dev.plinth.spi.ScanSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory engine: multi-version skip lists, one per keyspace, with one global commit sequence.
 * Thread-safe; reads take no lock, batches are serialised by one write lock. Nothing persists: each
 * engine starts empty and its data goes when it is closed. See the package documentation for the
 * design and the lock order.
 */
public final class MemEngine implements Engine {
    /** What the engine can do: it keeps nothing across a process death, so it honours only NONE. */
    static final Capabilities CAPABILITIES = Capabilities.builder()
            .persistent(false)
            .durabilities(Durability.NONE)
            .defaultDurability(Durability.NONE)
            .nativeTtl(false)
            .distributed(false)
            .versionedPreconditions(true)
            .maxKeySize(64 * 1024)
            .maxValueSize(64 * 1024 * 1024)
            .maxBatchOps(1_000_000)
            .maxBatchBytes(256L * 1024 * 1024)
            .build();

    /** Chains each batch retries from the reclaimer's queue, per mutation, beyond {@link #RECLAIM_BASE}. */
    static final int RECLAIM_PER_MUTATION = 2;
    /** Chains each batch retries from the reclaimer's queue, at least. */
    static final int RECLAIM_BASE = 8;

    private final String uri;
    private final SnapshotRegistry registry = new SnapshotRegistry();
    /** Serialises batches, keyspace creation and drop, compaction and close. Taken before the registry's. */
    private final ReentrantLock writeLock = new ReentrantLock();

    // Written only under writeLock; read without it.
    /** The sequence number of the newest published batch; readers see versions at or below it. */
    private volatile long lastCommitted;
    /** Live keyspaces by name; changed under {@link #writeLock}. */
    private final KeyspaceRegistry<MemKeyspace> keyspaces;
    private volatile boolean closed;
    /** Tripped if a batch failed half-way through installing (only an error such as OutOfMemoryError can). */
    private final FailureLatch writeFailure;

    // Guarded by writeLock.
    private final Reclaimer reclaimer = new Reclaimer();
    /** The chains the batch being applied touched; reused by every batch. */
    private final TouchedChains touched = new TouchedChains();

    /**
     * Answers version preconditions from the chains' change sequence numbers; used only under the write lock,
     * where nothing installs or reclaims, against the latest published state.
     */
    private final ChangeTracker changes = new ChangeTracker() {
        @Override
        public boolean changedSince(EngineKeyspace keyspace, byte[] key, long version) {
            VersionChain chain = ((MemKeyspace) keyspace).chain(key);
            return chain != null && chain.changeSeqLocked() > version;
        }

        @Override
        public boolean changedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version) {
            return ((MemKeyspace) keyspace).changedSinceLocked(start, end, version);
        }
    };

    /** Point reads that met a reclaimed version and read again; rare, so a contended counter is fine. */
    private final LongAdder readRetries = new LongAdder();

    /**
     * Opens a new, empty store holding only the default keyspace.
     *
     * @param uri the URI it was opened with, for messages
     */
    public MemEngine(String uri) {
        this.uri = uri;
        this.writeFailure = new FailureLatch(uri);
        this.keyspaces = new KeyspaceRegistry<>(uri);
        keyspaces.register(new MemKeyspace(Store.DEFAULT_KEYSPACE, this));
    }

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
        MemKeyspace ks = keyspaces.get(name);
        if (ks != null) {
            return ks;
        }
        writeLock.lock();
        try {
            requireWritable("createKeyspace");
            MemKeyspace existing = keyspaces.get(name);
            return existing != null ? existing : keyspaces.register(new MemKeyspace(name, this));
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean dropKeyspace(String name) {
        keyspaces.refuseDroppingDefault(name);
        writeLock.lock();
        try {
            requireWritable("dropKeyspace");
            MemKeyspace ks = keyspaces.get(name);
            if (ks == null) {
                return false;
            }
            keyspaces.remove(ks);
            // Cursors still open over it keep reading its map, which nothing changes any more.
            ks.dropLocked();
            reclaimer.forgetLocked(ks);
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        MemKeyspace ks = live(keyspace, "get");
        while (true) {
            long at = lastCommitted;
            VersionChain chain = ks.chain(key);
            if (chain == null) {
                return null;
            }
            VersionChain.Version v = chain.resolve(at);
            if (v != VersionChain.PRUNED) {
                return v == null ? null : v.value;
            }
            readRetries.increment();
            // The version visible at `at` was reclaimed, so a newer batch was published after `at` was
            // read; the state at a fresh lastCommitted is as correct an answer and is still held.
        }
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        MemKeyspace ks = live(keyspace, "cursor");
        long seq = registry.acquire(this::lastCommitted);
        try {
            return new MemCursor(ks, seq, scan.start(), scan.end(), scan.reverse(), () -> registry.release(seq));
        } catch (RuntimeException | Error e) {
            registry.release(seq);
            throw e;
        }
    }

    @Override
    public EngineSnapshot snapshot() {
        requireOpen("snapshot");
        return new MemSnapshot(this, registry.acquire(this::lastCommitted), registry);
    }

    @Override
    public boolean apply(EngineBatch batch) {
        requireOpen("apply");
        if (batch.durability() != Durability.NONE) {
            throw new UnsupportedCapabilityException("the mem engine of " + uri + " keeps nothing across a"
                    + " process death, so it cannot give a batch durability " + batch.durability()
                    + "; it honours only " + CAPABILITIES.durabilities());
        }
        writeLock.lock();
        try {
            requireWritable("apply");
            // Indexed loops: the batch's lists are random-access, and an iterator per loop is garbage per write.
            List<EngineBatch.Mutation> mutations = batch.mutations();
            List<EngineBatch.Precondition> preconditions = batch.preconditions();
            int count = mutations.size();
            for (int i = 0; i < count; i++) {
                live(mutations.get(i).keyspace(), "apply");
            }
            for (int i = 0; i < preconditions.size(); i++) {
                live(preconditions.get(i).keyspace(), "apply");
            }
            long last = lastCommitted;
            // Stable: nothing else writes or reclaims while we hold the write lock.
            if (!preconditions.isEmpty()
                    && !batch.preconditionsHold(new MemSnapshot(this, last, null), changes)) {
                return false;
            }
            if (count == 0) {
                return true;
            }
            long seq = last + 1;
            try {
                for (int i = 0; i < count; i++) {
                    EngineBatch.Mutation m = mutations.get(i);
                    MemKeyspace ks = (MemKeyspace) m.keyspace();
                    switch (m.kind()) {
                        case PUT -> ks.putLocked(m.key(), m.value(), seq, touched);
                        case DELETE -> ks.deleteLocked(m.key(), seq, batch.reclaimsOnly(), touched);
                        case DELETE_RANGE -> ks.deleteRangeLocked(m.key(), m.end(), seq, batch.reclaimsOnly(), touched);
                        default -> throw new IllegalArgumentException("unknown mutation kind " + m.kind());
                    }
                }
            } catch (RuntimeException | Error e) {
                // Versions at an unpublished sequence number are in the chains; the next batch would
                // merge with them, so refuse further writes. Readers never see them.
                touched.clear();
                writeFailure.trip(e, "versions of an unfinished batch are in the mem store's chains");
                throw e;
            }
            lastCommitted = seq;
            long minActive = registry.minActive(seq);
            touched.reclaimAndClear(reclaimer, minActive);
            reclaimer.drainLocked(RECLAIM_PER_MUTATION * count + RECLAIM_BASE, minActive);
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void flush() {
        requireOpen("flush");
    }

    @Override
    public void compact() {
        writeLock.lock();
        try {
            requireWritable("compact");
            reclaimer.drainAllLocked(registry.minActive(lastCommitted));
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code mem.keyspaces}; {@code mem.keys}, the keys with a value in the latest state, exact;
     * {@code mem.versions}, the version nodes held (values and tombstones, current and old);
     * {@code mem.snapshots}, open snapshots including those engine cursors hold while open;
     * {@code mem.lastSeq}, the latest published batch; {@code mem.pendingReclaim}, chains waiting for
     * readers to move on; {@code mem.readRetries}, point reads that met a reclaimed version and read
     * again. Each counter is exact, but they are read one after another without the write lock, so a
     * concurrent batch may show in some and not yet in others.
     */
    @Override
    public Map<String, Long> stats() {
        requireOpen("stats");
        long keys = 0;
        long versions = 0;
        int count = 0;
        for (MemKeyspace ks : keyspaces.all()) {
            keys += ks.liveKeys();
            versions += ks.versions();
            count++;
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("mem.keyspaces", (long) count);
        stats.put("mem.keys", keys);
        stats.put("mem.versions", versions);
        stats.put("mem.snapshots", (long) registry.openCount());
        stats.put("mem.lastSeq", lastCommitted);
        stats.put("mem.pendingReclaim", (long) reclaimer.pendingCount());
        stats.put("mem.readRetries", readRetries.sum());
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
            for (MemKeyspace ks : keyspaces.all()) {
                ks.clearLocked();
            }
            keyspaces.clear();
            reclaimer.clearLocked();
        } finally {
            writeLock.unlock();
        }
    }

    long lastCommitted() {
        return lastCommitted;
    }

    /**
     * Checks a handle: it must be one of this engine's keyspaces, not dropped, and the engine open.
     *
     * @param keyspace the handle
     * @param operation what is being done, for the message
     * @return the keyspace
     * @throws NoSuchKeyspaceException if the keyspace was dropped
     */
    MemKeyspace live(EngineKeyspace keyspace, String operation) {
        if (!(keyspace instanceof MemKeyspace ks) || ks.owner() != this) {
            throw new IllegalArgumentException(operation + " on " + uri + ": " + keyspace
                    + " is not a keyspace of this mem store");
        }
        if (ks.isDropped()) {
            requireOpen(operation);
            throw new NoSuchKeyspaceException(operation + " on " + uri + ": keyspace '" + ks.name()
                    + "' was dropped");
        }
        return ks;
    }

    private void requireOpen(String operation) {
        if (closed) {
            throw new StoreClosedException(operation + " on " + uri + ": the mem store is closed");
        }
    }

    private void requireWritable(String operation) {
        requireOpen(operation);
        writeFailure.check(operation);
    }

    @Override
    public String toString() {
        return "MemEngine[" + uri + "]";
    }
}
