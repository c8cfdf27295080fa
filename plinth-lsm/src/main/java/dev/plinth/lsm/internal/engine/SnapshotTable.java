package dev.plinth.lsm.internal.engine;

import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The sequence numbers open snapshots and cursors read at, with counts, so that a compaction keeps every
 * version one of them can see. Thread-safe: one lock, a leaf in the engine's lock order.
 */
final class SnapshotTable {
    /** Guarded by itself. */
    private final TreeMap<Long, Integer> open = new TreeMap<>();

    /**
     * Registers a reader at the sequence number {@code seq} gives, read under the table's lock so that a
     * compaction that reads {@link #oldest} afterwards sees it.
     */
    long acquire(LongSupplier seq) {
        synchronized (open) {
            long s = seq.getAsLong();
            open.merge(s, 1, Integer::sum);
            return s;
        }
    }

    void release(long seq) {
        synchronized (open) {
            open.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** The oldest registered sequence number, or {@code latest} if none is older. */
    long oldest(long latest) {
        synchronized (open) {
            return open.isEmpty() ? latest : Math.min(latest, open.firstKey());
        }
    }

    long count() {
        synchronized (open) {
            return open.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
