package dev.plinth;

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
     * Buffers a put with the store's default durability and no time to live.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     */
    void put(Keyspace keyspace, byte[] key, byte[] value);

    /**
     * Buffers a put with options, as {@link Keyspace#put(byte[], byte[], WriteOptions)}: its time to live
     * counts from the commit, and the commit is made with at least its durability.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param value the value
     * @param options the durability and time to live
     * @throws UnsupportedCapabilityException if the durability is not honoured by the engine
     */
    void put(Keyspace keyspace, byte[] key, byte[] value, WriteOptions options);

    /**
     * Buffers a delete.
     *
     * @param keyspace the keyspace
     * @param key the key
     */
    void delete(Keyspace keyspace, byte[] key);

    /**
     * Buffers a delete with options; the commit is made with at least their durability.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param options the durability; a time to live is refused
     * @throws IllegalArgumentException if the options have a time to live
     * @throws UnsupportedCapabilityException if the durability is not honoured by the engine
     */
    void delete(Keyspace keyspace, byte[] key, WriteOptions options);

    /**
     * Buffers a range delete.
     *
     * @param keyspace the keyspace
     * @param range the keys to remove
     */
    void deleteRange(Keyspace keyspace, Range range);

    /**
     * Buffers a range delete with options; the commit is made with at least their durability.
     *
     * @param keyspace the keyspace
     * @param range the keys to remove
     * @param options the durability; a time to live is refused
     * @throws IllegalArgumentException if the options have a time to live
     * @throws UnsupportedCapabilityException if the durability is not honoured by the engine
     */
    void deleteRange(Keyspace keyspace, Range range, WriteOptions options);

    /**
     * Applies the buffered writes atomically and ends the transaction, with the strongest durability any of
     * its writes asked for, or the store's default if none asked. A transaction that wrote nothing
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
