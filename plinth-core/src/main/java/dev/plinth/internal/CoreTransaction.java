package dev.plinth.internal;

import dev.plinth.ConflictException;
import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.OpenResource;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.StoreClosedException;
import dev.plinth.Transaction;
import dev.plinth.WriteOptions;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An optimistic transaction: reads from an engine snapshot through its own pending writes, and commits
 * as one engine batch whose preconditions say that what the isolation level depends on is unchanged
 * since the snapshot. Under {@link Isolation#SNAPSHOT} that is every key and range it writes; under
 * {@link Isolation#SERIALIZABLE} also every key it read and every interval its cursors walked.
 *
 * <p>On an engine with {@link dev.plinth.Capabilities#versionedPreconditions() versions} each of those is one
 * condition naming the snapshot's version, and the snapshot stays open until the batch is applied (the
 * engine may need what it holds to answer). Otherwise the conditions carry the stored forms the snapshot
 * showed, every entry of every range included, and the snapshot is released before the apply, since the
 * batch now holds all it showed. Comparing stored forms is exact for this purpose: a commit succeeds only
 * if the state it depends on is, at commit, what the transaction saw. Either way an entry whose time to live
 * had run out counts as absent: reclaiming it ({@link ExpirySweeper}) is not a change. Not thread-safe.
 */
final class CoreTransaction extends ResourceTracker.Tracked implements Transaction {
    private static final byte[] ABSENT = new byte[0];

    private final CoreStore store;
    private final Isolation isolation;
    private final EngineSnapshot snapshot;
    /** Whether the engine checks version preconditions, so the commit names the snapshot's version. */
    private final boolean versioned;
    /**
     * The store's clock when the transaction began: an entry expired then was absent to the transaction
     * throughout, so its reclamation meanwhile is no change; one that expired later was seen, and a delete
     * of it by another writer is one.
     */
    private final long beganMillis;
    /** Whether {@link #snapshot} was closed: at commit, once the batch holds what it showed, or at the end. */
    private boolean snapshotReleased;
    private final WriteBuffer buffer = new WriteBuffer();
    /** Stored forms read from the snapshot, by keyspace and key; serializable only. */
    private final Map<EngineKeyspace, TreeMap<byte[], byte[]>> reads = new IdentityHashMap<>();
    /** Intervals walked by cursors, as {start, end} pairs by keyspace; serializable only. */
    private final Map<EngineKeyspace, List<byte[][]>> scanned = new IdentityHashMap<>();
    /**
     * Times to live of pending puts, in milliseconds, by keyspace and key: their expiry counts from commit,
     * so it is fixed only then; until then the buffer holds them as plain values.
     */
    private final Map<EngineKeyspace, TreeMap<byte[], Long>> ttls = new IdentityHashMap<>();
    private final Set<CoreCursor> cursors = ConcurrentHashMap.newKeySet();
    /** The strongest durability a write asked for, or {@code null} for the store's default. */
    private Durability durability;
    private boolean ended;
    /** Whether {@link dev.plinth.Store#inTransaction} runs it, so only it may end it. */
    private boolean managed;
    private volatile boolean closedByStore;

    CoreTransaction(CoreStore store, Isolation isolation, EngineSnapshot snapshot) {
        super(OpenResource.Kind.TRANSACTION, () -> isolation + " transaction on " + store.uri(), store.trackOrigins());
        this.store = store;
        this.isolation = isolation;
        this.snapshot = snapshot;
        this.versioned = store.checks().capabilities().versionedPreconditions();
        this.beganMillis = store.now();
        if (versioned && snapshot.version() == EngineSnapshot.NO_VERSION) {
            snapshot.close();
            throw new IllegalStateException("the engine of " + store.uri() + " declares versioned preconditions,"
                    + " but its snapshot " + snapshot + " has no version; the engine is broken");
        }
    }

    @Override
    public Isolation isolation() {
        return isolation;
    }

    // ---- reads

    @Override
    public byte[] get(Keyspace keyspace, byte[] key) {
        CoreKeyspace ks = store.resolve(keyspace);
        store.checks().key(key);
        checkOpen();
        long now = store.now();
        byte[] pending = buffer.lookup(ks.engineKeyspace, key);
        if (pending != null) {
            return pending == WriteBuffer.TOMBSTONE ? null : ValueCodec.decodeIfLive(pending, now);
        }
        return ValueCodec.decodeIfLive(readSnapshot(ks.engineKeyspace, key), now);
    }

    /** Reads the snapshot, remembering what was seen when serializable. */
    private byte[] readSnapshot(EngineKeyspace eks, byte[] key) {
        TreeMap<byte[], byte[]> seen = reads.get(eks);
        if (seen != null) {
            byte[] v = seen.get(key);
            if (v != null) {
                return v == ABSENT ? null : v;
            }
        }
        byte[] raw = store.read(snapshot, eks, key);
        if (isolation == Isolation.SERIALIZABLE) {
            reads.computeIfAbsent(eks, k -> new TreeMap<>(Bytes.ORDER)).put(key.clone(), raw == null ? ABSENT : raw);
        }
        return raw;
    }

    @Override
    public Cursor cursor(Keyspace keyspace, Range range, ScanOptions options) {
        CoreKeyspace ks = store.resolve(keyspace);
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(options, "options");
        checkOpen();
        long now = store.now();
        byte[] start = range.start();
        byte[] end = range.end();
        EngineKeyspace eks = ks.engineKeyspace;
        store.guard().enter();
        try {
            RawCursor raw = new LiveCursor(snapshot.cursor(eks, CoreStore.engineScan(start, end, options)), now);
            WriteBuffer.Pending pending = buffer.pendingOrNull(eks);
            if (pending != null) {
                raw = new MergingCursor(raw, copy(pending), start, end, options.isReverse(), now);
            }
            CoreCursor.CoverageListener coverage = isolation == Isolation.SERIALIZABLE
                    ? (lo, hi) -> scanned.computeIfAbsent(eks, k -> new ArrayList<>()).add(new byte[][] {lo, hi})
                    : null;
            CoreCursor c = new CoreCursor(store, raw, start, end, options,
                    () -> "cursor over " + ks.name() + " " + range + " in a " + isolation + " transaction", coverage, cur -> {
                        cursors.remove(cur);
                        store.tracker().remove(cur);
                    });
            cursors.add(c);
            store.tracker().add(c);
            return c;
        } finally {
            store.guard().exit();
        }
    }

    /** The cursor sees the writes made before it opened, not later ones. */
    private static WriteBuffer.Pending copy(WriteBuffer.Pending p) {
        WriteBuffer.Pending c = new WriteBuffer.Pending();
        c.points.putAll(p.points);
        c.deletedRanges.addAll(p.deletedRanges);
        return c;
    }

    // ---- writes

    @Override
    public void put(Keyspace keyspace, byte[] key, byte[] value) {
        put(keyspace, key, value, WriteOptions.DEFAULT);
    }

    @Override
    public void put(Keyspace keyspace, byte[] key, byte[] value, WriteOptions options) {
        CoreKeyspace ks = store.resolve(keyspace);
        store.checks().key(key);
        store.checks().value(value);
        Objects.requireNonNull(options, "options");
        checkOpen();
        requestDurability(options);
        byte[] k = key.clone();
        buffer.put(ks.engineKeyspace, k, store.encode(k, value, 0));
        if (options.ttl() != null) {
            ttls.computeIfAbsent(ks.engineKeyspace, x -> new TreeMap<>(Bytes.ORDER))
                    .put(k, ValueCodec.ttlMillis(options.ttl()));
        } else {
            forgetTtl(ks.engineKeyspace, k);
        }
    }

    /** Raises the commit's durability to what the options ask, refusing a level the engine does not honour. */
    private void requestDurability(WriteOptions options) {
        Durability d = options.durability();
        if (d != null) {
            store.durability(d);
            if (durability == null || d.atLeast(durability)) {
                durability = d;
            }
        }
    }

    private void forgetTtl(EngineKeyspace eks, byte[] key) {
        TreeMap<byte[], Long> t = ttls.get(eks);
        if (t != null) {
            t.remove(key);
        }
    }

    /** Fixes the expiry of every pending put with a time to live, counting from now (the commit). */
    private void stampTtls() {
        long now = store.now();
        for (Map.Entry<EngineKeyspace, TreeMap<byte[], Long>> e : ttls.entrySet()) {
            for (Map.Entry<byte[], Long> t : e.getValue().entrySet()) {
                byte[] plain = buffer.lookup(e.getKey(), t.getKey());
                buffer.replace(e.getKey(), t.getKey(),
                        store.encode(t.getKey(), ValueCodec.decode(plain), ValueCodec.expiry(now, t.getValue())));
            }
        }
    }

    @Override
    public void delete(Keyspace keyspace, byte[] key) {
        delete(keyspace, key, WriteOptions.DEFAULT);
    }

    @Override
    public void delete(Keyspace keyspace, byte[] key, WriteOptions options) {
        CoreKeyspace ks = store.resolve(keyspace);
        store.checks().key(key);
        store.checks().noTtl(options, "transaction delete");
        checkOpen();
        requestDurability(options);
        byte[] k = key.clone();
        buffer.delete(ks.engineKeyspace, k);
        forgetTtl(ks.engineKeyspace, k);
    }

    @Override
    public void deleteRange(Keyspace keyspace, Range range) {
        deleteRange(keyspace, range, WriteOptions.DEFAULT);
    }

    @Override
    public void deleteRange(Keyspace keyspace, Range range, WriteOptions options) {
        CoreKeyspace ks = store.resolve(keyspace);
        Objects.requireNonNull(range, "range");
        store.checks().noTtl(options, "transaction deleteRange");
        checkOpen();
        requestDurability(options);
        byte[] start = range.start();
        byte[] end = range.end();
        buffer.deleteRange(ks.engineKeyspace, start, end);
        TreeMap<byte[], Long> t = ttls.get(ks.engineKeyspace);
        if (t != null) {
            if (start == null && end == null) {
                t.clear();
            } else if (start == null) {
                t.headMap(end, false).clear();
            } else if (end == null) {
                t.tailMap(start, true).clear();
            } else {
                t.subMap(start, true, end, false).clear();
            }
        }
    }

    // ---- ending

    @Override
    public void commit() {
        refuseIfManaged("commit");
        commitNow();
    }

    /**
     * Marks the transaction as run by {@link dev.plinth.Store#inTransaction}, which alone ends it: the body's
     * own {@link #commit()}, {@link #rollback()} or {@link #close()} is refused, so nothing it does commits
     * half a retry loop's work.
     */
    void managedByInTransaction() {
        managed = true;
    }

    private void refuseIfManaged(String operation) {
        if (managed && !ended && !closedByStore) {
            throw new IllegalStateException(operation + "() inside the body of inTransaction on " + store.uri()
                    + ": inTransaction commits the transaction when the body returns and rolls it back when the"
                    + " body throws; the body must not end it. Nothing was committed.");
        }
    }

    /** Commits; for {@link dev.plinth.Store#inTransaction}, which owns a managed transaction. */
    void commitNow() {
        checkOpen();
        for (CoreCursor c : new ArrayList<>(cursors)) {
            c.close(); // records what the cursor read
        }
        try {
            if (buffer.isEmpty()) {
                return; // read-only: the snapshot was a consistent state, nothing to check
            }
            store.checks().batch(buffer.operations(), buffer.bytes());
            Durability d = store.durability(durability);
            stampTtls();
            EngineBatch.Builder b = EngineBatch.builder(d);
            buffer.addTo(b);
            addPreconditions(b);
            EngineBatch batch = b.build();
            if (!versioned) {
                // The preconditions carry everything the snapshot showed, so the snapshot goes before the
                // apply: an engine that must wait for readers (LMDB growing its map) is not kept waiting by us.
                // With versions it stays open until end(): the engine may need what it keeps for it.
                releaseSnapshot();
            }
            if (!store.apply(batch)) {
                throw new ConflictException(isolation + " transaction on " + store.uri()
                        + " conflicts with a write committed after it began; nothing was applied");
            }
        } finally {
            end();
        }
    }

    private void addPreconditions(EngineBatch.Builder b) {
        Map<EngineKeyspace, TreeMap<byte[], byte[]>> keys = new IdentityHashMap<>();
        Map<EngineKeyspace, List<byte[][]>> ranges = new IdentityHashMap<>();
        for (Map.Entry<EngineKeyspace, WriteBuffer.Pending> e : buffer.all().entrySet()) {
            TreeMap<byte[], byte[]> k = keys.computeIfAbsent(e.getKey(), x -> new TreeMap<>(Bytes.ORDER));
            for (byte[] key : e.getValue().points.keySet()) {
                k.put(key, ABSENT);
            }
            ranges.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).addAll(e.getValue().deletedRanges);
        }
        if (isolation == Isolation.SERIALIZABLE) {
            for (Map.Entry<EngineKeyspace, TreeMap<byte[], byte[]>> e : reads.entrySet()) {
                TreeMap<byte[], byte[]> k = keys.computeIfAbsent(e.getKey(), x -> new TreeMap<>(Bytes.ORDER));
                for (byte[] key : e.getValue().keySet()) {
                    k.put(key, ABSENT);
                }
            }
            for (Map.Entry<EngineKeyspace, List<byte[][]>> e : scanned.entrySet()) {
                ranges.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).addAll(e.getValue());
            }
        }
        long version = snapshot.version();
        for (Map.Entry<EngineKeyspace, List<byte[][]>> e : ranges.entrySet()) {
            EngineKeyspace eks = e.getKey();
            TreeMap<byte[], byte[]> k = keys.get(eks);
            for (byte[][] r : Intervals.merge(e.getValue())) {
                if (versioned) {
                    b.requireRangeUnchangedSince(eks, r[0], r[1], version);
                } else {
                    b.require(snapshotRange(eks, r[0], r[1]));
                }
                if (k != null) {
                    WriteBuffer.subMap(k, r[0], r[1]).clear(); // covered by the range condition
                }
            }
        }
        for (Map.Entry<EngineKeyspace, TreeMap<byte[], byte[]>> e : keys.entrySet()) {
            EngineKeyspace eks = e.getKey();
            for (byte[] key : e.getValue().keySet()) {
                if (versioned) {
                    b.requireUnchangedSince(eks, key, version);
                } else {
                    byte[] seen = readSnapshot(eks, key);
                    b.require(new EngineBatch.ValueEquals(eks, key, seen,
                            seen != null && !ValueCodec.isLive(seen, beganMillis)));
                }
            }
        }
    }

    /**
     * What the snapshot shows of a range, as a value condition: the entries live when the transaction began
     * must be there as they were, those expired by then may have been reclaimed since.
     */
    private EngineBatch.RangeEquals snapshotRange(EngineKeyspace eks, byte[] start, byte[] end) {
        List<KeyValue> live = new ArrayList<>();
        List<KeyValue> expired = new ArrayList<>();
        store.guard().enter();
        try (EngineCursor c = snapshot.cursor(eks, ScanSpec.of(start, end))) {
            while (c.next()) {
                byte[] value = c.value();
                (ValueCodec.isLive(value, beganMillis) ? live : expired).add(new KeyValue(c.key(), value));
            }
        } finally {
            store.guard().exit();
        }
        return new EngineBatch.RangeEquals(eks, start, end, List.copyOf(live), List.copyOf(expired));
    }

    @Override
    public void rollback() {
        refuseIfManaged("rollback");
        rollbackNow();
    }

    /** Rolls back; for {@link dev.plinth.Store#inTransaction}, which owns a managed transaction. */
    void rollbackNow() {
        if (ended || closedByStore) {
            return;
        }
        for (CoreCursor c : new ArrayList<>(cursors)) {
            c.close();
        }
        end();
    }

    @Override
    public boolean isOpen() {
        return !ended && !closedByStore;
    }

    @Override
    public void close() {
        refuseIfManaged("close");
        rollbackNow();
    }

    private void releaseSnapshot() {
        if (!snapshotReleased) {
            snapshotReleased = true;
            store.releaseEngineSnapshot(snapshot);
        }
    }

    private void end() {
        ended = true;
        releaseSnapshot();
        if (!store.guard().isClosed()) {
            store.tracker().remove(this);
        }
    }

    private void checkOpen() {
        if (closedByStore || store.guard().isClosed()) {
            throw new StoreClosedException("store " + store.uri() + " is closed; its transactions were rolled back");
        }
        if (ended) {
            throw new IllegalStateException("transaction has already committed or rolled back");
        }
    }

    @Override
    void closeForStore() {
        closedByStore = true;
        if (!ended) {
            ended = true;
            if (!snapshotReleased) {
                snapshotReleased = true;
                snapshot.close();
            }
        }
    }
}
