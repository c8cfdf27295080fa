package dev.plinth.internal;

import dev.plinth.ConflictException;
import dev.plinth.Durability;
import dev.plinth.WriteBatch;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a user {@link WriteBatch}: checks it, encodes values, and for a batch with checks evaluates
 * them in order against the state before the batch overlaid with the batch's earlier writes, then asks
 * the engine to apply the writes on condition that every key a check looked at still holds exactly what
 * it held. If another writer changed one of those keys in between, it evaluates again. Compare-and-set
 * is a batch of one check and one write. Stateless apart from its store; thread-safe.
 */
final class BatchWriter {
    /** Evaluations before a batch that keeps losing races gives up with a conflict. */
    static final int MAX_EVALUATIONS = 1000;

    private static final byte[] ABSENT = new byte[0];

    private final CoreStore store;

    BatchWriter(CoreStore store) {
        this.store = store;
    }

    /** Resolved, checked operations; built once per call. */
    private record Op(WriteBatch.Operation op, CoreKeyspace ks) {
    }

    boolean write(WriteBatch batch) {
        java.util.Objects.requireNonNull(batch, "batch");
        List<Op> ops = new ArrayList<>(batch.size());
        boolean hasChecks = false;
        long bytes = 0;
        Checks checks = store.checks();
        for (WriteBatch.Operation o : batch.operations()) {
            CoreKeyspace ks = store.resolve(o.keyspace());
            switch (o.kind()) {
                case PUT, REQUIRE_EQUALS -> {
                    checks.key(o.key());
                    checks.value(o.value());
                    bytes += o.key().length + o.value().length;
                }
                case DELETE, REQUIRE_ABSENT -> {
                    checks.key(o.key());
                    bytes += o.key().length;
                }
                case DELETE_RANGE -> bytes += (o.key() == null ? 0 : o.key().length) + (o.end() == null ? 0 : o.end().length);
                default -> throw new AssertionError(o.kind());
            }
            hasChecks |= o.kind() == WriteBatch.Kind.REQUIRE_EQUALS || o.kind() == WriteBatch.Kind.REQUIRE_ABSENT;
            ops.add(new Op(o, ks));
        }
        checks.batch(ops.size(), bytes);
        Durability durability = store.durability(batch.durability());
        store.guard().checkOpen();
        if (ops.isEmpty()) {
            return true;
        }
        if (!hasChecks) {
            EngineBatch.Builder b = EngineBatch.builder(durability);
            long now = store.now();
            for (Op op : ops) {
                addWrite(b, null, op, now);
            }
            return store.apply(b.build());
        }
        for (int attempt = 0; attempt < MAX_EVALUATIONS; attempt++) {
            Boolean result = evaluateAndApply(ops, durability);
            if (result != null) {
                return result;
            }
        }
        throw new ConflictException("conditional batch on " + store.uri() + " lost the race to other writers "
                + MAX_EVALUATIONS + " times in a row");
    }

