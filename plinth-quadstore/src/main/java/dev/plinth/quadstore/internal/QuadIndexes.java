package dev.plinth.quadstore.internal;

import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import java.util.function.BooleanSupplier;

/**
 * What the SPARQL executor that joins on ids ({@link IdQuadPatternIterator}) needs of a quad store: the store,
 * its six index keyspaces, its dictionary, and whether the quad store has been closed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param store the store
 * @param indexes the index keyspaces, by {@link IndexOrder#ordinal()}; not copied, never changed
 * @param dictionary the term dictionary
 * @param closed whether the quad store has been closed
 */
public record QuadIndexes(Store store, Keyspace[] indexes, TermDictionary dictionary, BooleanSupplier closed) {
    /**
     * The keyspace of one order.
     *
     * @param order the order
     * @return its keyspace
     */
    Keyspace index(IndexOrder order) {
        return indexes[order.ordinal()];
    }

    /**
     * Throws if the quad store has been closed.
     *
     * @throws StoreClosedException if it has
     */
    void ensureOpen() {
        if (closed.getAsBoolean()) {
            throw new StoreClosedException("The quad store on " + store.uri() + " is closed.");
        }
    }
}
