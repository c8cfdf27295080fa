package dev.plinth.quadstore;

import org.apache.jena.atlas.iterator.IteratorCloseable;
import org.apache.jena.sparql.core.Quad;

/**
 * A streaming walk over the quads that match a pattern, returned by {@link QuadStore#find}. It reads one
 * consistent snapshot of the store taken when it was opened, and holds one store cursor (never the whole
 * result) until it is exhausted or closed.
 *
 * <p>Not thread-safe: use it from one thread at a time. Close it when done (try-with-resources); it also
 * closes itself when {@link #hasNext()} first returns {@code false}, and closing the quad store closes it.
 * Close is idempotent. After close, {@link #hasNext()} returns {@code false}. Jena closes it too when it is
 * handed to ARQ (it is an {@link IteratorCloseable}).
 */
public interface QuadIterator extends IteratorCloseable<Quad>, AutoCloseable {
    /** Releases the cursor. Idempotent. */
    @Override
    void close();
}
