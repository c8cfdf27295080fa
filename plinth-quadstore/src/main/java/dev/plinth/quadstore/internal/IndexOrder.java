package dev.plinth.quadstore.internal;

import dev.plinth.keys.KeyReader;
import dev.plinth.keys.KeyWriter;

/**
 * The six index orders. Each keeps every quad once, as a key of its four ids in its own order, so the quads
 * matching any pattern of bound and unbound S, P, O, G are the keys under one prefix of one order:
 * {@link #forPattern(int)} picks it. Keys are four integer elements of the shared order-preserving encoding
 * ({@code docs/format/keys.md}); values are empty.
 *
 * <p>Immutable and thread-safe.
 */
public enum IndexOrder {
    /** Subject, predicate, object, graph. */
    SPOG(0, 1, 2, 3),
    /** Predicate, object, subject, graph. */
    POSG(1, 2, 0, 3),
    /** Object, subject, predicate, graph. */
    OSPG(2, 0, 1, 3),
    /** Graph, subject, predicate, object. */
    GSPO(3, 0, 1, 2),
    /** Graph, predicate, object, subject. */
    GPOS(3, 1, 2, 0),
    /** Graph, object, subject, predicate. */
    GOSP(3, 2, 0, 1);

    /** Positions of the components in a quad of ids: subject, predicate, object, graph. */
    public static final int S = 0;
    /** The predicate's position. */
    public static final int P = 1;
    /** The object's position. */
    public static final int O = 2;
    /** The graph's position. */
    public static final int G = 3;

    private static final IndexOrder[] BY_PATTERN = new IndexOrder[16];

    static {
        for (int mask = 0; mask < 16; mask++) {
            int k = Integer.bitCount(mask);
            for (IndexOrder order : values()) {
                int lead = 0;
                for (int i = 0; i < k; i++) {
                    lead |= 1 << order.components[i];
                }
                if (lead == mask) {
                    BY_PATTERN[mask] = order;
                    break;
                }
            }
            if (BY_PATTERN[mask] == null) {
                throw new AssertionError("no index order serves pattern " + mask);
            }
        }
    }

    private final int[] components;

    IndexOrder(int... components) {
        this.components = components;
    }

    /**
     * The keyspace this order's keys live in.
     *
     * @return the keyspace name
     */
    public String keyspaceName() {
        return "quads." + name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The order whose keys start with exactly the bound components.
     *
     * @param boundMask bit {@code 1 << S} set if the subject is bound, and so on for P, O and G
     * @return the order that answers the pattern with one prefix scan
     */
    public static IndexOrder forPattern(int boundMask) {
        return BY_PATTERN[boundMask];
    }

    /**
     * Writes the key of a quad in this order.
     *
     * @param w a writer, reset by this method
     * @param ids the quad's ids by {@link #S}, {@link #P}, {@link #O}, {@link #G}
     * @return a new key
     */
    public byte[] key(KeyWriter w, long[] ids) {
        return prefix(w, ids, 4);
    }

    /**
     * Writes the first {@code n} elements of a quad's key in this order.
     *
     * @param w a writer, reset by this method
     * @param ids the quad's ids by {@link #S}, {@link #P}, {@link #O}, {@link #G}; only the first {@code n}
     *     components of this order are read
     * @param n how many elements, 0 to 4
     * @return a new key prefix
     */
    public byte[] prefix(KeyWriter w, long[] ids, int n) {
        w.reset();
        for (int i = 0; i < n; i++) {
            w.writeLong(ids[components[i]]);
        }
        return w.toByteArray();
    }

    /**
     * Reads a key of this order back into ids.
     *
     * @param key a key of this order
     * @param ids filled with the ids by {@link #S}, {@link #P}, {@link #O}, {@link #G}
     * @throws IllegalArgumentException if the key is not four integers
     */
    public void decode(byte[] key, long[] ids) {
        KeyReader r = new KeyReader(key);
        for (int i = 0; i < 4; i++) {
            ids[components[i]] = r.readLong();
        }
        if (r.hasMore()) {
            throw new IllegalArgumentException("a key of " + name() + " with bytes after its four ids");
        }
    }

    /**
     * Reads the ids of a key after a prefix every key under a cursor shares: the components from position
     * {@code bound} on, into {@code ids} by component; the others are left as they were. A scan of a pattern
     * needs only these: the prefix holds the ids the pattern bound.
     *
     * @param key a key of this order
     * @param prefixLength the bytes of the shared prefix, which holds the first {@code bound} ids
     * @param bound how many ids the prefix holds
     * @param ids receives the ids after the prefix, by component
     * @throws IllegalArgumentException if the key is shorter than the prefix, or its bytes after it are not the
     *     remaining ids
     */
    public void decodeAfter(byte[] key, int prefixLength, int bound, long[] ids) {
        if (key.length < prefixLength) {
            throw new IllegalArgumentException("a key of " + name() + " of " + key.length
                    + " bytes, shorter than its scan's prefix of " + prefixLength);
        }
        KeyReader r = new KeyReader(key, prefixLength, key.length - prefixLength);
        for (int i = bound; i < 4; i++) {
            ids[components[i]] = r.readLong();
        }
        if (r.hasMore()) {
            throw new IllegalArgumentException("a key of " + name() + " with bytes after its four ids");
        }
    }

    /**
     * Which component is at a position of this order.
     *
     * @param position 0 to 3
     * @return {@link #S}, {@link #P}, {@link #O} or {@link #G}
     */
    public int componentAt(int position) {
        return components[position];
    }
}
