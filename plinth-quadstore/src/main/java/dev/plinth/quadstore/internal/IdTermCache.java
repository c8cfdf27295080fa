package dev.plinth.quadstore.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.jena.graph.Node;

/**
 * The dictionary's cache from id to term: a direct-mapped table of slots indexed by the id's low bits, each
 * holding one immutable (id, term) entry. A lookup is an array read and an id comparison, with no boxing of the
 * id and no bookkeeping, which is what a long scan resolving the ids of every key needs (a Caffeine cache keyed by
 * boxed ids, with its lookups, took 44% of a warmed whole-store scan on {@code rocksdb:}).
 *
 * <p>Dictionary ids are assigned in sequence, so the ids of a table's size assigned last never share a slot: the
 * table always holds at least the most recent of them, and an older id stays until a newer id of its slot is
 * looked up or assigned. Unlike Caffeine's frequency-based eviction, a term read often but assigned long ago is
 * replaced by the next id of its slot that is used, and read again (with the ids read with it) when next needed.
 *
 * <p>Thread-safe without locks: a slot is read and replaced as one reference, and an entry's fields are final, so a
 * reader sees either the entry before a replacement or the one after, never a mix; a lookup whose slot holds
 * another id misses.
 */
final class IdTermCache {
    private record Entry(long id, Node term) { }

    /** The most slots a table has (64 or 128 MB of references), whatever size is asked for. */
    static final int MAX_SLOTS = 1 << 24;

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    /**
     * A cache of at most {@code size} slots (the largest power of two not above it, at most {@link #MAX_SLOTS}),
     * or none if {@code size} is 0, so the size asked for bounds what it holds. The table is allocated at once:
     * four or eight bytes a slot.
     *
     * @param size the most terms it should hold; 0 for a cache that holds none
     */
    IdTermCache(long size) {
        int capacity = size == 0 ? 0 : Integer.highestOneBit((int) Math.min(size, MAX_SLOTS));
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
    }

    /**
     * The term of an id, if cached.
     *
     * @param id a dictionary id
     * @return its term, or {@code null} if its slot holds no entry or another id's
     */
    Node get(long id) {
        if (mask < 0) {
            return null;
        }
        Entry e = slots.getAcquire((int) id & mask);
        return e != null && e.id == id ? e.term : null;
    }

    /**
     * Caches an id's term, replacing whatever its slot held.
     *
     * @param id a dictionary id
     * @param term its term
     */
    void put(long id, Node term) {
        if (mask >= 0) {
            slots.setRelease((int) id & mask, new Entry(id, term));
        }
    }

    /** Forgets every entry. */
    void clear() {
        for (int i = 0; i < slots.length(); i++) {
            slots.set(i, null);
        }
    }

    /**
     * How many slots the table has.
     *
     * @return its capacity: a power of two, or 0
     */
    int capacity() {
        return slots.length();
    }
}
