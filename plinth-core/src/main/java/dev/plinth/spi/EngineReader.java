package dev.plinth.spi;

/**
 * Point reads and cursors over one view of an engine: its latest state ({@link Engine}) or a snapshot
 * ({@link EngineSnapshot}). Values are the raw bytes the core stored.
 *
 * <p>A keyspace handle that this engine did not return is rejected with {@link IllegalArgumentException};
 * one whose keyspace was dropped, with {@link dev.plinth.NoSuchKeyspaceException}, also when read through
 * a snapshot taken before the drop.
 */
public interface EngineReader {
    /**
     * Reads one key.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @return the value, or {@code null} if absent; the engine must not change it afterwards
     * @throws dev.plinth.NoSuchKeyspaceException if the keyspace was dropped
     */
    byte[] get(EngineKeyspace keyspace, byte[] key);

    /**
     * Opens a cursor over a range. A cursor opened on an {@link Engine} reads one consistent view taken when
     * it is opened; one opened on a snapshot reads that snapshot.
     *
     * @param keyspace the keyspace
     * @param scan the range, direction and how much of each value the caller reads
     * @return a new cursor, which the caller closes
     * @throws dev.plinth.NoSuchKeyspaceException if the keyspace was dropped
     */
    EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan);
}
