package dev.plinth;

/**
 * A named, independent key space of one {@link Store}, with the store's operations bound to it.
 *
 * <p>Thread-safe. A keyspace handle stays valid until the keyspace is dropped; after that every
 * operation throws {@link NoSuchKeyspaceException}, even if a keyspace of the same name is created again
 * (cursors already open keep reading; see {@link Store#dropKeyspace(String)}). Each method is the store-level operation of the same
 * name applied to this keyspace; see {@link ReadView} for what reads see and
 * {@link dev.plinth} for argument checking.
 */
public interface Keyspace {
    /**
     * The keyspace's name.
     *
     * @return the name
     */
    String name();

    /**
     * The store this keyspace belongs to.
     *
     * @return the store
     */
    Store store();

    /**
     * Reads the latest committed value of a key.
     *
     * @param key the key
     * @return a new array holding the value, or {@code null} if absent or expired
     */
    byte[] get(byte[] key);

    /**
     * Whether a key is present in the latest committed state.
     *
     * @param key the key
     * @return {@code true} if present and not expired
     */
    boolean contains(byte[] key);

    /**
     * Writes a value with the store's default durability and no time to live.
     *
     * @param key the key, 1 byte or longer and within {@link Capabilities#maxKeySize()}
     * @param value the value, possibly empty, within {@link Capabilities#maxValueSize()}
     */
    void put(byte[] key, byte[] value);

    /**
     * Writes a value.
     *
     * @param key the key
     * @param value the value
     * @param options durability and time to live
     * @throws UnsupportedCapabilityException if the durability is not honoured by the engine
     */
    void put(byte[] key, byte[] value, WriteOptions options);

    /**
     * Removes a key, if present, with the store's default durability.
     *
     * @param key the key
     */
    void delete(byte[] key);

    /**
     * Removes a key, if present.
     *
     * @param key the key
     * @param options the durability; a time to live is refused
     * @throws IllegalArgumentException if the options have a time to live
     * @throws UnsupportedCapabilityException if the durability is not honoured by the engine
     */
    void delete(byte[] key, WriteOptions options);

    /**
     * Removes every key in a range, atomically, with the store's default durability.
     *
     * @param range the keys to remove
     */
    void deleteRange(Range range);

    /**
     * Removes every key in a range, atomically.
     *
     * @param range the keys to remove
     * @param options the durability; a time to live is refused
     * @throws IllegalArgumentException if the options have a time to live
     * @throws UnsupportedCapabilityException if the durability is not honoured by the engine
     */
    void deleteRange(Range range, WriteOptions options);

    /**
     * Opens a cursor over the latest committed state of a range; see
     * {@link ReadView#cursor(Keyspace, Range, ScanOptions)}. The caller must close it.
     *
     * @param range the keys to walk
     * @param options direction, limit, keys-only
     * @return a new cursor
     */
    Cursor cursor(Range range, ScanOptions options);

    /**
     * Opens a forward cursor over a range. The caller must close it.
     *
     * @param range the keys to walk
     * @return a new cursor
     */
    default Cursor cursor(Range range) {
        return cursor(range, ScanOptions.forward());
    }

    /**
     * Reads a range into a list; see {@link ReadView#scan(Keyspace, Range, ScanOptions)}.
     *
     * @param range the keys to read
     * @param options direction, limit, keys-only
     * @return the entries in cursor order
     */
    java.util.List<KeyValue> scan(Range range, ScanOptions options);

    /**
     * Atomically replaces a key's value if it currently equals {@code expected}.
     *
     * <p>{@code expected == null} means "only if absent" (an expired entry counts as absent);
     * {@code newValue == null} means "delete". Under any number of racing callers with the same
     * {@code expected}, exactly one succeeds.
     *
     * @param key the key
     * @param expected the value the key must hold, or {@code null} for absent
     * @param newValue the value to write, or {@code null} to delete
     * @return {@code true} if the key held {@code expected} and now holds {@code newValue}; {@code false}
     *     if it did not, in which case nothing was written
     * @throws ConflictException if other writers changed the key between its evaluation and its apply so
     *     many times in a row that it gave up (as {@link Store#write(WriteBatch)}); nothing was written
     */
    boolean compareAndSet(byte[] key, byte[] expected, byte[] newValue);

    /**
     * {@link #compareAndSet(byte[], byte[], byte[])} with write options.
     *
     * @param key the key
     * @param expected the value the key must hold, or {@code null} for absent
     * @param newValue the value to write, or {@code null} to delete
     * @param options durability, and time to live of the new value (refused when {@code newValue} is null)
     * @return whether the swap happened
     * @throws ConflictException as {@link #compareAndSet(byte[], byte[], byte[])}
     */
    boolean compareAndSet(byte[] key, byte[] expected, byte[] newValue, WriteOptions options);
}
