package dev.plinth.internal.mem;

import java.util.ArrayDeque;

/**
 * Reclaims versions no reader can see, without ever walking the whole store during a write. Every
 * method needs the engine's write lock.
 *
 * <p>Each batch reclaims the chains it touched once it is published. A chain that still holds more than
 * one version, or a tombstone, because a snapshot needed them then, waits in a FIFO queue; each batch
 * then also retries a bounded number of queued chains ({@link #drainLocked(int, long)}), and
 * {@link MemEngine#compact()} retries all of them. Invariant: every chain in a live keyspace's map for
 * which {@link VersionChain#needsReclaimLocked()} holds is in the queue (its {@code queued} flag is set),
 * so the queue holds each chain at most once and a full drain reclaims everything reclaimable.
 */
final class Reclaimer {
    private final ArrayDeque<ChainRef> pending = new ArrayDeque<>();
    /** The size of {@link #pending}, readable without the lock, for stats. */
    private volatile int pendingCount;

    /**
     * Reclaims one chain and queues it if it may need reclaiming again later.
     *
     * @param minActive the oldest sequence number a registered reader may use
     */
    void reclaimLocked(ChainRef ref, long minActive) {
        VersionChain chain = ref.chain();
        if (chain.removed || ref.keyspace().isDropped()) {
            return;
        }
        if (ref.keyspace().reclaimLocked(ref.key(), chain, minActive) && !chain.queued) {
            chain.queued = true;
            pending.addLast(ref);
            pendingCount = pending.size();
        }
    }

    /**
     * Reclaims one chain a batch just touched and queues it if it may need reclaiming again later; as
     * {@link #reclaimLocked(ChainRef, long)}, with the reference made only if the chain is queued.
     *
     * @param keyspace the keyspace whose map holds the chain
     * @param key the key, the same array the map holds
     * @param chain the chain
     * @param minActive the oldest sequence number a registered reader may use
     */
    void reclaimLocked(MemKeyspace keyspace, byte[] key, VersionChain chain, long minActive) {
        if (chain.removed || keyspace.isDropped()) {
            return;
        }
        if (keyspace.reclaimLocked(key, chain, minActive) && !chain.queued) {
            chain.queued = true;
            pending.addLast(new ChainRef(keyspace, key, chain));
            pendingCount = pending.size();
        }
    }

    /**
     * Retries up to {@code budget} queued chains, each at most once.
     *
     * @param budget the most chains to look at
     * @param minActive the oldest sequence number a registered reader may use
     */
    void drainLocked(int budget, long minActive) {
        int n = Math.min(budget, pending.size());
        for (int i = 0; i < n; i++) {
            ChainRef ref = pending.pollFirst();
            ref.chain().queued = false;
            reclaimLocked(ref, minActive);
        }
        pendingCount = pending.size();
    }

    /** Retries every queued chain once. */
    void drainAllLocked(long minActive) {
        drainLocked(pending.size(), minActive);
    }

    /** Forgets the chains of a dropped keyspace. */
    void forgetLocked(MemKeyspace keyspace) {
        pending.removeIf(r -> r.keyspace() == keyspace);
        pendingCount = pending.size();
    }

    /** Forgets everything; for engine close. */
    void clearLocked() {
        pending.clear();
        pendingCount = 0;
    }

    int pendingCount() {
        return pendingCount;
    }
}
