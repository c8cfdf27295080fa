package dev.plinth.internal;

import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Writes not yet applied, in the order they were made, viewed as their net effect per key: the overlay
 * a transaction reads its own writes through, and the pending state a conditional batch evaluates its
 * checks against. Values are stored forms ({@link ValueCodec}). Not thread-safe.
 *
 * <p>Invariant: a point entry postdates every deleted range that covers it (a range delete removes the
 * point entries it covers), so applying all range deletes first and then all point entries reproduces
 * the writes' effect.
 */
final class WriteBuffer {
    /** The point entry of a deleted key; compared by identity. */
    static final byte[] TOMBSTONE = new byte[0];

    /** The pending writes of one keyspace. */
    static final class Pending {
        final NavigableMap<byte[], byte[]> points = new TreeMap<>(Bytes.ORDER);
        final List<byte[][]> deletedRanges = new ArrayList<>();

        boolean coveredByDeletedRange(byte[] key) {
            for (byte[][] r : deletedRanges) {
                if (Bytes.inRange(key, r[0], r[1])) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<EngineKeyspace, Pending> byKeyspace = new IdentityHashMap<>();
    private int operations;
    private long bytes;

    void put(EngineKeyspace ks, byte[] key, byte[] raw) {
        pending(ks).points.put(key, raw);
        operations++;
        bytes += key.length + raw.length;
    }

    /** Replaces the stored form of a key already put, without counting another operation. */
    void replace(EngineKeyspace ks, byte[] key, byte[] raw) {
        byte[] old = pending(ks).points.put(key, raw);
        assert old != null && old != TOMBSTONE : "replace of a key that was not put";
        bytes += raw.length - old.length;
    }

    void delete(EngineKeyspace ks, byte[] key) {
        pending(ks).points.put(key, TOMBSTONE);
        operations++;
        bytes += key.length;
    }

    void deleteRange(EngineKeyspace ks, byte[] start, byte[] end) {
        Pending p = pending(ks);
        subMap(p.points, start, end).clear();
        p.deletedRanges.add(new byte[][] {start, end});
        operations++;
        bytes += (start == null ? 0 : start.length) + (end == null ? 0 : end.length);
    }

    /**
     * What the buffer says about a key.
     *
     * @return the stored form, {@link #TOMBSTONE} if deleted, or {@code null} if the buffer does not know
     */
    byte[] lookup(EngineKeyspace ks, byte[] key) {
        Pending p = byKeyspace.get(ks);
        if (p == null) {
            return null;
        }
        byte[] v = p.points.get(key);
        if (v != null) {
            return v;
        }
        return p.coveredByDeletedRange(key) ? TOMBSTONE : null;
    }

    /** The pending writes of a keyspace, or {@code null} if there are none. */
    Pending pendingOrNull(EngineKeyspace ks) {
        return byKeyspace.get(ks);
    }

    Map<EngineKeyspace, Pending> all() {
        return byKeyspace;
    }

    boolean isEmpty() {
        return operations == 0;
    }

    int operations() {
        return operations;
    }

    long bytes() {
        return bytes;
    }

    /** Adds the buffer's net effect to a batch: every range delete, then every point entry. */
    void addTo(EngineBatch.Builder batch) {
        for (Map.Entry<EngineKeyspace, Pending> e : byKeyspace.entrySet()) {
            for (byte[][] r : e.getValue().deletedRanges) {
                batch.deleteRange(e.getKey(), r[0], r[1]);
            }
        }
        for (Map.Entry<EngineKeyspace, Pending> e : byKeyspace.entrySet()) {
            for (Map.Entry<byte[], byte[]> p : e.getValue().points.entrySet()) {
                if (p.getValue() == TOMBSTONE) {
                    batch.delete(e.getKey(), p.getKey());
                } else {
                    batch.put(e.getKey(), p.getKey(), p.getValue(), ValueCodec.expiresAt(p.getValue()));
                }
            }
        }
    }

    private Pending pending(EngineKeyspace ks) {
        return byKeyspace.computeIfAbsent(ks, k -> new Pending());
    }

    static NavigableMap<byte[], byte[]> subMap(NavigableMap<byte[], byte[]> m, byte[] start, byte[] end) {
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
