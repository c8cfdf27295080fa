package dev.plinth.spi;

import dev.plinth.Durability;
import dev.plinth.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What the core asks an engine to apply atomically: mutations in order, guarded by preconditions that
 * are checked against the state before the batch. Immutable once built; thread-safe.
 */
public final class EngineBatch {
    /** A write. */
    public enum MutationKind {
        /** Store {@link Mutation#value()} under {@link Mutation#key()}. */
        PUT,
        /** Remove {@link Mutation#key()}. */
        DELETE,
        /** Remove every key in {@code [key, end)}; {@code null} bounds are unbounded. */
        DELETE_RANGE
    }

    /**
     * One write of a batch.
     *
     * @param kind what it does
     * @param keyspace where
     * @param key the key, or the range start (possibly {@code null}) of a range delete
     * @param end the range end (possibly {@code null}) of a range delete, else {@code null}
     * @param value the value of a put, else {@code null}
     */
    public record Mutation(MutationKind kind, EngineKeyspace keyspace, byte[] key, byte[] end, byte[] value) {
    }

    /**
     * A condition on the state before the batch.
     *
     * <p>With {@code end == null} and {@code expectedRange == null}, a point condition: {@code key} holds
     * exactly {@code expectedValue}, or is absent when {@code expectedValue} is {@code null}. Otherwise a
     * range condition: the entries of {@code [key, end)} ({@code null} bounds unbounded; {@code key} may
     * be null for a range) are exactly {@code expectedRange}, keys and values, in ascending order.
     *
     * @param keyspace where
     * @param key the key, or the range start
     * @param end the range end, for range conditions
     * @param expectedValue the expected value of a point condition, or {@code null} for absent
     * @param expectedRange the expected entries of a range condition, or {@code null} for a point condition
     */
    public record Precondition(EngineKeyspace keyspace, byte[] key, byte[] end, byte[] expectedValue,
                               List<KeyValue> expectedRange) {
        /**
         * Whether this is a range condition.
         *
         * @return {@code true} for a range condition
         */
        public boolean isRange() {
            return expectedRange != null;
        }

        /**
         * Checks this condition against a view.
         *
         * @param reader the view, which the caller keeps consistent for the check
         * @return {@code true} if it holds
         */
        public boolean holds(EngineReader reader) {
            if (!isRange()) {
                return Arrays.equals(reader.get(keyspace, key), expectedValue);
            }
            int i = 0;
            try (EngineCursor c = reader.cursor(keyspace, key, end, false, false)) {
                while (c.next()) {
                    if (i >= expectedRange.size()) {
                        return false;
                    }
                    KeyValue e = expectedRange.get(i++);
                    if (!Arrays.equals(c.key(), e.key()) || !Arrays.equals(c.value(), e.value())) {
                        return false;
                    }
                }
            }
            return i == expectedRange.size();
        }
    }

    private final List<Mutation> mutations;
    private final List<Precondition> preconditions;
    private final Durability durability;

    private EngineBatch(List<Mutation> mutations, List<Precondition> preconditions, Durability durability) {
        this.mutations = mutations;
        this.preconditions = preconditions;
        this.durability = durability;
    }

    /**
     * A builder for a batch with the given durability.
     *
     * @param durability the durability the engine must give the batch
     * @return a new builder
     */
    public static Builder builder(Durability durability) {
        return new Builder(Objects.requireNonNull(durability, "durability"));
    }

    /**
     * The writes, in order.
     *
     * @return an unmodifiable list
     */
    public List<Mutation> mutations() {
        return mutations;
    }

    /**
     * The conditions, all of which must hold against the state before the batch.
     *
     * @return an unmodifiable list
     */
    public List<Precondition> preconditions() {
        return preconditions;
    }

    /**
     * The durability the engine must give this batch.
     *
     * @return the level
     */
    public Durability durability() {
        return durability;
    }

    /**
     * Checks every precondition against a view; for engines that check under their own write lock.
     *
     * @param reader the state before the batch, kept consistent by the caller during the check
     * @return {@code true} if every precondition holds
     */
    public boolean preconditionsHold(EngineReader reader) {
        for (Precondition p : preconditions) {
            if (!p.holds(reader)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The total bytes of keys and values in the mutations.
     *
     * @return the byte count
     */
    public long mutationBytes() {
        long n = 0;
        for (Mutation m : mutations) {
            n += len(m.key()) + len(m.end()) + len(m.value());
        }
        return n;
    }

    private static int len(byte[] b) {
        return b == null ? 0 : b.length;
    }

    /**
     * A builder with these mutations and preconditions and another durability; for decorators.
     *
     * @param durability the durability of the new batch
     * @return a new builder
     */
    public Builder toBuilder(Durability durability) {
        Builder b = builder(durability);
        b.mutations.addAll(mutations);
        b.preconditions.addAll(preconditions);
        return b;
    }

    @Override
    public String toString() {
        return "EngineBatch[" + mutations.size() + " mutations, " + preconditions.size() + " preconditions, "
                + durability + "]";
    }

    /** Builds an {@link EngineBatch}. Not thread-safe. */
    public static final class Builder {
        private final Durability durability;
        private final List<Mutation> mutations = new ArrayList<>();
        private final List<Precondition> preconditions = new ArrayList<>();

        private Builder(Durability durability) {
            this.durability = durability;
        }

        /**
         * Adds a put.
         *
         * @param keyspace where
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder put(EngineKeyspace keyspace, byte[] key, byte[] value) {
            mutations.add(new Mutation(MutationKind.PUT, keyspace, key, null, value));
            return this;
        }

        /**
         * Adds a delete.
         *
         * @param keyspace where
         * @param key the key
         * @return this builder
         */
        public Builder delete(EngineKeyspace keyspace, byte[] key) {
            mutations.add(new Mutation(MutationKind.DELETE, keyspace, key, null, null));
            return this;
        }

        /**
         * Adds a range delete.
         *
         * @param keyspace where
         * @param start inclusive start, or {@code null}
         * @param end exclusive end, or {@code null}
         * @return this builder
         */
        public Builder deleteRange(EngineKeyspace keyspace, byte[] start, byte[] end) {
            mutations.add(new Mutation(MutationKind.DELETE_RANGE, keyspace, start, end, null));
            return this;
        }

        /**
         * Adds a point precondition.
         *
         * @param keyspace where
         * @param key the key
         * @param expected the exact value the key must hold, or {@code null} for absent
         * @return this builder
         */
        public Builder requireValue(EngineKeyspace keyspace, byte[] key, byte[] expected) {
            preconditions.add(new Precondition(keyspace, key, null, expected, null));
            return this;
        }

        /**
         * Adds a range precondition.
         *
         * @param keyspace where
         * @param start inclusive start, or {@code null}
         * @param end exclusive end, or {@code null}
         * @param expected the exact entries the range must hold, ascending
         * @return this builder
         */
        public Builder requireRange(EngineKeyspace keyspace, byte[] start, byte[] end, List<KeyValue> expected) {
            preconditions.add(new Precondition(keyspace, start, end, null, List.copyOf(expected)));
            return this;
        }

        /**
         * Whether no mutation was added.
         *
         * @return {@code true} if there are no mutations
         */
        public boolean hasNoMutations() {
            return mutations.isEmpty();
        }

        /**
         * Builds the batch.
         *
         * @return the batch
         */
        public EngineBatch build() {
            return new EngineBatch(Collections.unmodifiableList(new ArrayList<>(mutations)),
                    Collections.unmodifiableList(new ArrayList<>(preconditions)), durability);
        }
    }
}
