package dev.plinth.internal.mem;

/**
 * The versions of one key in one keyspace, newest first: a singly linked list whose head is a volatile
 * field. Readers walk it without locks; only the engine's write lock holder changes it.
 *
 * <p>Invariants, all kept by the write lock holder:
 * <ul>
 *   <li>sequence numbers strictly decrease along the list; the head is never {@code null};
 *   <li>a node's {@code next} is {@code null} when the key had no version before it, or {@link #PRUNED}
 *       when older versions were reclaimed;
 *   <li>a version with a sequence number above the engine's {@code lastCommitted} is invisible to every
 *       reader, so it may be replaced (a later write of the same key in the same batch).
 * </ul>
 */
final class VersionChain {
    /** One version of a key: a value, or a tombstone when {@link #value} is {@code null}. */
    static final class Version {
        final long seq;
        /**
         * The sequence number of the last batch that changed the key as far as version preconditions are
         * concerned: {@link #seq}, except for a tombstone that only reclaimed an expired value, which keeps
         * the change sequence number of the version it covers.
         */
        final long changeSeq;
        /** The value as the core handed it over, never changed; {@code null} for a tombstone. */
        final byte[] value;
        /**
         * The next older version. Volatile so that a reader that sees {@link #PRUNED} here also sees
         * every write the pruning writer made before, in particular its {@code lastCommitted}.
         */
        volatile Version next;

        Version(long seq, long changeSeq, byte[] value, Version next) {
            this.seq = seq;
            this.changeSeq = changeSeq;
            this.value = value;
            this.next = next;
        }
    }

    /**
     * Marks the end of a chain whose older versions were reclaimed. A reader at a sequence number older
     * than the last kept version reaches it and must not conclude anything; see {@link #resolve(long)}.
     */
    static final Version PRUNED = new Version(Long.MAX_VALUE, Long.MAX_VALUE, null, null);

    private volatile Version head;

    // Guarded by the engine's write lock.
    /** The oldest-visible sequence number of the last prune, to skip walks that cannot cut anything. */
    private long prunedAt = -1;
    /** Whether the chain sits in the reclaimer's queue. */
    boolean queued;
    /** Whether the chain was removed from its keyspace's map; it then never changes again. */
    boolean removed;

    VersionChain(long seq, byte[] value) {
        this.head = new Version(seq, seq, value, null);
    }

    /**
     * The version a reader at {@code at} sees.
     *
     * @param at the reader's sequence number
     * @return the newest version with {@code seq <= at} (a tombstone means absent); {@code null} if the
     *     chain holds none, which means absent at {@code at} or at the moment the chain was created (a
     *     later moment, which only unregistered latest-state reads can observe, and which is a correct
     *     answer for them); or {@link #PRUNED} if that version was reclaimed, which only a reader whose
     *     {@code at} is neither registered nor current can meet, and which it answers by reading again at
     *     a fresh {@code lastCommitted}
     */
    Version resolve(long at) {
        for (Version v = head; ; v = v.next) {
            if (v == null || v == PRUNED || v.seq <= at) {
                return v;
            }
        }
    }

    /**
     * Whether the newest version is a value.
     *
     * @return {@code true} if the key is present at the newest version
     */
    boolean isLiveLocked() {
        return head.value != null;
    }

    /**
     * The sequence number of the last batch that changed the key ({@link Version#changeSeq}); every version
     * newer than an open snapshot is still held, so this is exact for a version precondition.
     *
     * @return the newest version's change sequence number
     */
    long changeSeqLocked() {
        return head.changeSeq;
    }

    /**
     * Installs a version as the new head; a head of the same (unpublished) sequence number is replaced,
     * so the last write of a key in a batch is the one that becomes visible.
     *
     * @param seq the batch's sequence number, above every published one
     * @param value the value, or {@code null} for a tombstone
     * @param reclaim whether this is a tombstone that only reclaims an expired value, which does not count
     *     as a change ({@link Version#changeSeq})
     * @return {@code true} if a node was added, {@code false} if the head was replaced
     */
    boolean installLocked(long seq, byte[] value, boolean reclaim) {
        Version h = head;
        assert seq >= h.seq : "sequence numbers must not go back: " + seq + " < " + h.seq;
        assert !reclaim || value == null : "only a tombstone reclaims";
        if (h.seq == seq) {
            // Replacing a write of the same batch: a reclaim keeps whatever that write's change was.
            head = new Version(seq, reclaim ? h.changeSeq : seq, value, h.next);
            return false;
        }
        head = new Version(seq, reclaim ? h.changeSeq : seq, value, h);
        return true;
    }

    /**
     * Drops every version no reader can see any more: keeps the versions newer than {@code minActive}
     * and the newest one at or below it, and ends the list there with {@link #PRUNED}.
     *
     * @param minActive the oldest sequence number any reader that must not meet {@link #PRUNED} may use
     * @return the number of nodes dropped
     */
    int pruneLocked(long minActive) {
        if (prunedAt == minActive) {
            // Versions installed since the last prune are newer than minActive: nothing new to cut.
            return 0;
        }
        prunedAt = minActive;
        Version keep = head;
        while (keep.seq > minActive) {
            keep = keep.next;
            if (keep == null || keep == PRUNED) {
                return 0;
            }
        }
        Version below = keep.next;
        if (below == null || below == PRUNED) {
            return 0;
        }
        keep.next = PRUNED;
        int dropped = 0;
        for (Version v = below; v != null && v != PRUNED; v = v.next) {
            dropped++;
        }
        return dropped;
    }

    /**
     * Whether the chain is a single tombstone every reader sees, so the key can leave the map.
     *
     * @param minActive as for {@link #pruneLocked(long)}
     * @return {@code true} if removable
     */
    boolean isRemovableLocked(long minActive) {
        Version h = head;
        return h.value == null && h.seq <= minActive && (h.next == null || h.next == PRUNED);
    }

    /**
     * Whether a later prune or removal could reclaim something: more than one version, or a tombstone.
     *
     * @return {@code true} if the chain should stay in the reclaimer's queue
     */
    boolean needsReclaimLocked() {
        Version h = head;
        return h.value == null || (h.next != null && h.next != PRUNED);
    }

    /**
     * The number of versions held; for tests and assertions.
     *
     * @return the count
     */
    int sizeLocked() {
        int n = 0;
        for (Version v = head; v != null && v != PRUNED; v = v.next) {
            n++;
        }
        return n;
    }
}
