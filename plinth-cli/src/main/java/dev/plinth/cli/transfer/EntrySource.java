package dev.plinth.cli.transfer;

/**
 * A sequence of keyspaces in ascending name order, each a sequence of entries in ascending unsigned key
 * order: a store's contents read through a view, or a dump file. Not thread-safe. Errors are unchecked:
 * {@link DumpException} for a damaged dump, {@link java.io.UncheckedIOException} for I/O, and the
 * store's {@link dev.plinth.PlinthException}s.
 */
public interface EntrySource extends AutoCloseable {
    /**
     * What the entries come from, for messages: a store URI or a file name.
     *
     * @return the name
     */
    String name();

    /**
     * Moves to the next keyspace, skipping what is left of the current one.
     *
     * @return its name, or {@code null} when there are no more keyspaces
     */
    String nextKeyspace();

    /**
     * Moves to the next entry of the current keyspace.
     *
     * @return {@code true} if there is one; {@code false} at the end of the keyspace
     */
    boolean nextEntry();

    /**
     * The current entry's key.
     *
     * @return the key; the caller may keep it
     */
    byte[] key();

    /**
     * The current entry's value.
     *
     * @return the value; the caller may keep it
     */
    byte[] value();

    /** Releases what the source holds. Idempotent. */
    @Override
    void close();
}
