package dev.plinth.quadstore.internal;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.quadstore.QuadIterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.apache.jena.graph.Node;
import org.apache.jena.sparql.core.Quad;

/**
 * A {@link QuadIterator} over one index cursor: decodes each key into ids and the ids into terms. It reads
 * ahead a chunk of keys, {@link #FIRST_CHUNK} at first and twice as many each time up to {@link #MAX_CHUNK}, and
 * resolves the chunk's ids together ({@link TermDictionary#nodes}), so that the terms the cache lacks are read
 * in id order, mostly with one cursor, rather than with one read each; a short scan reads little ahead. The
 * components the pattern bound are not resolved at all: every quad carries the terms the caller gave.
 *
 * <p>Not thread-safe, as its interface says.
 */
public final class CursorQuadIterator implements QuadIterator {
    private final Cursor cursor;
    private final IndexOrder order;
    private final TermDictionary dictionary;
    private final String storeName;
    private final Consumer<CursorQuadIterator> onClose;
    /** The first read-ahead, in quads. */
    static final int FIRST_CHUNK = 4;
    /** The largest read-ahead, in quads. */
    static final int MAX_CHUNK = 64;

    /** Per component ({@link IndexOrder#S} ...): the term the pattern bound, or {@code null}. */
    private final Node[] fixed;
    /** The components not bound, each resolved per quad; {@code slot[c]} is where component {@code c} sits. */
    private final int[] free;
    private final int[] slot = new int[4];
    private final int width;
    private final int prefixLength;
    private final int bound;
    private long[] ids;
    /** The ids of the key being decoded, by component; reused from key to key. */
    private final long[] keyIds = new long[4];
    private Node[] nodes;
    /** The ids of a chunk that differ from the row before them in their column, and their terms. */
    private long[] changedIds;
    private Node[] changedNodes;
    /** The last row resolved (of the chunk before), per free component, once {@code haveLast}. */
    private final long[] lastIds;
    private final Node[] lastNodes;
    private boolean haveLast;
    private int chunk = FIRST_CHUNK;
    /** Quads in the chunk read ahead, and the next to hand out. */
    private int buffered;
    private int position;
    private boolean exhausted;
    private Quad next;
    private boolean closed;
    /** See {@link #hashCode()}. */
    private final int hash = java.util.concurrent.ThreadLocalRandom.current().nextInt();

    /**
     * An iterator over a cursor of an index's keys.
     *
     * @param cursor the cursor; owned by this iterator from now on
     * @param order the index the cursor walks
     * @param dictionary to turn ids into terms
     * @param storeName for messages
     * @param onClose told once when this iterator closes
     * @param fixed per component ({@link IndexOrder#S}, {@link IndexOrder#P}, {@link IndexOrder#O},
     *     {@link IndexOrder#G}): the term every key under the cursor holds there (the pattern bound it; the
     *     default graph as {@link Quad#defaultGraphIRI}), or {@code null} to resolve it per quad; not copied;
     *     the bound ones are the first components of {@code order}
     * @param prefixLength the bytes of the prefix every key under the cursor starts with: the bound components'
     *     ids, which are not decoded again
     */
    public CursorQuadIterator(Cursor cursor, IndexOrder order, TermDictionary dictionary, String storeName,
            Consumer<CursorQuadIterator> onClose, Node[] fixed, int prefixLength) {
        this.cursor = cursor;
        this.order = order;
        this.dictionary = dictionary;
        this.storeName = storeName;
        this.onClose = onClose;
        this.fixed = fixed;
        int w = 0;
        int[] f = new int[4];
        for (int c = 0; c < 4; c++) {
            slot[c] = fixed[c] == null ? w : -1;
            if (fixed[c] == null) {
                f[w++] = c;
            }
        }
        this.free = java.util.Arrays.copyOf(f, w);
        this.width = w;
        this.prefixLength = prefixLength;
        this.bound = 4 - w;
        this.ids = new long[width * FIRST_CHUNK];
        this.nodes = new Node[width * FIRST_CHUNK];
        this.changedIds = new long[width * FIRST_CHUNK];
        this.changedNodes = new Node[width * FIRST_CHUNK];
        this.lastIds = new long[w];
        this.lastNodes = new Node[w];
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (closed) {
            return false;
        }
        if (position == buffered && !fill()) {
            close();
            return false;
        }
        int at = width * position++;
        next = Quad.create(term(at, IndexOrder.G), term(at, IndexOrder.S), term(at, IndexOrder.P),
                term(at, IndexOrder.O));
        return true;
    }

