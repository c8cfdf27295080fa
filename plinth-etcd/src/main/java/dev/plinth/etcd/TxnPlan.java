package dev.plinth.etcd;

import dev.plinth.spi.EngineBatch;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/**
 * A batch's mutations as the operations of one etcd transaction. etcd refuses a transaction that writes a
 * key twice or puts a key inside a range it deletes, while a batch may do both (a later operation sees the
 * earlier ones). So the plan keeps, per keyspace, the final put of each key and the union of the deleted
 * ranges with the put keys carved out of it: the same end state in operations that do not overlap. Each
 * written keyspace also gets a put of its stamp key. Not thread-safe; built and used by one apply.
 */
final class TxnPlan {
    private record Put(byte[] value, long expiresAtMillis) {
    }

    /** A half-open range of user keys; a {@code null} bound is unbounded. */
    private record Span(byte[] start, byte[] end) {
    }

    private static final class PerKeyspace {
        final TreeMap<byte[], Put> puts = new TreeMap<>(Arrays::compareUnsigned);
        final List<Span> deletes = new ArrayList<>();
    }

    private final Map<EtcdKeyspace, PerKeyspace> byKeyspace = new LinkedHashMap<>();
    private long bytes;

    TxnPlan(EngineBatch batch, java.util.function.Function<dev.plinth.spi.EngineKeyspace, EtcdKeyspace> resolve) {
        for (EngineBatch.Mutation m : batch.mutations()) {
            PerKeyspace p = byKeyspace.computeIfAbsent(resolve.apply(m.keyspace()), k -> new PerKeyspace());
            switch (m.kind()) {
                case PUT -> p.puts.put(m.key(), new Put(m.value(), m.expiresAtMillis()));
                case DELETE -> {
                    p.puts.remove(m.key());
                    p.deletes.add(new Span(m.key(), successor(m.key())));
                }
                case DELETE_RANGE -> {
                    sub(p.puts, m.key(), m.end()).clear();
                    p.deletes.add(new Span(m.key(), m.end()));
                }
                default -> throw new IllegalStateException("unknown mutation kind " + m.kind());
            }
        }
    }

    /** The keyspaces the batch writes. */
    List<EtcdKeyspace> keyspaces() {
        return new ArrayList<>(byKeyspace.keySet());
    }

    /**
     * The transaction's operations: deletes, puts, then one stamp put per written keyspace.
     *
     * @param leaseFor the lease of an expiry instant
     * @param stampValue the value stamps get
     */
    List<Op> ops(LongUnaryOperator leaseFor, ByteSequence stampValue) {
        List<Op> ops = new ArrayList<>();
        bytes = 0;
        for (Map.Entry<EtcdKeyspace, PerKeyspace> e : byKeyspace.entrySet()) {
            EtcdKeyspace ks = e.getKey();
            PerKeyspace p = e.getValue();
            for (Span s : carve(merge(p.deletes), p.puts)) {
                ByteSequence from = ks.lower(s.start);
                if (s.end != null && Arrays.equals(s.end, successor(s.start == null ? new byte[0] : s.start))
                        && s.start != null) {
                    ops.add(Op.delete(from, DeleteOption.DEFAULT));
                } else {
                    ops.add(Op.delete(from, DeleteOption.builder().withRange(ks.upper(s.end)).build()));
                }
                bytes += from.size() + (s.end == null ? 0 : s.end.length);
            }
            for (Map.Entry<byte[], Put> put : p.puts.entrySet()) {
                ByteSequence k = ks.key(put.getKey());
                long expiry = put.getValue().expiresAtMillis();
                long lease = expiry == EngineBatch.NEVER ? 0 : leaseFor.applyAsLong(expiry);
                PutOption opt = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
                ops.add(Op.put(k, ByteSequence.from(put.getValue().value()), opt));
                bytes += k.size() + put.getValue().value().length;
            }
            ops.add(Op.put(ks.stamp(), stampValue, PutOption.DEFAULT));
        }
        return ops;
    }

    /** How many operations {@link #ops} returns. */
    int opCount() {
        int n = 0;
        for (PerKeyspace p : byKeyspace.values()) {
            n += carve(merge(p.deletes), p.puts).size() + p.puts.size() + 1;
        }
        return n;
    }

    /** The bytes of keys and values of the operations, as etcd keys; valid after {@link #ops}. */
    long bytes() {
        return bytes;
    }

    private static List<Span> merge(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.removeIf(s -> s.start != null && s.end != null && Arrays.compareUnsigned(s.start, s.end) >= 0);
        sorted.sort((a, b) -> compareStart(a.start, b.start));
        List<Span> out = new ArrayList<>();
        for (Span s : sorted) {
            if (!out.isEmpty()) {
                Span last = out.get(out.size() - 1);
                if (last.end == null || (s.start != null && Arrays.compareUnsigned(s.start, last.end) <= 0)) {
                    byte[] end = last.end == null || s.end == null ? null
                            : Arrays.compareUnsigned(last.end, s.end) >= 0 ? last.end : s.end;
                    out.set(out.size() - 1, new Span(last.start, end));
                    continue;
                }
            }
            out.add(s);
        }
        return out;
    }

    /** The spans less the put keys: a put key inside a span splits it in two around that key. */
    private static List<Span> carve(List<Span> spans, TreeMap<byte[], Put> puts) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) {
            byte[] start = s.start;
            for (byte[] k : sub(puts, s.start, s.end).keySet()) {
                if (start == null || Arrays.compareUnsigned(start, k) < 0) {
                    out.add(new Span(start, k));
                }
                start = successor(k);
            }
            if (start == null || s.end == null || Arrays.compareUnsigned(start, s.end) < 0) {
                out.add(new Span(start, s.end));
            }
        }
        return out;
    }

    private static int compareStart(byte[] a, byte[] b) {
        if (a == null) {
            return b == null ? 0 : -1;
        }
        return b == null ? 1 : Arrays.compareUnsigned(a, b);
    }

    static byte[] successor(byte[] k) {
        return Arrays.copyOf(k, k.length + 1);
    }

    private static <V> java.util.NavigableMap<byte[], V> sub(TreeMap<byte[], V> m, byte[] start, byte[] end) {
        if (start == null && end == null) {
            return m;
        }
        if (start == null) {
            return m.headMap(end, false);
        }
        if (end == null) {
            return m.tailMap(start, true);
        }
        return m.subMap(start, true, end, false);
    }
}
