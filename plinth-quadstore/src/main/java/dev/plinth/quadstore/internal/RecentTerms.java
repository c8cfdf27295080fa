package dev.plinth.quadstore.internal;

import org.apache.jena.graph.Node;

/**
 * The terms of the ids one scan resolved last: a direct-mapped table of {@link #SLOTS} primitive ids and their
 * terms, where a new id takes the slot of its hash from whatever was there. It sits in front of the
 * dictionary's shared cache for the terms a long scan meets again and again but not on consecutive keys (the
 * few predicates of a whole-store scan, the types and other common objects): a hit costs a multiplication and
 * two array reads, where the shared cache boxes the id and keeps its own statistics.
 *
 * <p>Belongs to one scan: not thread-safe. Its terms are those the dictionary gave for the ids, which never
 * change (a dictionary id is never reassigned), so nothing here can become stale.
 */
final class RecentTerms {
    /** Slots in the table (a power of two). */
    static final int SLOTS = 256;
    private static final int SHIFT = Long.SIZE - Integer.numberOfTrailingZeros(SLOTS);

    private final long[] ids = new long[SLOTS];
    private final Node[] terms = new Node[SLOTS];

    /** The term of an id if this table holds it, else {@code null}. */
    Node get(long id) {
        int slot = slot(id);
        Node term = terms[slot];
        return term != null && ids[slot] == id ? term : null;
    }

    /** Remembers the term of an id, in place of the id that had its slot. */
    void put(long id, Node term) {
        int slot = slot(id);
        ids[slot] = id;
        terms[slot] = term;
    }

    private static int slot(long id) {
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> SHIFT);
    }
}
