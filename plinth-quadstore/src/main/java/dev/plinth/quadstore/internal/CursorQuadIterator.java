package dev.plinth.quadstore.internal;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.quadstore.QuadIterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.apache.jena.sparql.core.Quad;

/**
 * A {@link QuadIterator} over one index cursor: decodes each key into ids and the ids into terms.
 *
 * <p>Not thread-safe, as its interface says.
 */
public final class CursorQuadIterator implements QuadIterator {
    private final Cursor cursor;
    private final IndexOrder order;
    private final TermDictionary dictionary;
    private final String storeName;
    private final Consumer<CursorQuadIterator> onClose;
    private final long[] ids = new long[4];
    private Quad next;
    private boolean closed;

    /**
     * An iterator over a cursor of an index's keys.
     *
     * @param cursor the cursor; owned by this iterator from now on
     * @param order the index the cursor walks
     * @param dictionary to turn ids into terms
     * @param storeName for messages
     * @param onClose told once when this iterator closes
     */
    public CursorQuadIterator(Cursor cursor, IndexOrder order, TermDictionary dictionary, String storeName,
            Consumer<CursorQuadIterator> onClose) {
        this.cursor = cursor;
        this.order = order;
        this.dictionary = dictionary;
        this.storeName = storeName;
        this.onClose = onClose;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (closed) {
            return false;
        }
        if (!cursor.next()) {
            close();
            return false;
        }
        byte[] key = cursor.key();
        try {
            order.decode(key, ids);
        } catch (IllegalArgumentException e) {
            close();
            throw new CorruptionException("The quad store on " + storeName + " holds a damaged key in index "
                    + order + ": " + e.getMessage() + ".", e);
        }
        try {
            next = Quad.create(dictionary.node(ids[IndexOrder.G]), dictionary.node(ids[IndexOrder.S]),
                    dictionary.node(ids[IndexOrder.P]), dictionary.node(ids[IndexOrder.O]));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return true;
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
