package dev.plinth.spi;

import dev.plinth.Capabilities;
import java.util.List;
import java.util.Map;

/**
 * A storage engine, as the core sees it. Implementations must be thread-safe: any method may be called
 * from many threads at once, except that no call begins after {@link #close()} has begun.
 *
 * <p>Reads on the engine itself ({@link #get}, {@link #cursor}) see the latest committed state, and
 * a batch is visible to them all at once. See the package documentation for what the core guarantees the
 * engine.
 */
public interface Engine extends EngineReader, AutoCloseable {
    /**
     * What the engine can do. Must not change while the engine is open.
     *
     * @return the capabilities
     */
    Capabilities capabilities();

    /**
     * The names of all keyspaces, the default one ({@link dev.plinth.Store#DEFAULT_KEYSPACE}) included,
     * which an engine creates when it opens a store for the first time.
     *
     * @return a new list, in any order
     */
    List<String> keyspaceNames();

    /**
     * A handle to an existing keyspace.
     *
     * @param name the keyspace's name
     * @return the handle, or {@code null} if there is no such keyspace
     */
    EngineKeyspace keyspace(String name);

    /**
     * Creates a keyspace if absent, durably as far as the engine persists anything.
     *
     * @param name a valid keyspace name
     * @return the handle to the new or existing keyspace
     */
    EngineKeyspace createKeyspace(String name);

    /**
     * Drops a keyspace and its entries. Existing handles to it become invalid: every later read, cursor or
     * batch through them, also through a snapshot taken before the drop, throws
     * {@link dev.plinth.NoSuchKeyspaceException}. Cursors open over it keep reading the view they opened on
     * until they are closed ({@link EngineCursor}); the engine must not free what they use before that. A
     * drop that throws must change nothing: the keyspace, its entries and its handles stay valid.
     *
     * @param name the keyspace's name; never the default keyspace
     * @return {@code true} if it existed
     */
    boolean dropKeyspace(String name);

    /**
     * Takes a consistent view of every keyspace.
     *
     * @return a new snapshot, which the caller closes
     */
    EngineSnapshot snapshot();

    /**
     * Applies a batch atomically: checks every precondition against the state before the batch and, if
     * all hold, applies every mutation in order, with no other write in between, and makes them visible
     * to readers all at once, with at least the batch's durability.
     *
     * @param batch the batch; its durability is one the engine honours
     * @return {@code true} if applied; {@code false} if a precondition failed and nothing was applied
     * @throws dev.plinth.StorageIOException if storage failed; whether the batch was applied is then
     *     unknown only for a distributed engine, which throws {@link dev.plinth.OutcomeUnknownException}
     */
    boolean apply(EngineBatch batch);

    /** Makes every applied batch durable at the strongest level the engine honours. */
    void flush();

    /** Compacts storage and reclaims space held by deleted and overwritten entries. */
    void compact();

    /**
     * Checks the engine's own structures beyond what reading every entry checks: for example every block
     * checksum of every file, key order inside and across files, and that metadata and files agree. Reports
     * damage instead of throwing it. May take long; runs concurrently with other calls.
     *
     * <p>{@link dev.plinth.Store#verify()} calls it after reading every entry of every keyspace through the
     * core's own checks. The default checks nothing more.
     *
     * @return every problem found, each a sentence that names the file, keyspace or key concerned; empty if
     *     none
     * @throws dev.plinth.StorageIOException if storage could not be read at all
     * @throws dev.plinth.ConflictException if the check could not be made because another writer kept changing
     *     the files (not damage; the caller may verify again)
     */
    default List<String> verify() {
        return List.of();
    }

    /**
     * Engine counters under dotted names prefixed with the engine's scheme.
     *
     * @return a new map
     */
    Map<String, Long> stats();

    /** Releases everything the engine holds. Called once, after every cursor and snapshot was closed. */
    @Override
    void close();
}
