package dev.plinth.internal;

import dev.plinth.ConflictException;
import dev.plinth.Durability;
import dev.plinth.Range;
import dev.plinth.WriteBatch;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import java.time.Duration;
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
 *
 * <p>A batch whose checks all come before its writes is first tried <em>blind</em>, without reading: each
 * check becomes a precondition on the exact stored form the expected value has when written without a time
 * to live (or on absence), and the engine applies the batch only if every key holds exactly that. When it
 * does, the checks held (an entry stored in that form is live and equal to the expected value). When it
 * does not, nothing was applied and the batch is evaluated as above, which decides the cases the blind try
 * cannot: an entry with a time to live, an expired one, a value stored in another form, or a check that
 * really fails. On a remote engine this saves the read's round trip for a compare-and-set that succeeds.
 */
final class BatchWriter {
    /** Evaluations before a batch that keeps losing races gives up with a conflict. */
    static final int MAX_EVALUATIONS = 1000;

    private static final byte[] ABSENT = new byte[0];

    private final CoreStore store;

    BatchWriter(CoreStore store) {
        this.store = store;
    }

    /**
     * A resolved, checked operation, built once per call from the batch's operation. Its arrays are copies
     * made for this call, so the engine may keep them: neither the batch nor its caller can change them.
     *
     * @param key the key, or a range delete's start (possibly {@code null})
     * @param end a range delete's end (possibly {@code null}), else {@code null}
     */
    private record Op(WriteBatch.Kind kind, CoreKeyspace ks, byte[] key, byte[] end, byte[] value, Duration ttl) {
        static Op of(WriteBatch.Operation o, CoreKeyspace ks) {
            if (o.kind() == WriteBatch.Kind.DELETE_RANGE) {
                Range r = o.range();
                return new Op(o.kind(), ks, r.start(), r.end(), null, null);
            }
            return new Op(o.kind(), ks, o.key(), null, o.value(), o.options().ttl());
        }
    }

    boolean write(WriteBatch batch) {
        java.util.Objects.requireNonNull(batch, "batch");
        List<Op> ops = new ArrayList<>(batch.size());
        boolean hasChecks = false;
        long bytes = 0;
        Checks checks = store.checks();
        for (WriteBatch.Operation operation : batch.operations()) {
            Op o = Op.of(operation, store.resolve(operation.keyspace()));
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
            ops.add(o);
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
        if (checksComeFirst(ops) && appliedBlind(ops, durability)) {
            return true;
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
     * Whether every check precedes every write (so no check depends on the batch's own writes), no key is
     * checked twice, and there is a write.
     */
    private static boolean checksComeFirst(List<Op> ops) {
        boolean writeSeen = false;
        for (int i = 0; i < ops.size(); i++) {
            Op o = ops.get(i);
            boolean check = o.kind() == WriteBatch.Kind.REQUIRE_EQUALS || o.kind() == WriteBatch.Kind.REQUIRE_ABSENT;
            if (check) {
                if (writeSeen) {
                    return false;
                }
                for (int j = 0; j < i; j++) {
                    if (ops.get(j).ks() == o.ks() && java.util.Arrays.equals(ops.get(j).key(), o.key())) {
                        return false;
                    }
                }
            }
            writeSeen |= !check;
        }
        return writeSeen;
    }

    /**
     * The blind try (see the class comment): the checks as preconditions on stored forms, no read.
     *
     * @return {@code true} if the engine applied the batch; {@code false} if a precondition did not hold
     *     and nothing was applied
     */
    private boolean appliedBlind(List<Op> ops, Durability durability) {
        long now = store.now();
        EngineBatch.Builder b = EngineBatch.builder(durability);
        for (Op o : ops) {
            EngineKeyspace eks = o.ks().engineKeyspace;
            switch (o.kind()) {
                case REQUIRE_EQUALS -> b.requireValue(eks, o.key(), store.encode(o.key(), o.value(), 0));
                case REQUIRE_ABSENT -> b.requireValue(eks, o.key(), null);
                default -> addWrite(b, null, o, now);
            }
        }
        return store.apply(b.build());
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
            for (Op o : ops) {
                EngineKeyspace eks = o.ks().engineKeyspace;
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
                    default -> addWrite(b, overlay, o, now);
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

    private void addWrite(EngineBatch.Builder b, WriteBuffer overlay, Op o, long now) {
        EngineKeyspace eks = o.ks().engineKeyspace;
        switch (o.kind()) {
            case PUT -> {
                long expiry = o.ttl() == null ? 0 : ValueCodec.expiry(now, ValueCodec.ttlMillis(o.ttl()));
                byte[] raw = store.encode(o.key(), o.value(), expiry);
                b.put(eks, o.key(), raw, expiry);
                if (overlay != null) {
                    overlay.put(eks, o.key(), raw);
                }
            }
            case DELETE -> {
                b.delete(eks, o.key());
                if (overlay != null) {
                    overlay.delete(eks, o.key());
                }
            }
            case DELETE_RANGE -> {
                b.deleteRange(eks, o.key(), o.end());
                if (overlay != null) {
                    overlay.deleteRange(eks, o.key(), o.end());
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
            WriteBatch.Kind k = op.kind();
            if (k != WriteBatch.Kind.REQUIRE_EQUALS && k != WriteBatch.Kind.REQUIRE_ABSENT) {
                continue;
            }
            if (first == null) {
                first = op.key();
                firstKs = op.ks().engineKeyspace;
            } else if (firstKs != op.ks().engineKeyspace || Bytes.compare(first, op.key()) != 0) {
                return true;
            }
        }
        return false;
    }
}
