package dev.plinth.spi;

/**
 * A consistent view of every keyspace of an engine at one moment. Reads are thread-safe. Holds engine
 * resources until {@link #close()}; the core closes every snapshot before closing the engine.
 */
public interface EngineSnapshot extends EngineReader, AutoCloseable {
    /** What {@link #version()} returns for an engine that has no versions. */
    long NO_VERSION = -1;

    /**
     * The engine-defined version of the state this snapshot shows: a sequence number, a revision, a
     * transaction id. Versions of later states are larger. An engine that declares
     * {@link dev.plinth.Capabilities#versionedPreconditions()} must return a real version, since the core
     * names it in {@link EngineBatch.KeyUnchangedSince} and {@link EngineBatch.RangeUnchangedSince}
     * preconditions; others may return one for diagnostics, or {@link #NO_VERSION}.
     *
     * @return the version, or {@link #NO_VERSION}
     */
    default long version() {
        return NO_VERSION;
    }

    /** Releases the snapshot. Idempotent. Cursors opened from it are closed by the core first. */
    @Override
    void close();
}
