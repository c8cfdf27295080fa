package dev.plinth;

import java.time.Duration;
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
        /** Remove every key in {@code [key, end)}. */
        DELETE_RANGE,
        /** Fail the batch unless {@link Operation#key()} holds exactly {@link Operation#value()}. */
        REQUIRE_EQUALS,
        /** Fail the batch unless {@link Operation#key()} is absent (or expired). */
        REQUIRE_ABSENT
    }

    /**
     * One operation of a batch. The arrays are the batch's own copies: do not change them.
     *
     * @param kind what the operation does
     * @param keyspace the keyspace it applies to
     * @param key the key; the range start (or {@code null}) for {@link Kind#DELETE_RANGE}
     * @param end the exclusive range end (or {@code null}) for {@link Kind#DELETE_RANGE}, else {@code null}
     * @param value the value for {@link Kind#PUT} and {@link Kind#REQUIRE_EQUALS}, else {@code null}
     * @param ttl the time to live of a {@link Kind#PUT}, or {@code null}
     */
    public record Operation(Kind kind, Keyspace keyspace, byte[] key, byte[] end, byte[] value, Duration ttl) {
        /**
         * The range of a {@link Kind#DELETE_RANGE}.
         *
         * @return the range
         */
        public Range range() {
            return Range.of(key, end);
        }
    }

    private final List<Operation> operations = new ArrayList<>();
    private Durability durability;

    /** Makes an empty batch with the store's default durability. */
    public WriteBatch() {
    }

    /**
     * Adds a put.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     * @return this batch
     * @throws NullPointerException if an argument is null
     */
    public WriteBatch put(Keyspace keyspace, byte[] key, byte[] value) {
        return put(keyspace, key, value, null);
    }

    /**
     * Adds a put with a time to live.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     * @param ttl how long the entry stays visible, or {@code null} for no expiry
     * @return this batch
     * @throws NullPointerException if the keyspace, key or value is null
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    public WriteBatch put(Keyspace keyspace, byte[] key, byte[] value, Duration ttl) {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        operations.add(new Operation(Kind.PUT, keyspace, key.clone(), null, value.clone(), ttl));
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
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(key, "key");
        operations.add(new Operation(Kind.DELETE, keyspace, key.clone(), null, null, null));
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
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(range, "range");
        operations.add(new Operation(Kind.DELETE_RANGE, keyspace, range.start(), range.end(), null, null));
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
        operations.add(new Operation(Kind.REQUIRE_EQUALS, keyspace, key.clone(), null, value.clone(), null));
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
        operations.add(new Operation(Kind.REQUIRE_ABSENT, keyspace, key.clone(), null, null, null));
        return this;
    }

    /**
     * Sets the durability of the whole batch, overriding the store's default.
     *
     * @param durability the durability, or {@code null} for the store's default
     * @return this batch
     */
    public WriteBatch durability(Durability durability) {
        this.durability = durability;
        return this;
    }

    /**
     * The batch's durability.
     *
     * @return the durability, or {@code null} for the store's default
     */
    public Durability durability() {
        return durability;
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
     * Removes every operation and resets the durability.
     *
     * @return this batch
     */
    public WriteBatch clear() {
        operations.clear();
        durability = null;
        return this;
    }
}
