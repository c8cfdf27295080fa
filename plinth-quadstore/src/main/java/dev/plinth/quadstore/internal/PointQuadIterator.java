package dev.plinth.quadstore.internal;

import dev.plinth.quadstore.QuadIterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import org.apache.jena.sparql.core.Quad;

/**
 * The iterator of a fully bound pattern whose quad was found by one point read: it yields that quad once, unless
 * it or the quad store is closed first (as a {@link CursorQuadIterator} then ends).
 *
 * <p>Not thread-safe, as its interface says.
 */
public final class PointQuadIterator implements QuadIterator {
    private final BooleanSupplier storeClosed;
    private Quad quad;

    /**
     * @param quad the quad found
     * @param storeClosed whether the quad store is closed
     */
    public PointQuadIterator(Quad quad, BooleanSupplier storeClosed) {
        this.quad = quad;
        this.storeClosed = storeClosed;
    }

    @Override
    public boolean hasNext() {
        if (quad != null && storeClosed.getAsBoolean()) {
            quad = null;
        }
        return quad != null;
    }

    @Override
    public Quad next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more quads");
        }
        Quad q = quad;
        quad = null;
        return q;
    }

    @Override
    public void close() {
        quad = null;
    }
}