    /**
     * One evaluation.
     *
     * @return whether the batch applied, or {@code null} if a key it checked changed meanwhile
     */
    private Boolean evaluateAndApply(List<Op> ops, Durability durability) {
        long now = store.now();
        EngineSnapshot snapshot = needsSnapshot(ops) ? store.engineSnapshot() : null;
        EngineBatch batch;
        try {
            EngineReader view = snapshot != null ? snapshot : store.engine();
            WriteBuffer overlay = new WriteBuffer();
            Map<EngineKeyspace, TreeMap<byte[], byte[]>> consulted = new IdentityHashMap<>();
            EngineBatch.Builder b = EngineBatch.builder(durability);
            for (Op op : ops) {
                WriteBatch.Operation o = op.op();
                EngineKeyspace eks = op.ks().engineKeyspace;
                switch (o.kind()) {
                    case REQUIRE_EQUALS, REQUIRE_ABSENT -> {
                        byte[] current = overlay.lookup(eks, o.key());
                        if (current == null) {
                            current = consult(view, consulted, eks, o.key());
                        }
                        boolean present = current != WriteBuffer.TOMBSTONE && current != ABSENT;
                        boolean holds = o.kind() == WriteBatch.Kind.REQUIRE_ABSENT
                                ? !present || !ValueCodec.isLive(current, now)
                                : present && ValueCodec.liveEquals(current, o.value(), now);
                        if (!holds) {
                            return false;
                        }
                    }
                    default -> addWrite(b, overlay, op, now);
                }
            }
            for (Map.Entry<EngineKeyspace, TreeMap<byte[], byte[]>> e : consulted.entrySet()) {
                for (Map.Entry<byte[], byte[]> k : e.getValue().entrySet()) {
                    b.requireValue(e.getKey(), k.getKey(), k.getValue() == ABSENT ? null : k.getValue());
                }
            }
            if (b.hasNoMutations()) {
                return true; // only checks, and they all held: nothing to apply
            }
            batch = b.build();
        } finally {
            // The batch's preconditions carry what the snapshot showed, so it goes before the apply: an
            // engine that must wait for readers (LMDB growing its map) is not kept waiting by us.
            if (snapshot != null) {
                store.releaseEngineSnapshot(snapshot);
            }
        }
        return store.apply(batch) ? Boolean.TRUE : null;
    }

    private static void addWrite(EngineBatch.Builder b, WriteBuffer overlay, Op op, long now) {
        WriteBatch.Operation o = op.op();
        EngineKeyspace eks = op.ks().engineKeyspace;
        switch (o.kind()) {
            case PUT -> {
                long expiry = o.ttl() == null ? 0 : ValueCodec.expiry(now, ValueCodec.ttlMillis(o.ttl()));
                byte[] raw = ValueCodec.encode(o.value(), expiry);
                byte[] key = o.key().clone(); // the engine may keep it; the batch's caller could change its own
                b.put(eks, key, raw);
                if (overlay != null) {
                    overlay.put(eks, key, raw);
                }
            }
            case DELETE -> {
                byte[] key = o.key().clone();
                b.delete(eks, key);
                if (overlay != null) {
                    overlay.delete(eks, key);
                }
            }
            case DELETE_RANGE -> {
                byte[] start = o.key() == null ? null : o.key().clone();
                byte[] end = o.end() == null ? null : o.end().clone();
                b.deleteRange(eks, start, end);
                if (overlay != null) {
                    overlay.deleteRange(eks, start, end);
                }
            }
            default -> throw new AssertionError(o.kind());
        }
    }

    /** Reads a key's state before the batch once, remembering it as a precondition. */
    private byte[] consult(EngineReader view, Map<EngineKeyspace, TreeMap<byte[], byte[]>> consulted,
                           EngineKeyspace eks, byte[] key) {
        TreeMap<byte[], byte[]> m = consulted.computeIfAbsent(eks, k -> new TreeMap<>(Bytes.ORDER));
        byte[] v = m.get(key);
        if (v == null) {
            v = store.read(view, eks, key);
            if (v == null) {
                v = ABSENT;
            }
            m.put(key.clone(), v);
        }
        return v;
    }

    /** Checks of more than one key must read one consistent state. */
    private static boolean needsSnapshot(List<Op> ops) {
        byte[] first = null;
        EngineKeyspace firstKs = null;
        for (Op op : ops) {
            WriteBatch.Kind k = op.op().kind();
            if (k != WriteBatch.Kind.REQUIRE_EQUALS && k != WriteBatch.Kind.REQUIRE_ABSENT) {
                continue;
            }
            if (first == null) {
                first = op.op().key();
                firstKs = op.ks().engineKeyspace;
            } else if (firstKs != op.ks().engineKeyspace || Bytes.compare(first, op.op().key()) != 0) {
                return true;
            }
        }
        return false;
    }
}
