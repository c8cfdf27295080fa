package dev.plinth.spi;

/**
 * An engine's handle to one keyspace, returned by {@link Engine#keyspace(String)} and
 * {@link Engine#createKeyspace(String)}. Engines subclass or implement it to hold whatever they need
 * (a column family handle, a database handle, a key prefix). Once the keyspace is dropped, the engine
 * throws {@link dev.plinth.NoSuchKeyspaceException} for any operation through the handle. Thread-safe.
 */
public interface EngineKeyspace {
    /**
     * The keyspace's name.
     *
     * @return the name
     */
    String name();
}
