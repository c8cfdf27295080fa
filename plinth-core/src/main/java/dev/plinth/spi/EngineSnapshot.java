package dev.plinth.spi;

/**
 * A consistent view of every keyspace of an engine at one moment. Reads are thread-safe. Holds engine
 * resources until {@link #close()}; the core closes every snapshot before closing the engine.
 */
public interface EngineSnapshot extends EngineReader, AutoCloseable {
    /** Releases the snapshot. Idempotent. Cursors opened from it are closed by the core first. */
    @Override
    void close();
}
