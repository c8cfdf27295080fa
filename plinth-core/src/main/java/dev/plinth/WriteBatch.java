package dev.plinth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of writes and checks applied atomically by {@link Store#write(WriteBatch)}, across any
 * keyspaces of one store.
 *
 * <p>Operations take effect in the order they were added: a later operation sees the effect of earlier
 * ones, so a {@link #requireAbsent(Keyspace, byte[])} after a {@link #put} of the same key fails the
 * batch. Checks ({@code require...}) are evaluated atomically with the writes: either every check holds
 * and every write is applied, or nothing is. Keys and values are copied when added.
 *
 * <p>Write options are given per write, as everywhere ({@link Keyspace#put(byte[], byte[], WriteOptions)},
 * {@link Transaction#put(Keyspace, byte[], byte[], WriteOptions)}): a put's time to live is its own, and the
 * batch is applied at the strongest {@link Durability} any of its writes asked for, or the store's default
 * if none asked. A time to live given with a delete is refused.
 *
 * <p>Not thread-safe. A batch may be written more than once; it is not changed by writing it. Limits
 * ({@link Capabilities#maxBatchOps()}, {@link Capabilities#maxBatchBytes()}, key and value sizes) are
 * checked when the batch is written, before anything is applied.
 */
public final class WriteBatch {
    /** What an {@link Operation} does. */
    public enum Kind {
        /** Write {@link Operation#value()} under {@link Operation#key()}. */
        PUT,
        /** Remove {@link Operation#key()}. */
        DELETE,
        /** Remove every key in {@link Operation#range()}. */
        DELETE_RANGE,
        /** Fail the batch unless {@link Operation#key()} holds exactly {@link Operation#value()}. */
        REQUIRE_EQUALS,
        /** Fail the batch unless {@link Operation#key()} is absent (or expired). */
        REQUIRE_ABSENT
    }

    /**
     * One operation of a batch. Immutable: its accessors return copies, so the batch cannot be changed
     * through them.
     */
    public static final class Operation {
        private final Kind kind;
        private final Keyspace keyspace;
        private final byte[] key;
        private final byte[] end;
        private final byte[] value;
        private final WriteOptions options;

        private Operation(Kind kind, Keyspace keyspace, byte[] key, byte[] end, byte[] value, WriteOptions options) {
            this.kind = kind;
            this.keyspace = keyspace;
            this.key = key;
            this.end = end;
            this.value = value;
            this.options = options;
        }

        /**
         * What the operation does.
         *
         * @return the kind
         */
        public Kind kind() {
            return kind;
        }

        /**
         * The keyspace it applies to.
         *
         * @return the keyspace
         */
        public Keyspace keyspace() {
            return keyspace;
        }

        /**
         * The key of a put, delete or check.
         *
         * @return a copy of the key
         * @throws IllegalStateException for a {@link Kind#DELETE_RANGE}, which has a {@link #range()}
         */
        public byte[] key() {
            if (kind == Kind.DELETE_RANGE) {
                throw new IllegalStateException("a range delete has a range, not a key: " + this);
            }
            return key.clone();
        }

        /**
         * The range of a {@link Kind#DELETE_RANGE}.
         *
         * @return the range
         * @throws IllegalStateException for any other kind
         */
        public Range range() {
            if (kind != Kind.DELETE_RANGE) {
                throw new IllegalStateException("only a range delete has a range: " + this);
            }
            return Range.of(key, end);
        }

        /**
         * The value of a {@link Kind#PUT} or {@link Kind#REQUIRE_EQUALS}.
         *
         * @return a copy of the value, or {@code null} for the other kinds
         */
        public byte[] value() {
            return value == null ? null : value.clone();
        }

        /**
         * The options the write was added with.
         *
         * @return the options; {@link WriteOptions#DEFAULT} for checks and writes added without
         */
        public WriteOptions options() {
            return options;
        }

        @Override
        public String toString() {
            return kind + " in " + keyspace.name() + (kind == Kind.DELETE_RANGE ? " " + Range.of(key, end) : "")
                    + (options == WriteOptions.DEFAULT ? "" : " " + options);
        }
    }

    private final List<Operation> operations = new ArrayList<>();

    /** Makes an empty batch. */
    public WriteBatch() {
    }

    /**
     * Adds a put with the store's default durability and no time to live.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     * @return this batch
     * @throws NullPointerException if an argument is null
     */
    public WriteBatch put(Keyspace keyspace, byte[] key, byte[] value) {
        return put(keyspace, key, value, WriteOptions.DEFAULT);
    }

    /**
     * Adds a put with options: its own time to live, and a durability the whole batch is applied with at
     * least.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     * @param options the options
     * @return this batch
     * @throws NullPointerException if an argument is null
     */
    public WriteBatch put(Keyspace keyspace, byte[] key, byte[] value, WriteOptions options) {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(options, "options");
        operations.add(new Operation(Kind.PUT, keyspace, key.clone(), null, value.clone(), options));
        return this;
    }

    /**
     * Adds a delete.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @return this batch
     * @throws NullPointerException if an argument is null
     */
    public WriteBatch delete(Keyspace keyspace, byte[] key) {
        return delete(keyspace, key, WriteOptions.DEFAULT);
    }

    /**
     * Adds a delete with options: a durability the whole batch is applied with at least.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param options the options, without a time to live
     * @return this batch
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the options have a time to live
     */
    public WriteBatch delete(Keyspace keyspace, byte[] key, WriteOptions options) {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(key, "key");
        WriteOptions.requireNoTtl(options, "delete");
        operations.add(new Operation(Kind.DELETE, keyspace, key.clone(), null, null, options));
        return this;
    }

    /**
     * Adds a range delete.
     *
     * @param keyspace the keyspace
     * @param range the keys to remove
     * @return this batch
     * @throws NullPointerException if an argument is null
     */
    public WriteBatch deleteRange(Keyspace keyspace, Range range) {
        return deleteRange(keyspace, range, WriteOptions.DEFAULT);
    }

    /**
     * Adds a range delete with options: a durability the whole batch is applied with at least.
     *
     * @param keyspace the keyspace
     * @param range the keys to remove
     * @param options the options, without a time to live
     * @return this batch
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the options have a time to live
     */
    public WriteBatch deleteRange(Keyspace keyspace, Range range, WriteOptions options) {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(range, "range");
        WriteOptions.requireNoTtl(options, "deleteRange");
        operations.add(new Operation(Kind.DELETE_RANGE, keyspace, range.start(), range.end(), null, options));
        return this;
    }

    /**
     * Adds a check that a key holds exactly a value at this point of the batch.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value the key must hold
     * @return this batch
     * @throws NullPointerException if an argument is null
     */
    public WriteBatch requireEquals(Keyspace keyspace, byte[] key, byte[] value) {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        operations.add(new Operation(Kind.REQUIRE_EQUALS, keyspace, key.clone(), null, value.clone(),
                WriteOptions.DEFAULT));
        return this;
    }

    /**
     * Adds a check that a key is absent (or expired) at this point of the batch.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @return this batch
     * @throws NullPointerException if an argument is null
     */
    public WriteBatch requireAbsent(Keyspace keyspace, byte[] key) {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(key, "key");
        operations.add(new Operation(Kind.REQUIRE_ABSENT, keyspace, key.clone(), null, null, WriteOptions.DEFAULT));
        return this;
    }

    /**
     * The durability the batch asks for: the strongest any of its writes asked for.
     *
     * @return the durability, or {@code null} for the store's default when none asked
     */
    public Durability durability() {
        Durability strongest = null;
        for (Operation o : operations) {
            Durability d = o.options.durability();
            if (d != null && (strongest == null || d.atLeast(strongest))) {
                strongest = d;
            }
        }
        return strongest;
    }

    /**
     * The operations in the order they were added.
     *
     * @return an unmodifiable view
     */
    public List<Operation> operations() {
        return Collections.unmodifiableList(operations);
    }

    /**
     * The number of operations, checks included.
     *
     * @return the size
     */
    public int size() {
        return operations.size();
    }

    /**
     * Whether the batch has no operations.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /**
     * Removes every operation.
     *
     * @return this batch
     */
    public WriteBatch clear() {
        operations.clear();
        return this;
    }
}
