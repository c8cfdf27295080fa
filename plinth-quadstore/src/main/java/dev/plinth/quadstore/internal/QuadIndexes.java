package dev.plinth.quadstore.internal;

import dev.plinth.Keyspace;
import dev.plinth.Store;

/**
 * What the readers that work on ids ({@link IdStageGenerator}, point reads of {@link StoreDatasetGraph}) need
 * of a quad store: the store, its six index keyspaces and its dictionary.
 *
 * @param store the store
 * @param indexes the index keyspaces, by {@link IndexOrder#ordinal()}
 * @param dictionary the term dictionary
 */
public record QuadIndexes(Store store, Keyspace[] indexes, TermDictionary dictionary) {
    /**
     * The keyspace of one order.
     *
     * @param order the order
     * @return its keyspace
     */
    Keyspace index(IndexOrder order) {
        return indexes[order.ordinal()];
    }
}
