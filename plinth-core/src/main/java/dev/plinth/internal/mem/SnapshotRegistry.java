package dev.plinth.internal.mem;

import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The sequence numbers of open snapshots (explicit ones and those cursors on the engine take), so
 * that writers keep every version they can see. Thread-safe, under one private lock that is taken after
 * the engine's write lock, never before it.
 *
 * <p>Why registration and reclamation cannot miss each other: {@link #acquire} reads
 * {@code lastCommitted} under the lock, and a writer computes {@link #minActive} under the same lock
 * after publishing its batch. A snapshot registered before that computation is counted in it; one
 * registered after reads a {@code lastCommitted} at least as new as the writer's, so at least the
 * computed minimum.
 */
final class SnapshotRegistry {
    private final Object lock = new Object();

    // Guarded by lock.
    /**
     * Open snapshots at sequence numbers older than {@link #newestSeq}: sequence number to how many are
     * open at it. Most snapshots and cursors open at the newest sequence number, so those are only counted
     * in {@link #newestCount}, without a map entry or boxing; the count moves into the map when a newer
     * sequence number is registered.
     */
    private final TreeMap<Long, Integer> older = new TreeMap<>();
    /** The newest sequence number registered so far. */
    private long newestSeq = -1;
    /** How many snapshots are open at {@link #newestSeq}. */
    private int newestCount;
    private int open;

    /** {@link #open}, readable without the lock, for stats. */
    private volatile int openCount;

    /**
     * Registers a snapshot at the latest committed state.
     *
     * @param lastCommitted reads the engine's latest published sequence number
     * @return the snapshot's sequence number, to pass to {@link #release(long)}
     */
    long acquire(LongSupplier lastCommitted) {
        synchronized (lock) {
            long seq = lastCommitted.getAsLong();
            if (seq != newestSeq) {
                // Sequence numbers only grow, so seq is newer than newestSeq.
                if (newestCount > 0) {
                    older.merge(newestSeq, newestCount, Integer::sum);
                }
                newestSeq = seq;
                newestCount = 0;
            }
            newestCount++;
            openCount = ++open;
            return seq;
        }
    }

    /**
     * Deregisters one snapshot.
     *
     * @param seq what {@link #acquire} returned
     */
    void release(long seq) {
        synchronized (lock) {
            if (seq == newestSeq && newestCount > 0) {
                newestCount--;
            } else {
                Integer n = older.get(seq);
                if (n == null) {
                    throw new IllegalStateException("no open snapshot at sequence " + seq);
                }
                if (n == 1) {
                    older.remove(seq);
                } else {
                    older.put(seq, n - 1);
                }
            }
            openCount = --open;
        }
    }

    /**
     * The oldest sequence number a registered reader may use.
     *
     * @param lastCommitted the latest published sequence number
     * @return the oldest open snapshot's sequence number, or {@code lastCommitted} if that is older or
     *     none is open
     */
    long minActive(long lastCommitted) {
        synchronized (lock) {
            if (!older.isEmpty()) {
                return Math.min(older.firstKey(), lastCommitted);
            }
            return newestCount > 0 ? Math.min(newestSeq, lastCommitted) : lastCommitted;
        }
    }

    int openCount() {
        return openCount;
    }
}
