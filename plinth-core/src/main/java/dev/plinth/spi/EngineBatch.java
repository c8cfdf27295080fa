package dev.plinth.spi;

import dev.plinth.Durability;
import dev.plinth.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the core asks an engine to apply atomically: mutations in order, guarded by preconditions that
 * are checked against the state before the batch. Immutable once built; thread-safe.
 */
public final class EngineBatch {
    /** {@link Mutation#expiresAtMillis()} of an entry that never expires, and of deletes. */
    public static final long NEVER = 0;

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
     * @param expiresAtMillis when a put's entry expires, in milliseconds of the store's clock
     *     ({@link dev.plinth.StoreOptions.Builder#clock}), or {@link #NEVER}; for an engine that declares
     *     {@link dev.plinth.Capabilities#nativeTtl()}, which may reclaim the entry from then on
     */
    public record Mutation(MutationKind kind, EngineKeyspace keyspace, byte[] key, byte[] end, byte[] value,
                           long expiresAtMillis) {
    }

    /**
     * A condition on the state before the batch, one of four kinds. Two compare stored values and every
     * engine checks them ({@link #holds(EngineReader)} does it against a consistent view); two compare
     * versions and only engines that declare {@link dev.plinth.Capabilities#versionedPreconditions()} get
     * them, which check them with their own {@link ChangeTracker}.
     */
    public sealed interface Precondition permits ValueEquals, RangeEquals, VersionPrecondition {
        /**
         * The keyspace the condition is about.
         *
         * @return the keyspace
         */
        EngineKeyspace keyspace();

        /**
         * Whether this condition compares versions ({@link KeyUnchangedSince}, {@link RangeUnchangedSince}).
         *
         * @return {@code true} for a version condition
         */
        default boolean isVersioned() {
            return false;
        }

        /**
         * Checks a value condition against a view.
         *
         * @param reader the view, which the caller keeps consistent for the check
         * @return {@code true} if it holds
         * @throws IllegalStateException for a version condition, which a view of values cannot decide
         */
        boolean holds(EngineReader reader);
    }

    /**
     * The key holds exactly {@code expected}, or is absent when {@code expected} is {@code null}; when
     * {@code orAbsent} is set, an absent key also satisfies it. The core sets {@code orAbsent} when the value
     * it expects had expired already, so that reclaiming it (which deletes it) is not taken for a change.
     *
     * @param keyspace where
     * @param key the key
     * @param expected the exact stored value, or {@code null} for absent
     * @param orAbsent whether an absent key satisfies it too
     */
    public record ValueEquals(EngineKeyspace keyspace, byte[] key, byte[] expected, boolean orAbsent)
            implements Precondition {
        @Override
        public boolean holds(EngineReader reader) {
            byte[] actual = reader.get(keyspace, key);
            return Arrays.equals(actual, expected) || (orAbsent && actual == null);
        }
    }

    /**
     * The entries of {@code [start, end)} ({@code null} bounds unbounded) are exactly {@code expected}, keys
     * and values in ascending order, except that entries of {@code mayBeGone} (the core's expired entries,
     * which reclamation may have deleted) may each be there, with exactly that value, or not.
     *
     * @param keyspace where
     * @param start the inclusive start, or {@code null}
     * @param end the exclusive end, or {@code null}
     * @param expected the entries that must be there, ascending
     * @param mayBeGone the entries that may be there or not, ascending, with keys not in {@code expected}
     */
    public record RangeEquals(EngineKeyspace keyspace, byte[] start, byte[] end, List<KeyValue> expected,
                              List<KeyValue> mayBeGone) implements Precondition {
        @Override
        public boolean holds(EngineReader reader) {
            int i = 0;
            int optional = 0;
            try (EngineCursor c = reader.cursor(keyspace, ScanSpec.of(start, end))) {
                while (c.next()) {
                    byte[] key = c.key();
                    if (i < expected.size() && Arrays.equals(key, expected.get(i).key())) {
                        if (!Arrays.equals(c.value(), expected.get(i).value())) {
                            return false;
                        }
                        i++;
                        continue;
                    }
                    while (optional < mayBeGone.size() && Arrays.compareUnsigned(mayBeGone.get(optional).key(), key) < 0) {
                        optional++;
                    }
                    if (optional < mayBeGone.size() && Arrays.equals(mayBeGone.get(optional).key(), key)
                            && Arrays.equals(mayBeGone.get(optional).value(), c.value())) {
                        optional++;
                        continue;
                    }
                    return false; // an entry that was not there, or one that was skipped
                }
            }
            return i == expected.size();
        }
    }

    /**
     * A condition on versions, which a view of values cannot decide: only engines that declare
     * {@link dev.plinth.Capabilities#versionedPreconditions()} get one, and check it with their
     * {@link ChangeTracker}.
     */
    public sealed interface VersionPrecondition extends Precondition permits KeyUnchangedSince, RangeUnchangedSince {
        /**
         * The version the key or range must be unchanged since.
         *
         * @return the version
         */
        long version();

        @Override
        default boolean isVersioned() {
            return true;
        }

        /**
         * Always throws: a view of values cannot decide a version condition.
         *
         * @param reader ignored
         * @return never
         * @throws IllegalStateException always
         */
        @Override
        default boolean holds(EngineReader reader) {
            throw new IllegalStateException("a version precondition needs the engine's ChangeTracker: " + this);
        }
    }

    /**
     * No batch changed the key after {@code version}: its value then is its value now. A version is what
     * {@link EngineSnapshot#version()} of this engine returned; the core keeps that snapshot open until the
     * batch is applied. Only for engines that declare {@link dev.plinth.Capabilities#versionedPreconditions()}.
     *
     * @param keyspace where
     * @param key the key
     * @param version the version it must be unchanged since
     */
    public record KeyUnchangedSince(EngineKeyspace keyspace, byte[] key, long version) implements VersionPrecondition {
    }

    /**
     * No batch changed, added or removed any key of {@code [start, end)} ({@code null} bounds unbounded) after
     * {@code version}. As for {@link KeyUnchangedSince}.
     *
     * @param keyspace where
     * @param start the inclusive start, or {@code null}
     * @param end the exclusive end, or {@code null}
     * @param version the version the range must be unchanged since
     */
    public record RangeUnchangedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version)
            implements VersionPrecondition {
    }

    private final List<Mutation> mutations;
    private final List<Precondition> preconditions;
    private final Durability durability;
    private final boolean reclaimsOnly;

    private EngineBatch(List<Mutation> mutations, List<Precondition> preconditions, Durability durability,
                        boolean reclaimsOnly) {
        this.mutations = mutations;
        this.preconditions = preconditions;
        this.durability = durability;
        this.reclaimsOnly = reclaimsOnly;
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
     * Whether this batch only reclaims: every mutation deletes an entry that was already logically absent
     * (its time to live ran out). Such deletes change no key as far as version preconditions are concerned:
     * an engine that declares {@link dev.plinth.Capabilities#versionedPreconditions()} must not let them fail
     * a later {@link KeyUnchangedSince} or {@link RangeUnchangedSince}. Engines without versions ignore it.
     *
     * @return {@code true} for a reclaiming batch
     */
    public boolean reclaimsOnly() {
        return reclaimsOnly;
    }

    /**
     * Checks every precondition against a view; for engines without versions, which check under their own
     * write lock. The core never sends them a version precondition.
     *
     * @param reader the state before the batch, kept consistent by the caller during the check
     * @return {@code true} if every precondition holds
     * @throws IllegalStateException if the batch holds a version precondition
     */
    public boolean preconditionsHold(EngineReader reader) {
        return preconditionsHold(reader, null);
    }

    /**
     * Checks every precondition: value conditions against a view, version conditions with the engine's
     * change tracker; for engines that declare {@link dev.plinth.Capabilities#versionedPreconditions()}.
     *
     * @param reader the state before the batch, kept consistent by the caller during the check
     * @param changes what changed since a version, consistent with {@code reader}; {@code null} if the engine
     *     has no versions
     * @return {@code true} if every precondition holds
     * @throws IllegalStateException if the batch holds a version precondition and {@code changes} is null
     */
    public boolean preconditionsHold(EngineReader reader, ChangeTracker changes) {
        for (Precondition p : preconditions) {
            boolean holds;
            if (p instanceof KeyUnchangedSince k && changes != null) {
                holds = !changes.changedSince(k.keyspace(), k.key(), k.version());
            } else if (p instanceof RangeUnchangedSince r && changes != null) {
                holds = !changes.changedSince(r.keyspace(), r.start(), r.end(), r.version());
            } else {
                holds = p.holds(reader);
            }
            if (!holds) {
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
        for (Mutation m : mutations) {
            b.add(m);
        }
        for (Precondition p : preconditions) {
            b.require(p);
        }
        b.reclaimsOnly = reclaimsOnly;
        return b;
    }

    @Override
    public String toString() {
        return "EngineBatch[" + mutations.size() + " mutations, " + preconditions.size() + " preconditions, "
                + durability + (reclaimsOnly ? ", reclaims only" : "") + "]";
    }

    /** Builds an {@link EngineBatch}. Not thread-safe. */
    public static final class Builder {
        private final Durability durability;
        // Most batches the core builds hold one mutation and no precondition (a put, a delete): the lists
        // are made only when needed, so building one allocates no list beyond the batch's own.
        /** The first mutation, while it is the only one; {@code null} once {@link #more} holds them all. */
        private Mutation first;
        /** Every mutation in order, once there are two or more; else {@code null}. */
        private ArrayList<Mutation> more;
        /** The preconditions in order; {@code null} while there are none. */
        private ArrayList<Precondition> preconditions;
        private boolean reclaimsOnly;

        private Builder(Durability durability) {
            this.durability = durability;
        }

        private Builder add(Mutation m) {
            if (more != null) {
                more.add(m);
            } else if (first == null) {
                first = m;
            } else {
                more = new ArrayList<>();
                more.add(first);
                more.add(m);
                first = null;
            }
            return this;
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
            return put(keyspace, key, value, NEVER);
        }

        /**
         * Adds a put of an entry that expires.
         *
         * @param keyspace where
         * @param key the key
         * @param value the value
         * @param expiresAtMillis when it expires in the store's clock ({@link Mutation#expiresAtMillis()}), or
         *     {@link #NEVER}
         * @return this builder
         */
        public Builder put(EngineKeyspace keyspace, byte[] key, byte[] value, long expiresAtMillis) {
            return add(new Mutation(MutationKind.PUT, keyspace, key, null, value, expiresAtMillis));
        }

        /**
         * Adds a delete.
         *
         * @param keyspace where
         * @param key the key
         * @return this builder
         */
        public Builder delete(EngineKeyspace keyspace, byte[] key) {
            return add(new Mutation(MutationKind.DELETE, keyspace, key, null, null, NEVER));
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
            return add(new Mutation(MutationKind.DELETE_RANGE, keyspace, start, end, null, NEVER));
        }

        /**
         * Adds a {@link ValueEquals} precondition that an absent key does not satisfy (unless expected).
         *
         * @param keyspace where
         * @param key the key
         * @param expected the exact value the key must hold, or {@code null} for absent
         * @return this builder
         */
        public Builder requireValue(EngineKeyspace keyspace, byte[] key, byte[] expected) {
            return require(new ValueEquals(keyspace, key, expected, false));
        }

        /**
         * Adds a {@link RangeEquals} precondition with no optional entries.
         *
         * @param keyspace where
         * @param start inclusive start, or {@code null}
         * @param end exclusive end, or {@code null}
         * @param expected the exact entries the range must hold, ascending
         * @return this builder
         */
        public Builder requireRange(EngineKeyspace keyspace, byte[] start, byte[] end, List<KeyValue> expected) {
            return require(new RangeEquals(keyspace, start, end, List.copyOf(expected), List.of()));
        }

        /**
         * Adds a {@link KeyUnchangedSince} precondition.
         *
         * @param keyspace where
         * @param key the key
         * @param version a version an open snapshot of this engine returned
         * @return this builder
         */
        public Builder requireUnchangedSince(EngineKeyspace keyspace, byte[] key, long version) {
            return require(new KeyUnchangedSince(keyspace, key, version));
        }

        /**
         * Adds a {@link RangeUnchangedSince} precondition.
         *
         * @param keyspace where
         * @param start inclusive start, or {@code null}
         * @param end exclusive end, or {@code null}
         * @param version a version an open snapshot of this engine returned
         * @return this builder
         */
        public Builder requireRangeUnchangedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version) {
            return require(new RangeUnchangedSince(keyspace, start, end, version));
        }

        /**
         * Adds a precondition of any kind; for decorators that rebuild a batch.
         *
         * @param precondition the condition
         * @return this builder
         */
        public Builder require(Precondition precondition) {
            Objects.requireNonNull(precondition, "precondition");
            if (preconditions == null) {
                preconditions = new ArrayList<>();
            }
            preconditions.add(precondition);
            return this;
        }

        /**
         * Marks the batch as one that only reclaims expired entries ({@link EngineBatch#reclaimsOnly()}).
         *
         * @return this builder
         */
        public Builder reclaiming() {
            this.reclaimsOnly = true;
            return this;
        }

        /**
         * Whether no mutation was added.
         *
         * @return {@code true} if there are no mutations
         */
        public boolean hasNoMutations() {
            return first == null && more == null;
        }

        /**
         * Builds the batch.
         *
         * @return the batch
         */
        public EngineBatch build() {
            List<Mutation> ms = more != null ? List.copyOf(more) : first != null ? List.of(first) : List.of();
            List<Precondition> ps = preconditions == null ? List.of() : List.copyOf(preconditions);
            return new EngineBatch(ms, ps, durability, reclaimsOnly);
        }
    }
}
