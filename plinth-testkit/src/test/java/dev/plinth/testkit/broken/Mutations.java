package dev.plinth.testkit.broken;

import dev.plinth.spi.EngineBatch;
import java.util.function.UnaryOperator;

/** Rebuilding batches, for the broken engines. Stateless. */
final class Mutations {
    private Mutations() {
    }

    /**
     * Adds a mutation to a builder.
     *
     * @param b the builder
     * @param m the mutation
     * @param value what to store instead of a put's value
     */
    static void add(EngineBatch.Builder b, EngineBatch.Mutation m, UnaryOperator<byte[]> value) {
        switch (m.kind()) {
            case PUT -> b.put(m.keyspace(), m.key(), value.apply(m.value()));
            case DELETE -> b.delete(m.keyspace(), m.key());
            case DELETE_RANGE -> b.deleteRange(m.keyspace(), m.key(), m.end());
            default -> throw new AssertionError(m.kind());
        }
    }
}
