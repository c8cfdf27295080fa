package dev.plinth.testkit.broken;

import dev.plinth.Capabilities;
import dev.plinth.spi.EngineBatch;
import java.util.function.UnaryOperator;

/** Rebuilding batches, for the broken engines. Stateless. */
final class Mutations {
    private Mutations() {
    }

    /**
     * An empty builder with a batch's durability and, if it only reclaims, that flag.
     *
     * @param batch the batch being rebuilt
     * @return a new builder
     */
    static EngineBatch.Builder like(EngineBatch batch) {
        EngineBatch.Builder b = EngineBatch.builder(batch.durability());
        return batch.reclaimsOnly() ? b.reclaiming() : b;
    }

    /**
     * The wrapped engine's capabilities without version preconditions, for a broken engine that checks
     * preconditions against views of values itself, so the core sends it only value conditions.
     *
     * @param capabilities the wrapped engine's
     * @return the same without {@link Capabilities#versionedPreconditions()}
     */
    static Capabilities withoutVersions(Capabilities capabilities) {
        return capabilities.toBuilder().versionedPreconditions(false).build();
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
            case PUT -> b.put(m.keyspace(), m.key(), value.apply(m.value()), m.expiresAtMillis());
            case DELETE -> b.delete(m.keyspace(), m.key());
            case DELETE_RANGE -> b.deleteRange(m.keyspace(), m.key(), m.end());
            default -> throw new AssertionError(m.kind());
        }
    }
}
