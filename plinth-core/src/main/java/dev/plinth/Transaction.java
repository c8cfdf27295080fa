package dev.plinth;

import java.time.Duration;

/**
 * A read-write transaction over one store, with an {@link Isolation} level.
 *
 * <p>Reads see the snapshot taken at {@link Store#begin(Isolation)} plus this transaction's own writes,
 * in {@link #get} and in cursors alike. Writes are buffered and invisible to everyone else until
 * {@link #commit()}, which applies them atomically or fails with {@link ConflictException} and applies
 * nothing. {@link #rollback()} or {@link #close()} without commit discards them without a trace.
 *
 * <p>Not thread-safe: use a transaction from one thread. Cursors opened from a transaction see the
 * transaction's writes made before the cursor was opened; commit and rollback close them. After commit,
 * rollback or close, every operation throws {@link IllegalStateException}; after the store's close,
 * {@link StoreClosedException}.
 */
public interface Transaction extends ReadView, AutoCloseable {
    /**
     * The isolation level the transaction was begun with.
     *
     * @return the level
     */
    Isolation isolation();

    /**
     * Buffers a put.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     */
    void put(Keyspace keyspace, byte[] key, byte[] value);

    /**
     * Buffers a put with a time to live; see {@link WriteOptions#withTtl(Duration)}.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     * @param ttl how long the entry stays visible after commit, or {@code null} for no expiry
     */
    void put(Keyspace keyspace, byte[] key, byte[] value, Duration ttl);

    /**
     * Buffers a delete.
     *
     * @param keyspace the keyspace
     * @param key the key
     */
    void delete(Keyspace keyspace, byte[] key);

    /**
     * Buffers a range delete.
     *
     * @param keyspace the keyspace
     * @param range the keys to remove
     */
    void deleteRange(Keyspace keyspace, Range range);

    /**
     * Sets the durability of the commit.
     *
     * @param durability the durability, or {@code null} for the store's default
     * @throws UnsupportedCapabilityException if the engine does not honour it
     */
    void durability(Durability durability);

    /**
     * Applies the buffered writes atomically and ends the transaction. A transaction that wrote nothing
     * commits without checks. Whether the commit succeeds or fails, the transaction is over afterwards.
     *
     * @throws ConflictException if the isolation level's checks fail; nothing was applied and the
     *     transaction may be retried from the start
     * @throws IllegalStateException if the transaction already ended
     */
    void commit();

    /**
     * Discards the buffered writes and ends the transaction. Idempotent after the transaction ended.
     */
    void rollback();

    /**
     * Whether the transaction has neither committed nor rolled back.
     *
     * @return {@code true} while open
     */
    boolean isOpen();

    /** Rolls back if the transaction is still open. Idempotent. */
    @Override
    void close();
}
