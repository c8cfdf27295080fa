package dev.plinth;

import java.util.List;

/**
 * An open key-value store: a set of named {@link Keyspace}s over one engine.
 *
 * <p>Thread-safe: every method may be called from any thread. Reads without a snapshot see the latest
 * committed state; a batch or a committed transaction becomes visible to readers all at once.
 *
 * <p>A store holds engine resources until {@link #close()}, which also closes every cursor and snapshot
 * and rolls back every transaction still open. After close, every method throws
 * {@link StoreClosedException} except {@code close}, {@link #isClosed()}, {@link #uri()} and
 * {@link #openResources()} (which is then empty); so do cursors, snapshots and transactions of the store. See {@link dev.plinth} for how arguments are checked.
 */
public interface Store extends ReadView, AutoCloseable {
    /** The name of the keyspace every store has; it cannot be dropped. */
    String DEFAULT_KEYSPACE = "default";

    /**
     * The URI the store was opened with.
     *
     * @return the URI
     */
    String uri();

    /**
     * The keyspace every store has.
     *
     * @return the {@value #DEFAULT_KEYSPACE} keyspace
     */
    Keyspace defaultKeyspace();

    /**
     * Returns an existing keyspace.
     *
     * @param name the keyspace's name
     * @return the keyspace
     * @throws NoSuchKeyspaceException if there is none of that name
     */
    Keyspace keyspace(String name);

    /**
     * Returns the keyspace of that name, creating it if absent. Creation is durable as far as the engine
     * persists anything.
     *
     * @param name 1 to 64 characters from {@code [A-Za-z0-9._-]}
     * @return the keyspace
     * @throws IllegalArgumentException if the name is malformed
     */
    Keyspace createKeyspace(String name);

    /**
     * The names of all keyspaces, sorted, the default one included.
     *
     * @return a new list
     */
    List<String> keyspaces();

    /**
     * Drops a keyspace and all its entries.
     *
     * <p>Every new use of the dropped keyspace through a handle to it then throws
     * {@link NoSuchKeyspaceException}: reads and writes through the handle, and reads, cursors and writes
     * through a snapshot or transaction, also one begun before the drop. A transaction that wrote to it fails
     * its commit with that exception, applying nothing. A cursor already open over it, opened through the
     * keyspace, a snapshot or a transaction, is a snapshot: it keeps reading the view it opened on, to its
     * end and across seeks, until it is closed (the engine keeps what it needs for that, such as RocksDB's
     * column family handle, until then). A keyspace created again under the same name is a new, empty one,
     * which such cursors never see.
     *
     * <p>A drop that fails (for example {@link StorageFullException} when LMDB's map cannot grow while a
     * snapshot is open) changes nothing: the keyspace, its entries and its handles stay as they were.
     *
     * @param name the keyspace's name
     * @return {@code true} if it existed
     * @throws IllegalArgumentException if {@code name} is the default keyspace or not a valid keyspace name
     *     (1 to 64 characters from {@code [A-Za-z0-9._-]})
     */
    boolean dropKeyspace(String name);

    /**
     * Applies a batch atomically: every check holds and every write is applied, or nothing is.
     *
     * @param batch the batch; not changed
     * @return {@code true} if applied; {@code false} if a check failed, in which case nothing was applied
     * @throws LimitExceededException if a key, value or the batch is over the engine's limits
     * @throws UnsupportedCapabilityException if the batch's durability is not honoured
     * @throws ConflictException if the batch has checks and other writers changed a key it checks between
     *     its evaluation and its apply so many times in a row ({@code 1000}) that it gave up; nothing was
     *     applied and the call may be repeated
     */
    boolean write(WriteBatch batch);

    /**
     * Takes a consistent read view of the whole store. The caller must close it.
     *
     * @return a new snapshot
     */
    Snapshot snapshot();

    /**
     * Begins a transaction. The caller must commit, roll back or close it.
     *
     * @param isolation the isolation level
     * @return a new open transaction
     */
    Transaction begin(Isolation isolation);

    /**
     * Runs {@code body} in a transaction and commits it, retrying on {@link ConflictException} with
     * jittered exponential backoff, up to {@value #DEFAULT_TRANSACTION_ATTEMPTS} attempts in all.
     *
     * <p>The transaction belongs to this method: it commits when the body returns and rolls back when the
     * body throws. The body must not end it: its {@link Transaction#commit()}, {@link Transaction#rollback()}
     * or {@link Transaction#close()} throws {@link IllegalStateException} and changes nothing, and unless the
     * body catches it, this method then rolls back and rethrows it. To abandon the work, throw from the body.
     *
     * @param <T> the result type
     * @param isolation the isolation level
     * @param body the transaction body; may run several times
     * @return what the body returned in the attempt that committed
     * @throws ConflictException from the last attempt, if every attempt conflicted
     * @throws IllegalStateException if the body tried to commit, roll back or close the transaction (after
     *     rolling back; not retried)
     * @throws RuntimeException whatever the body threw, after rolling back (not retried)
     */
    <T> T inTransaction(Isolation isolation, TransactionFunction<T> body);

    /** The number of attempts {@link #inTransaction(Isolation, TransactionFunction)} makes. */
    int DEFAULT_TRANSACTION_ATTEMPTS = 10;

    /**
     * {@link #inTransaction(Isolation, TransactionFunction)} with a chosen number of attempts.
     *
     * @param <T> the result type
     * @param isolation the isolation level
     * @param maxAttempts attempts in all, 1 or more
     * @param body the transaction body
     * @return what the body returned in the attempt that committed
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
     */
    <T> T inTransaction(Isolation isolation, int maxAttempts, TransactionFunction<T> body);

    /**
     * What the engine can do, with limits as this API applies them.
     *
     * @return the capabilities
     */
    Capabilities capabilities();

    /**
     * Counters of the store and its engine.
     *
     * @return a new statistics object
     */
    StoreStats stats();

    /**
     * The cursors, snapshots and transactions currently open, with where each was opened when origin
     * tracking is on ({@link StoreOptions.Builder#trackResourceOrigins(boolean)}).
     *
     * @return a new list
     */
    List<OpenResource> openResources();

    /**
     * Makes every write acknowledged so far, whatever its durability, as durable as the strongest level
     * the engine honours. A no-op on engines that persist nothing.
     */
    void flush();

    /**
     * Checks the store's integrity: reads every entry of every keyspace, checking that keys come in strictly
     * ascending order within their range and that every stored value is well formed and, where the store
     * keeps value checksums ({@link Capabilities#checksumValues()}), matches its checksum; then asks the
     * engine to check its own files. Damage is reported, not thrown, and the check goes on with the next
     * keyspace. Reads one consistent view; concurrent writes are allowed and do not cause false reports.
     * May take long.
     *
     * @return every problem found, each a sentence naming the keyspace and key or file concerned; empty if
     *     none was found
     * @throws StoreClosedException if the store is closed
     * @throws StorageIOException if storage could not be read at all; a read or the engine's own check that
     *     fails once the check is under way is listed with the problems instead, so none already found is lost
     * @throws ConflictException if the engine could not check its own files because another writer kept
     *     changing them (for example a read-only open beside a busy writer) and no problem was found before; the
     *     store is not known to be damaged and verifying again may succeed. When problems were found, this is
     *     listed with them instead
     */
    List<String> verify();

    /**
     * Compacts storage and reclaims space held by deleted, overwritten and expired entries. May take long.
     */
    void compact();

    /**
     * Closes open cursors and snapshots, rolls back open transactions, waits for calls in progress to
     * finish, and releases the engine. Idempotent.
     */
    @Override
    void close();

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();
}