    private Node term(int at, int component) {
        Node f = fixed[component];
        return f != null ? f : nodes[at + slot[component]];
    }

    /** Reads the next chunk of keys and resolves their terms; {@code false} at the end of the cursor. */
    private boolean fill() {
        if (exhausted) {
            return false;
        }
        long[] one = keyIds;
        int n = 0;
        try {
            while (n < chunk) {
                if (!cursor.next()) {
                    exhausted = true;
                    break;
                }
                byte[] key = cursor.key();
                try {
                    order.decodeAfter(key, prefixLength, bound, one);
                } catch (IllegalArgumentException e) {
                    throw new CorruptionException("The quad store on " + storeName + " holds a damaged key in index "
                            + order + ": " + e.getMessage() + ".", e);
                }
                for (int k = 0; k < width; k++) {
                    ids[width * n + k] = one[free[k]];
                }
                n++;
            }
            resolve(n);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        buffered = n;
        position = 0;
        if (chunk < MAX_CHUNK && !exhausted) { // a scan that ended needs no larger arrays (most finds end in one chunk)
            chunk *= 2;
            ids = new long[width * chunk];
            nodes = java.util.Arrays.copyOf(nodes, width * chunk); // keeps the chunk just resolved
            changedIds = new long[width * chunk];
            changedNodes = new Node[width * chunk];
        }
        return n > 0;
    }

    /**
     * Resolves the ids of the chunk's {@code n} rows into {@link #nodes}. An index walked in order repeats a
     * component from one key to the next (the graph of a run of subjects, the subject of its quads), so only the
     * ids that differ from the row before in their column are looked up; the others take the term above them.
     */
    private void resolve(int n) {
        int m = 0;
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < width; k++) {
                int at = width * r + k;
                if (!sameAsAbove(r, k, at)) {
                    changedIds[m++] = ids[at];
                }
            }
        }
        dictionary.nodes(changedIds, m, changedNodes);
        int j = 0;
        for (int r = 0; r < n; r++) {
            for (int k = 0; k < width; k++) {
                int at = width * r + k;
                if (!sameAsAbove(r, k, at)) {
                    nodes[at] = changedNodes[j++];
                } else {
                    nodes[at] = r == 0 ? lastNodes[k] : nodes[at - width];
                }
            }
        }
        if (n > 0) {
            for (int k = 0; k < width; k++) {
                lastIds[k] = ids[width * (n - 1) + k];
                lastNodes[k] = nodes[width * (n - 1) + k];
            }
            haveLast = true;
        }
        java.util.Arrays.fill(changedNodes, 0, m, null);
    }

    /** Whether the id at {@code at} (row {@code r}, free component {@code k}) is the one of the row before. */
    private boolean sameAsAbove(int r, int k, int at) {
        return r == 0 ? haveLast && ids[at] == lastIds[k] : ids[at] == ids[at - width];
    }

    @Override
    public Quad next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more quads");
        }
        Quad q = next;
        next = null;
        return q;
    }

    /**
     * A hash for the store's set of open iterators, drawn at construction: an identity hash costs a call into the VM
     * the first time an object is hashed, and every find's iterator is hashed as it opens. Equality stays identity.
     */
    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        next = null;
        try {
            cursor.close();
        } finally {
            onClose.accept(this);
        }
    }
}
