package dev.plinth.internal;

import dev.plinth.Capabilities;
import dev.plinth.ConflictException;
import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.OpenResource;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.StoreStats;
import dev.plinth.Transaction;
import dev.plinth.TransactionFunction;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.CallGuard;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The store every engine gets: argument checking, time to live, cursor and snapshot tracking, batches
 * with checks, compare-and-set and transactions, over the engine SPI. Thread-safe.
 *
 * <p>Locks: {@link #keyspaceLock} guards creation and drop of keyspaces and the {@link #keyspaces} cache's
 * consistency with the engine; nothing else here takes a lock. Every engine call is bracketed by
 * {@link #guard}.
 */
public final class CoreStore implements Store {
    private final String uri;
    private final String scheme;
    private final Engine engine;
    private final Checks checks;
    private final Capabilities capabilities;
    private final Durability defaultDurability;
    private final InstantSource clock;
    private final boolean trackOrigins;
    private final CallGuard guard;
    private final ResourceTracker tracker = new ResourceTracker();
    private final BatchWriter batchWriter = new BatchWriter(this);

    /** Whether the store was opened with {@code readOnly}: every write is refused before the engine. */
    private final boolean readOnly;

    private final Object keyspaceLock = new Object();
    /** Handles by name; guarded by {@link #keyspaceLock} for changes, read without it. */
    private final Map<String, CoreKeyspace> keyspaces = new ConcurrentHashMap<>();

    CoreStore(String uri, String scheme, Engine engine, Capabilities capabilities, Durability defaultDurability,
              InstantSource clock, boolean trackOrigins, boolean readOnly) {
        this.readOnly = readOnly;
        this.uri = uri;
        this.scheme = scheme;
        this.engine = engine;
        this.capabilities = capabilities;
        this.checks = new Checks("store " + uri, capabilities);
        this.defaultDurability = defaultDurability;
        this.clock = clock;
        this.trackOrigins = trackOrigins;
        this.guard = new CallGuard(uri);
    }

    // ---- plumbing shared with cursors, snapshots, batches and transactions

    CallGuard guard() {
        return guard;
    }

    ResourceTracker tracker() {
        return tracker;
    }

    Checks checks() {
        return checks;
    }

    Engine engine() {
        return engine;
    }

    boolean trackOrigins() {
        return trackOrigins;
    }

    long now() {
        return clock.millis();
    }

    /**
     * What the core asks of an engine cursor for a user's cursor: the range and direction, and whole values
     * unless the user reads none. Even then the core reads the first bytes of each value, where the value
     * encoding keeps the expiry instant, so expired entries stay hidden; the engine may copy no more than
     * those ({@link ScanSpec#valueBytes()}).
     */
    static ScanSpec engineScan(byte[] start, byte[] end, ScanOptions options) {
        return new ScanSpec(start, end, options.isReverse(),
                options.isKeysOnly() ? ValueCodec.EXPIRY_PREFIX : ScanSpec.FULL_VALUES,
                (int) Math.min(options.limit(), ScanSpec.NO_LIMIT));
    }

    Durability durability(Durability requested) {
        return checks.durability(requested, defaultDurability);
    }

    /** The core keyspace behind a handle, checked to belong to this store and not to be dropped. */
    CoreKeyspace resolve(Keyspace keyspace) {
        Objects.requireNonNull(keyspace, "keyspace");
        if (!(keyspace instanceof CoreKeyspace ks) || ks.owner() != this) {
            throw new IllegalArgumentException(keyspace + " does not belong to store " + uri);
        }
        if (ks.dropped) {
            throw new NoSuchKeyspaceException("keyspace " + ks.name() + " of " + uri + " was dropped");
        }
        return ks;
    }

    /** Refuses a write to a store opened read-only, before anything reaches the engine. */
    void requireWritable(String op) {
        if (readOnly) {
            throw new UnsupportedCapabilityException("Store " + uri + " was opened read-only (readOnly=true), so "
                    + op + " is refused and nothing was written; open it without readOnly to write.");
        }
    }

    /** What a batch refused for a read-only store would have written first, for the message. */
    private static String describeWrite(EngineBatch batch) {
        if (batch.mutations().isEmpty()) {
            return "a write";
        }
        EngineBatch.Mutation first = batch.mutations().get(0);
        String more = batch.mutations().size() > 1 ? " (and " + (batch.mutations().size() - 1) + " more)" : "";
        return "writing key " + Bytes.hex(first.key()) + " in keyspace '" + first.keyspace().name() + "'" + more;
    }

    boolean apply(EngineBatch batch) {
        if (readOnly) {
            requireWritable(describeWrite(batch));
        }
        guard.enter();
        try {
            return engine.apply(batch);
        } finally {
            guard.exit();
        }
    }

    byte[] read(EngineReader view, EngineKeyspace ks, byte[] key) {
        guard.enter();
        try {
            return view.get(ks, key);
        } finally {
            guard.exit();
        }
    }

    EngineSnapshot engineSnapshot() {
        guard.enter();
        try {
            return engine.snapshot();
        } finally {
            guard.exit();
        }
    }

    void releaseEngineSnapshot(EngineSnapshot s) {
        try {
            guard.enter();
        } catch (dev.plinth.StoreClosedException e) {
            return; // not tracked: the engine reclaims it at close
        }
        try {
            s.close();
        } finally {
            guard.exit();
        }
    }

    // ---- Store

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public Keyspace defaultKeyspace() {
        return keyspace(DEFAULT_KEYSPACE);
    }

    @Override
    public Keyspace keyspace(String name) {
        return handle(name, false);
    }

    @Override
    public Keyspace createKeyspace(String name) {
        return handle(name, true);
    }

    /** The cached handle of a keyspace, asking the engine (and creating it if told to) on a miss. */
    private CoreKeyspace handle(String name, boolean create) {
        Checks.keyspaceName(name);
        guard.checkOpen();
        CoreKeyspace ks = keyspaces.get(name);
        if (ks != null) {
            return ks;
        }
        synchronized (keyspaceLock) {
            ks = keyspaces.get(name);
            if (ks != null) {
                return ks;
            }
            guard.enter();
            try {
                EngineKeyspace eks = engine.keyspace(name);
                if (eks == null && create) {
                    requireWritable("creating keyspace '" + name + "'");
                    requireRoomForKeyspaceLocked(name);
                    eks = engine.createKeyspace(name);
                }
                if (eks == null) {
                    throw new NoSuchKeyspaceException("no keyspace named '" + name + "' in " + uri
                            + "; it has " + keyspacesLocked());
                }
                ks = new CoreKeyspace(this, name, eks);
                keyspaces.put(name, ks);
                return ks;
            } finally {
                guard.exit();
            }
        }
    }

    /** Refuses a new keyspace past {@link Capabilities#maxKeyspaces()}, before the engine is asked for it. */
    private void requireRoomForKeyspaceLocked(String name) {
        int max = capabilities.maxKeyspaces();
        if (max == Capabilities.UNLIMITED) {
            return;
        }
        int n = engine.keyspaceNames().size();
        if (n >= max) {
            throw new LimitExceededException(LimitExceededException.Limit.KEYSPACES, n + 1L, max, "createKeyspace '"
                    + name + "' on " + uri + ": the store holds " + n + " keyspaces, the default one included, and"
                    + " the engine allows " + max + " (Capabilities.maxKeyspaces); drop one first");
        }
    }

    /**
     * Opens a snapshot, transaction or cursor that reads a view of its own, inside the guard, and tracks it:
     * one of the {@link Capabilities#maxOpenSnapshots()} views is reserved first, so one past the limit is
     * refused before the engine opens anything, and the reservation goes with what was opened (given back
     * when the tracker forgets it) or is given back at once if opening failed.
     */
    private <T extends ResourceTracker.Tracked> T openView(String operation, Supplier<T> opener) {
        guard.enter();
        try {
            int max = capabilities.maxOpenSnapshots();
            if (tracker.tryReserveView(max) < 0) {
                throw new LimitExceededException(LimitExceededException.Limit.OPEN_SNAPSHOTS, max + 1L, max, operation
                        + " on " + uri + ": " + max + " snapshots, transactions and cursors opened on the store are"
                        + " open already, as many as the engine allows (Capabilities.maxOpenSnapshots); close one first");
            }
            T opened;
            try {
                opened = opener.get();
            } catch (RuntimeException | Error e) {
                tracker.releaseView();
                throw e;
            }
            opened.holdView();
            tracker.add(opened);
            return opened;
        } finally {
            guard.exit();
        }
    }

    @Override
    public List<String> keyspaces() {
        guard.checkOpen();
        synchronized (keyspaceLock) {
            return keyspacesLocked();
        }
    }

    private List<String> keyspacesLocked() {
        guard.enter();
        try {
            return new ArrayList<>(new TreeSet<>(engine.keyspaceNames()));
        } finally {
            guard.exit();
        }
    }

    @Override
    public boolean dropKeyspace(String name) {
        Checks.keyspaceName(name);
        if (name.equals(DEFAULT_KEYSPACE)) {
            throw new IllegalArgumentException("the default keyspace cannot be dropped");
        }
        guard.checkOpen();
        requireWritable("dropping keyspace '" + name + "'");
        synchronized (keyspaceLock) {
            guard.enter();
            try {
                // The engine first: a drop it refuses (a full LMDB map, an I/O error) changes nothing, so the
                // cached handle stays valid. Until it returns, calls through the handle reach the engine,
                // which answers for a keyspace being dropped itself.
                boolean existed = engine.dropKeyspace(name);
                CoreKeyspace ks = keyspaces.remove(name);
                if (ks != null) {
                    ks.dropped = true;
                }
                return existed;
            } finally {
                guard.exit();
            }
        }
    }

    @Override
    public byte[] get(Keyspace keyspace, byte[] key) {
        CoreKeyspace ks = resolve(keyspace);
        checks.key(key);
        byte[] raw = read(engine, ks.engineKeyspace, key);
        return raw != null && isLive(raw) ? ValueCodec.decode(raw) : null;
    }

    @Override
    public boolean contains(Keyspace keyspace, byte[] key) {
        CoreKeyspace ks = resolve(keyspace);
        checks.key(key);
        byte[] raw = read(engine, ks.engineKeyspace, key);
        return raw != null && isLive(raw);
    }

    /**
     * Whether a stored value read just now is visible; the clock is read only for a value that can expire,
     * so a point read of an entry without a time to live costs no clock call.
     */
    private boolean isLive(byte[] raw) {
        long expiresAt = ValueCodec.expiresAt(raw);
        return expiresAt == 0 || now() < expiresAt;
    }

    @Override
    public Cursor cursor(Keyspace keyspace, Range range, ScanOptions options) {
        CoreKeyspace ks = resolve(keyspace);
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(options, "options");
        long now = now();
        byte[] start = range.start();
        byte[] end = range.end();
        return openView("cursor", () -> {
            EngineCursor ec = engine.cursor(ks.engineKeyspace, engineScan(start, end, options));
            return new CoreCursor(this, new LiveCursor(ec, now), start, end, options,
                    () -> "cursor over " + ks.name() + " " + range, null, tracker::remove, true);
        });
    }

    void put(CoreKeyspace keyspace, byte[] key, byte[] value, WriteOptions options) {
        CoreKeyspace ks = resolve(keyspace);
        checks.key(key);
        checks.value(value);
        Objects.requireNonNull(options, "options");
        Durability d = durability(options.durability());
        long expiry = options.ttl() == null ? 0 : ValueCodec.expiry(now(), ValueCodec.ttlMillis(options.ttl()));
        apply(EngineBatch.builder(d).put(ks.engineKeyspace, key.clone(), encode(key, value, expiry), expiry).build());
    }

    /**
     * The stored form of a value, with a checksum over its key when the store keeps them
     * ({@link Capabilities#checksumValues()}).
     */
    byte[] encode(byte[] key, byte[] value, long expiresAtMillis) {
        return ValueCodec.encode(capabilities.checksumValues() ? key : null, value, expiresAtMillis);
    }

    void delete(CoreKeyspace keyspace, byte[] key, WriteOptions options) {
        CoreKeyspace ks = resolve(keyspace);
        checks.key(key);
        checks.noTtl(options, "delete");
        Durability d = durability(options.durability());
        apply(EngineBatch.builder(d).delete(ks.engineKeyspace, key.clone()).build());
    }

    void deleteRange(CoreKeyspace keyspace, Range range, WriteOptions options) {
        CoreKeyspace ks = resolve(keyspace);
        Objects.requireNonNull(range, "range");
        checks.noTtl(options, "deleteRange");
        Durability d = durability(options.durability());
        apply(EngineBatch.builder(d).deleteRange(ks.engineKeyspace, range.start(), range.end()).build());
    }

    boolean compareAndSet(CoreKeyspace keyspace, byte[] key, byte[] expected, byte[] newValue, WriteOptions options) {
        resolve(keyspace);
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(options, "options");
        WriteBatch b = new WriteBatch();
        if (expected == null) {
            b.requireAbsent(keyspace, key);
        } else {
            b.requireEquals(keyspace, key, expected);
        }
        if (newValue == null) {
            checks.noTtl(options, "compareAndSet to absent");
            b.delete(keyspace, key, options);
        } else {
            b.put(keyspace, key, newValue, options);
        }
        return batchWriter.write(b);
    }

    @Override
    public boolean write(WriteBatch batch) {
        return batchWriter.write(batch);
    }

    @Override
    public Snapshot snapshot() {
        return openView("snapshot", () -> new CoreSnapshot(this, engine.snapshot()));
    }

    @Override
    public Transaction begin(Isolation isolation) {
        Objects.requireNonNull(isolation, "isolation");
        return openView("begin", () -> new CoreTransaction(this, isolation, engine.snapshot()));
    }

    @Override
    public <T> T inTransaction(Isolation isolation, TransactionFunction<T> body) {
        return inTransaction(isolation, DEFAULT_TRANSACTION_ATTEMPTS, body);
    }

    @Override
    public <T> T inTransaction(Isolation isolation, int maxAttempts, TransactionFunction<T> body) {
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(body, "body");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        ConflictException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            CoreTransaction tx = (CoreTransaction) begin(isolation);
            tx.managedByInTransaction();
            try {
                T result = body.apply(tx);
                tx.commitNow();
                return result;
            } catch (ConflictException e) {
                last = e;
            } finally {
                tx.rollbackNow(); // a no-op after the commit
            }
            if (attempt < maxAttempts) {
                backoff(attempt);
            }
        }
        throw new ConflictException("transaction on " + uri + " conflicted in all " + maxAttempts + " attempts", last);
    }

    /** Full-jitter exponential backoff: a random pause up to 0.1 ms doubling per attempt, at most 50 ms. */
    private static void backoff(int attempt) {
        long capMicros = Math.min(50_000L, 100L << Math.min(attempt, 20));
        long micros = ThreadLocalRandom.current().nextLong(capMicros + 1);
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConflictException("interrupted while backing off between transaction attempts", e);
        }
    }

    @Override
    public Capabilities capabilities() {
        guard.checkOpen();
        return capabilities;
    }

    @Override
    public StoreStats stats() {
        guard.enter();
        try {
            return new StoreStats(scheme, tracker.count(OpenResource.Kind.CURSOR),
                    tracker.count(OpenResource.Kind.SNAPSHOT), tracker.count(OpenResource.Kind.TRANSACTION),
                    engine.stats());
        } finally {
            guard.exit();
        }
    }

    @Override
    public List<OpenResource> openResources() {
        return tracker.list();
    }

    @Override
    public void flush() {
        if (readOnly) {
            guard.checkOpen();
            return; // nothing was written through this store, so nothing to make durable
        }
        guard.enter();
        try {
            engine.flush();
        } finally {
            guard.exit();
        }
    }

    @Override
    public List<String> verify() {
        guard.checkOpen();
        List<String> names = new ArrayList<>(keyspaces());
        Collections.sort(names);
        return new IntegrityScan(this).run(names);
    }

    @Override
    public void compact() {
        guard.checkOpen();
        requireWritable("compaction");
        if (!capabilities.nativeTtl()) {
            new ExpirySweeper(this).sweep(keyspaceHandles()); // an engine with native expiry reclaims itself
        }
        guard.enter();
        try {
            engine.compact();
        } finally {
            guard.exit();
        }
    }

    private List<CoreKeyspace> keyspaceHandles() {
        List<CoreKeyspace> out = new ArrayList<>();
        for (String name : keyspaces()) {
            try {
                out.add((CoreKeyspace) keyspace(name));
            } catch (NoSuchKeyspaceException e) {
                // dropped meanwhile
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (!guard.closeAndDrain()) {
            return;
        }
        try {
            tracker.closeAll();
        } finally {
            engine.close();
        }
    }

    @Override
    public boolean isClosed() {
        return guard.isClosed();
    }

    @Override
    public String toString() {
        return "Store[" + uri + (isClosed() ? ", closed" : "") + "]";
    }
}
