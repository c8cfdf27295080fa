package dev.plinth;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads over keyspaces: the operations a {@link Store}, a {@link Snapshot} and a {@link Transaction}
 * share. What a read sees depends on the view: the latest committed state for a store, a fixed point in
 * time for a snapshot, and the transaction's snapshot plus its own writes for a transaction.
 *
 * <p>Time to live: an entry written at instant {@code w} with time to live {@code t} is absent from every
 * read that starts at or after {@code w + t} by the store's clock, whatever view it is read through; a
 * point read starts when it is called, a cursor's reads start when the cursor is opened.
 */
public interface ReadView {
    /**
     * Reads one key.
     *
     * @param keyspace the keyspace, of this view's store
     * @param key the key
     * @return a new array holding the value, or {@code null} if the key is absent or expired
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the keyspace belongs to another store
     * @throws NoSuchKeyspaceException if the keyspace was dropped
     */
    byte[] get(Keyspace keyspace, byte[] key);

    /**
     * Whether a key is present.
     *
     * @param keyspace the keyspace, of this view's store
     * @param key the key
     * @return {@code true} if {@link #get(Keyspace, byte[])} would return a value
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the keyspace belongs to another store
     * @throws NoSuchKeyspaceException if the keyspace was dropped
     */
    default boolean contains(Keyspace keyspace, byte[] key) {
        return get(keyspace, key) != null;
    }

    /**
     * Opens a cursor over a range of one keyspace. The caller must close it.
     *
     * @param keyspace the keyspace, of this view's store
     * @param range the keys to walk
     * @param options direction, limit, keys-only
     * @return a new cursor, positioned before its first entry
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the keyspace belongs to another store
     * @throws NoSuchKeyspaceException if the keyspace was dropped
     */
    Cursor cursor(Keyspace keyspace, Range range, ScanOptions options);

    /**
     * Reads a whole range into a list, in cursor order. Use a cursor for ranges that may be large.
     *
     * @param keyspace the keyspace, of this view's store
     * @param range the keys to read
     * @param options direction, limit, keys-only (values are {@code null} when keys-only)
     * @return the entries, a new mutable list
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the keyspace belongs to another store
     * @throws NoSuchKeyspaceException if the keyspace was dropped
     */
    default List<KeyValue> scan(Keyspace keyspace, Range range, ScanOptions options) {
        List<KeyValue> out = new ArrayList<>();
        try (Cursor c = cursor(keyspace, range, options)) {
            while (c.next()) {
                out.add(new KeyValue(c.key(), options.isKeysOnly() ? null : c.value()));
            }
        }
        return out;
    }
}
