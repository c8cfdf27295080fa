package dev.plinth.internal.mem;

import dev.plinth.spi.EngineKeyspace;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One keyspace of a {@link MemEngine}, and the engine's handle to it: an ordered map from key to
 * {@link VersionChain}. Thread-safe: reads go straight to the lock-free map; every method ending in
 * {@code Locked} needs the engine's write lock.
 *
 * <p>Keys and values are stored as the core hands them over, without copying: the core never changes an
 * array after passing it to the engine, and treats the arrays the engine returns as read-only.
 *
 * <p>A dropped keyspace is never reused: re-creating the name makes a new instance, so handles to the
 * old one stay invalid.
 */
final class MemKeyspace implements EngineKeyspace {
    /** Unsigned lexicographic order, as everywhere in Plinth. */
    static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    private final String name;
    private final MemEngine owner;
    private final ConcurrentSkipListMap<byte[], VersionChain> map = new ConcurrentSkipListMap<>(KEY_ORDER);
    private volatile boolean dropped;

    // Written only under the engine's write lock; volatile so stats() can read them without it.
    /** Keys whose newest version is a value. */
    private volatile long liveKeys;
    /** Version nodes held by the chains in {@link #map}. */
    private volatile long versions;

    MemKeyspace(String name, MemEngine owner) {
        this.name = name;
        this.owner = owner;
    }

    @Override
    public String name() {
        return name;
    }

    MemEngine owner() {
        return owner;
    }

    boolean isDropped() {
        return dropped;
    }

    /** Marks the keyspace dropped; needs the write lock so no batch is half-way through it. */
    void dropLocked() {
        dropped = true;
    }

    /** Forgets every entry; for engine close, after which nothing reads the keyspace. */
    void clearLocked() {
        dropped = true;
        map.clear();
        liveKeys = 0;
        versions = 0;
    }

    long liveKeys() {
        return liveKeys;
    }

    long versions() {
        return versions;
    }

    VersionChain chain(byte[] key) {
        return map.get(key);
    }

    /**
     * The entries between two bounds, ascending; an empty map when the bounds admit no key.
     *
     * @param lo the lower bound, or {@code null} for none
     * @param loInclusive whether {@code lo} itself is in
     * @param hi the upper bound, or {@code null} for none
     * @param hiInclusive whether {@code hi} itself is in
     * @return a live view of the map
     */
    NavigableMap<byte[], VersionChain> range(byte[] lo, boolean loInclusive, byte[] hi, boolean hiInclusive) {
        if (lo != null && hi != null) {
            int c = KEY_ORDER.compare(lo, hi);
            if (c > 0 || (c == 0 && !(loInclusive && hiInclusive))) {
                return Collections.emptyNavigableMap();
            }
            return map.subMap(lo, loInclusive, hi, hiInclusive);
        }
        if (lo != null) {
            return map.tailMap(lo, loInclusive);
        }
        if (hi != null) {
            return map.headMap(hi, hiInclusive);
        }
        return map;
    }

    /**
     * Installs a value at {@code seq}.
     *
     * @param touched collects the chain for reclamation after the batch is published
     */
    void putLocked(byte[] key, byte[] value, long seq, TouchedChains touched) {
        VersionChain chain = map.get(key);
        if (chain == null) {
            chain = new VersionChain(seq, value);
            map.put(key, chain);
            versions++;
            liveKeys++;
        } else {
            boolean wasLive = chain.isLiveLocked();
            if (chain.installLocked(seq, value, false)) {
                versions++;
            }
            if (!wasLive) {
                liveKeys++;
            }
        }
        touched.add(this, key, chain);
    }

    /**
     * Installs a tombstone at {@code seq} if the key is present; an absent key needs no version.
     *
     * @param reclaim whether the delete only reclaims an expired value ({@link VersionChain.Version#changeSeq})
     */
    void deleteLocked(byte[] key, long seq, boolean reclaim, TouchedChains touched) {
        VersionChain chain = map.get(key);
        if (chain != null && chain.isLiveLocked()) {
            tombstoneLocked(key, chain, seq, reclaim, touched);
        }
    }

    /**
     * Installs a tombstone at {@code seq} on every key of {@code [start, end)} that is present now. Keys
     * written by later batches are not affected.
     */
    void deleteRangeLocked(byte[] start, byte[] end, long seq, boolean reclaim, TouchedChains touched) {
        for (var e : range(start, true, end, false).entrySet()) {
            VersionChain chain = e.getValue();
            if (chain.isLiveLocked()) {
                tombstoneLocked(e.getKey(), chain, seq, reclaim, touched);
            }
        }
    }

    private void tombstoneLocked(byte[] key, VersionChain chain, long seq, boolean reclaim, TouchedChains touched) {
        if (chain.installLocked(seq, null, reclaim)) {
            versions++;
        }
        liveKeys--;
        touched.add(this, key, chain);
    }

    /**
     * Whether a batch after {@code version} changed a key of {@code [start, end)}; needs the write lock.
     * A key whose chain left the map was last changed at or before every open snapshot (only a tombstone
     * every registered reader sees leaves), so the chains in the map are all that can answer yes.
     */
    boolean changedSinceLocked(byte[] start, byte[] end, long version) {
        for (VersionChain chain : range(start, true, end, false).values()) {
            if (chain.changeSeqLocked() > version) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reclaims what no reader can see in one chain: prunes old versions, and removes the key from the
     * map when all that is left is a tombstone every reader sees.
     *
     * @param minActive the oldest sequence number a registered reader may use, at most the published one
     * @return {@code true} if the chain may need reclaiming again once readers move on
     */
    boolean reclaimLocked(byte[] key, VersionChain chain, long minActive) {
        versions -= chain.pruneLocked(minActive);
        if (chain.isRemovableLocked(minActive)) {
            boolean removed = map.remove(key, chain);
            assert removed : "a chain not in its map was reclaimed in keyspace " + name;
            chain.removed = true;
            versions--;
            return false;
        }
        return chain.needsReclaimLocked();
    }

    @Override
    public String toString() {
        return "mem keyspace '" + name + "'" + (dropped ? " (dropped)" : "");
    }
}
