package dev.plinth.etcd;

import dev.plinth.Capabilities;
import dev.plinth.ConflictException;
import dev.plinth.Durability;
import dev.plinth.ForeignFilesException;
import dev.plinth.LimitExceededException;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.PlinthException;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.KeyspaceRegistry;
import dev.plinth.spi.ScanSpec;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The {@code etcd:} engine: a store under one root prefix of an etcd cluster. Thread-safe: any method may be
 * called from many threads; jetcd's client is shared.
 *
 * <p>Mapping: keyspaces are key prefixes ({@link EtcdKeyspace}); a snapshot is a revision; a cursor pages
 * through a range at one revision; a batch is one etcd transaction whose preconditions become compares of
 * mod revisions ({@link PreconditionView}); a time to live is a shared lease per expiry bucket
 * ({@link Leases}). Writes that time out or lose their connection throw
 * {@link dev.plinth.OutcomeUnknownException} and are never retried.
 *
 * <p>Lock order: {@link #keyspaceLock}, then {@link #snapshotLock}; neither is held across another's call.
 */
final class EtcdEngine implements Engine {
    /** etcd's default {@code --max-txn-ops}: operations, and separately compares, in one transaction. */
    static final int MAX_TXN_OPS = 128;
    /** etcd's default {@code --max-request-bytes}: 1.5 MiB. */
    static final long MAX_REQUEST_BYTES = 1536L * 1024;
    /** What the store advertises of a batch's bytes, leaving room for prefixes, leases and framing. */
    static final long MAX_BATCH_BYTES = 1024L * 1024;
    /** The largest key; etcd has no key limit of its own beyond the request size. */
    static final int MAX_KEY_SIZE = 4096;
    /** How often a batch with preconditions re-reads and retries when a concurrent write beat its compare. */
    static final int MAX_ATTEMPTS = 200;
    /** The value of the store's marker key, which says the root holds a Plinth store of this layout. */
    static final String FORMAT = "plinth-etcd 1";
    /** The value of a keyspace's stamp: only its mod revision matters. */
    private static final ByteSequence EMPTY = ByteSequence.from(new byte[0]);

    private final String store;
    private final EtcdOptions options;
    private final Client client;
    private final KV kv;
    private final Remote remote;
    private final Leases leases;
    private final byte[] root;
    private final ByteSequence marker;
    private final byte[] registryPrefix;
    private final Capabilities capabilities;
    private final KeyspaceRegistry<EtcdKeyspace> registry;

    /**
     * Test hook, by root prefix: run once a batch's preconditions were checked and before its transaction is
     * sent, so a test can let another client write in between. Empty outside tests.
     */
    static final Map<String, Runnable> BETWEEN_CHECK_AND_COMMIT = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private final Object keyspaceLock = new Object();

    private final Object snapshotLock = new Object();
    /** Guarded by {@link #snapshotLock}: the revisions open snapshots and cursors read, and how many read each. */
    private final TreeMap<Long, Integer> openSnapshots = new TreeMap<>();
    /** Guarded by {@link #snapshotLock}: cursors whose revision is not known yet. */
    private int openingCursors;

    private EtcdEngine(String store, EtcdOptions options, Client client, InstantSource clock) {
        this.store = store;
        this.options = options;
        this.client = client;
        this.kv = client.getKVClient();
        this.remote = new Remote(store, options.timeoutMillis());
        this.leases = new Leases(client.getLeaseClient(), remote, clock, options.leaseBucketMillis());
        this.root = options.rootBytes();
        this.marker = ByteSequence.from(EtcdKeyspace.concat(root, "plinth".getBytes(StandardCharsets.UTF_8)));
        this.registryPrefix = EtcdKeyspace.concat(root, "ks/".getBytes(StandardCharsets.UTF_8));
        this.registry = new KeyspaceRegistry<>(store);
        this.capabilities = Capabilities.builder()
                .persistent(true)
                .distributed(true)
                .durabilities(Durability.NONE, Durability.PROCESS, Durability.SYNC)
                .defaultDurability(Durability.SYNC)
                .nativeTtl(true)
                .versionedPreconditions(true)
                .maxKeySize(MAX_KEY_SIZE)
                .maxValueSize((int) (MAX_BATCH_BYTES - MAX_KEY_SIZE))
                .maxBatchOps(MAX_TXN_OPS - 1)
                .maxBatchBytes(MAX_BATCH_BYTES)
                .build();
    }

    /**
     * Connects and opens (or creates) the store under the root prefix.
     *
     * @throws NoSuchStoreException if there is none and {@code create} is false
     * @throws ForeignFilesException if the root holds keys that are not a Plinth store
     * @throws StorageIOException if the cluster cannot be reached
     */
    static EtcdEngine open(String uri, EtcdOptions options, InstantSource clock, boolean create) {
        String store = options.describe();
        ClientBuilder b = Client.builder().endpoints(options.endpoints().toArray(String[]::new))
                .connectTimeout(Duration.ofMillis(options.timeoutMillis()));
        if (options.user() != null) {
            b.user(ByteSequence.from(options.user(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(options.password(), StandardCharsets.UTF_8));
        }
        if (options.tlsCa() != null || options.tlsCert() != null) {
            try {
                b.sslContext(ssl -> {
                    if (options.tlsCa() != null) {
                        ssl.trustManager(options.tlsCa().toFile());
                    }
                    if (options.tlsCert() != null) {
                        ssl.keyManager(options.tlsCert().toFile(), options.tlsKey().toFile());
                    }
                });
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid etcd store URI " + uri + ": the TLS files of " + store
                        + " could not be read as PEM certificates and a PKCS#8 key (" + e.getMessage() + ")", e);
            }
        }
        Client client = b.build();
        try {
            EtcdEngine e = new EtcdEngine(store, options, client, clock);
            e.init(create);
            return e;
        } catch (RuntimeException ex) {
            client.close();
            throw ex;
        }
    }

    private void init(boolean create) {
        List<KeyValue> m = remote.read(kv.get(marker), "opening the store").getKvs();
        if (m.isEmpty()) {
            long others = remote.read(kv.get(ByteSequence.from(root), GetOption.builder().isPrefix(true)
                    .withCountOnly(true).build()), "opening the store").getCount();
            if (others > 0) {
                throw new ForeignFilesException("the root prefix of " + store + " holds " + others
                        + " key(s) but no Plinth store marker; refusing to mix a store into foreign data");
            }
            if (!create) {
                throw new NoSuchStoreException("there is no store at " + store);
            }
            remote.write(kv.txn().If(new Cmp(marker, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(marker, utf8(FORMAT), PutOption.DEFAULT)).commit(), "creating the store");
        } else if (!FORMAT.equals(m.get(0).getValue().toString(StandardCharsets.UTF_8))) {
            throw new ForeignFilesException("the root prefix of " + store + " holds '"
                    + m.get(0).getValue().toString(StandardCharsets.UTF_8) + "', not a store of layout '" + FORMAT + "'");
        }
        GetResponse all = remote.read(kv.get(ByteSequence.from(registryPrefix),
                GetOption.builder().isPrefix(true).build()), "listing the keyspaces");
        for (KeyValue e : all.getKvs()) {
            String name = new String(e.getKey().getBytes(), registryPrefix.length, e.getKey().size() - registryPrefix.length,
                    StandardCharsets.UTF_8);
            registry.register(new EtcdKeyspace(name, e.getValue().toString(StandardCharsets.UTF_8), root));
        }
        createKeyspace(Store.DEFAULT_KEYSPACE);
    }

    EtcdOptions options() {
        return options;
    }

    KV kv() {
        return kv;
    }

    Remote remote() {
        return remote;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    // ---- keyspaces

    private ByteSequence registryKey(String name) {
        return ByteSequence.from(EtcdKeyspace.concat(registryPrefix, name.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public List<String> keyspaceNames() {
        return registry.names();
    }

    @Override
    public EngineKeyspace keyspace(String name) {
        EtcdKeyspace ks = registry.get(name);
        if (ks != null) {
            return ks;
        }
        // another client may have created it
        List<KeyValue> kvs = remote.read(kv.get(registryKey(name)), "looking up keyspace '" + name + "'").getKvs();
        if (kvs.isEmpty()) {
            return null;
        }
        synchronized (keyspaceLock) {
            ks = registry.get(name);
            return ks != null ? ks
                    : registry.register(new EtcdKeyspace(name, kvs.get(0).getValue().toString(StandardCharsets.UTF_8), root));
        }
    }

    @Override
    public EngineKeyspace createKeyspace(String name) {
        EtcdKeyspace ks = registry.get(name);
        if (ks != null) {
            return ks;
        }
        synchronized (keyspaceLock) {
            ks = registry.get(name);
            if (ks != null) {
                return ks;
            }
            ByteSequence key = registryKey(name);
            String id = UUID.randomUUID().toString().replace("-", "");
            TxnResponse r = remote.write(kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, utf8(id), PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT)).commit(), "creating keyspace '" + name + "'");
            if (!r.isSucceeded()) {
                id = r.getGetResponses().get(0).getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
            }
            return registry.register(new EtcdKeyspace(name, id, root));
        }
    }

    @Override
    public boolean dropKeyspace(String name) {
        registry.refuseDroppingDefault(name);
        synchronized (keyspaceLock) {
            EtcdKeyspace ks = (EtcdKeyspace) keyspace(name);
            if (ks == null) {
                return false;
            }
            ByteSequence key = registryKey(name);
            remote.write(kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(utf8(ks.id()))))
                    .Then(Op.delete(key, DeleteOption.DEFAULT),
                            Op.delete(ks.prefix(), DeleteOption.builder().withRange(ks.prefixEnd()).build()),
                            Op.delete(ks.stamp(), DeleteOption.DEFAULT))
                    .commit(), "dropping keyspace '" + name + "'");
            registry.remove(ks);
            return true;
        }
    }

    boolean isLive(EngineKeyspace keyspace) {
        return registry.isLive(keyspace);
    }

    /** The engine's handle, checked: ours and not dropped. */
    EtcdKeyspace live(EngineKeyspace keyspace) {
        if (!(keyspace instanceof EtcdKeyspace ks)) {
            throw new IllegalArgumentException("keyspace handle " + keyspace + " does not belong to " + store);
        }
        if (!registry.isLive(ks)) {
            throw new NoSuchKeyspaceException("keyspace '" + ks.name() + "' of " + store + " was dropped");
        }
        return ks;
    }

    // ---- reads

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        return new EtcdView(this, 0).get(keyspace, key);
    }

    /**
     * A cursor on the latest state: it reads the revision of its first page, which {@link #compact()} keeps
     * until the cursor is closed, as it keeps a snapshot's.
     */
    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        EtcdKeyspace ks = live(keyspace);
        synchronized (snapshotLock) {
            openingCursors++;
        }
        EtcdCursor c = null;
        try {
            c = new EtcdCursor(kv, remote, ks, scan, 0, options.pageSize(), this::currentRevision, this::snapshotClosed);
            long rev = c.revision();
            synchronized (snapshotLock) {
                openSnapshots.merge(rev, 1, Integer::sum);
            }
            return c;
        } finally {
            synchronized (snapshotLock) {
                openingCursors--;
            }
        }
    }

    /** The cluster's current revision. */
    long currentRevision() {
        return remote.read(kv.get(marker, GetOption.builder().withCountOnly(true).build()), "reading the revision")
                .getHeader().getRevision();
    }

    @Override
    public EngineSnapshot snapshot() {
        long rev = currentRevision();
        synchronized (snapshotLock) {
            openSnapshots.merge(rev, 1, Integer::sum);
        }
        return new EtcdSnapshot(this, rev);
    }

    void snapshotClosed(long revision) {
        synchronized (snapshotLock) {
            openSnapshots.computeIfPresent(revision, (r, n) -> n == 1 ? null : n - 1);
        }
    }

    // ---- writes

    /**
     * The compares that hold exactly when every precondition of the batch does, if each is an exact value
     * or an absence of one key ({@link EngineBatch.ValueEquals} without {@code orAbsent}): a value is
     * compared as it is (with its key's existence, since etcd compares a missing key's value as empty), an
     * absence as version 0. {@code null} when a precondition needs reading first (ranges, versions, "equal
     * or absent"), or there are too many.
     */
    private List<Cmp> directCompares(EngineBatch batch) {
        List<Cmp> out = new ArrayList<>();
        for (EngineBatch.Precondition p : batch.preconditions()) {
            if (!(p instanceof EngineBatch.ValueEquals v) || v.orAbsent()) {
                return null;
            }
            ByteSequence k = live(v.keyspace()).key(v.key());
            if (v.expected() == null) {
                out.add(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)));
            } else {
                out.add(new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(0)));
                out.add(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(v.expected()))));
            }
        }
        return out.size() <= MAX_TXN_OPS ? out : null;
    }

    @Override
    public boolean apply(EngineBatch batch) {
        TxnPlan plan = new TxnPlan(batch, this::live);
        for (EngineBatch.Precondition p : batch.preconditions()) {
            live(p.keyspace());
        }
        int ops = plan.opCount();
        if (ops > MAX_TXN_OPS) {
            throw new LimitExceededException(LimitExceededException.Limit.BATCH_OPS, ops, MAX_TXN_OPS, store
                    + " (one etcd transaction: the batch's deletes and puts, with deleted ranges split around keys it"
                    + " puts, plus one stamp per keyspace written)");
        }
        if (batch.mutations().isEmpty() && batch.preconditions().isEmpty()) {
            return true;
        }
        List<Op> txnOps = plan.ops(leases::leaseFor, EMPTY);
        long bytes = plan.bytes();
        if (bytes > MAX_REQUEST_BYTES - 64L * 1024) {
            throw new LimitExceededException(LimitExceededException.Limit.BATCH_BYTES, bytes,
                    MAX_REQUEST_BYTES - 64L * 1024, store + " (one etcd request)");
        }
        Op[] then = txnOps.toArray(Op[]::new);
        // described only if it fails: a write that succeeds builds no message
        java.util.function.Supplier<String> what = () -> "a batch of " + batch.mutations().size() + " write(s)"
                + firstKey(batch);
        if (batch.preconditions().isEmpty()) {
            remote.write(kv.txn().Then(then).commit(), what);
            return true;
        }
        List<Cmp> direct = directCompares(batch);
        if (direct != null) {
            // Exact values and absences are etcd compares themselves: one transaction decides, no read first.
            return remote.write(kv.txn().If(direct.toArray(Cmp[]::new)).Then(then).commit(), what).isSucceeded();
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            PreconditionView view = new PreconditionView(this, currentRevision());
            if (!batch.preconditionsHold(view, view)) {
                return false;
            }
            List<Cmp> cmps = view.compares(MAX_TXN_OPS);
            Runnable hook = BETWEEN_CHECK_AND_COMMIT.isEmpty() ? null : BETWEEN_CHECK_AND_COMMIT.get(options.root());
            if (hook != null) {
                hook.run();
            }
            TxnResponse r = remote.write(kv.txn().If(cmps.toArray(Cmp[]::new)).Then(then).commit(), what);
            if (r.isSucceeded()) {
                return true;
            }
            // a concurrent write changed something the check read after it read it: check again
            Thread.onSpinWait();
        }
        throw new ConflictException(what.get() + " on " + store + " lost the race for what its preconditions read "
                + MAX_ATTEMPTS + " times in a row; nothing was applied");
    }

    private static String firstKey(EngineBatch batch) {
        if (batch.mutations().isEmpty()) {
            return "";
        }
        EngineBatch.Mutation m = batch.mutations().get(0);
        return " (first key " + (m.key() == null ? "(start)" : dev.plinth.Range.of(m.key(), null).toString())
                + " in keyspace '" + m.keyspace().name() + "')";
    }

    @Override
    public void flush() {
        // every acknowledged write is already on a quorum's disks
    }

    /**
     * Reclaims entries whose time to live ran out by the store's clock (revoking their buckets' leases), then
     * compacts the cluster's history up to the oldest snapshot or cursor this engine holds open, or the
     * current revision (nothing, while a cursor is being opened). History is shared by every client of the cluster: snapshots other clients hold below that
     * revision fail from then on with {@link CompactedRevisionException}.
     */
    @Override
    public void compact() {
        leases.revokeExpired();
        long rev;
        synchronized (snapshotLock) {
            if (openingCursors > 0) {
                return; // a cursor is fixing its revision, which may be older than any now known: leave history alone
            }
            rev = openSnapshots.isEmpty() ? 0 : openSnapshots.firstKey();
        }
        if (rev == 0) {
            rev = currentRevision();
        }
        try {
            remote.read(kv.compact(rev), "compacting history up to revision " + rev);
        } catch (CompactedRevisionException e) {
            // already compacted that far
        }
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> s = new HashMap<>();
        s.put("etcd.revision", currentRevision());
        s.put("etcd.leases", (long) leases.size());
        synchronized (snapshotLock) {
            s.put("etcd.openSnapshots", (long) openSnapshots.values().stream().mapToInt(Integer::intValue).sum());
        }
        for (String endpoint : options.endpoints()) {
            try {
                StatusResponse st = remote.read(client.getMaintenanceClient().statusMember(endpoint),
                        "reading the status of " + endpoint);
                s.put("etcd.leader", st.getLeader());
                s.put("etcd.dbSize", st.getDbSize());
                s.put("etcd.raftTerm", st.getRaftTerm());
                break;
            } catch (PlinthException e) {
                // try the next endpoint
            }
        }
        try {
            s.put("etcd.members", (long) remote.read(client.getClusterClient().listMember(), "listing members")
                    .getMembers().size());
        } catch (PlinthException e) {
            // members unknown while the cluster is unreachable
        }
        return s;
    }

    /** Closes the client. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close();
        }
    }

    private static ByteSequence utf8(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return store;
    }
}
