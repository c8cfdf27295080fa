package dev.plinth.lmdb;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;

/**
 * Serves the {@code lmdb:} scheme: {@code lmdb:/path/to/dir?mapSize=1g&noSync=false}. The location is a
 * directory, created if missing, holding LMDB's {@code data.mdb} and {@code lock.mdb}. Parameters:
 * {@code mapSize} (initial map size, default 1g, 64m on Windows; the map grows by itself), {@code maxKeyspaces} (default
 * 128, the default keyspace included), {@code maxReaders} (default 1024), {@code noSync} (default false;
 * see {@code docs/engines/lmdb.md} before setting it) and {@code resizeTimeout} (how long a write that must
 * grow the map waits for open snapshots and cursors, default 10s). Thread-safe and stateless.
 *
 * <p>lmdbjava needs {@code --add-opens java.base/java.nio=ALL-UNNAMED --add-opens
 * java.base/sun.nio.ch=ALL-UNNAMED} on Java 9 and later; without them {@link #open} fails with a
 * {@link dev.plinth.StorageIOException} saying so.
 */
public final class LmdbEngineProvider implements EngineProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "lmdb";

    /** Makes the provider; found by {@link java.util.ServiceLoader}. */
    public LmdbEngineProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "lmdb:/dir[?mapSize=1g&maxKeyspaces=128&maxReaders=1024&noSync=false&resizeTimeout=10s]:"
                + " LMDB memory-mapped B+tree; one named database per keyspace";
    }

    @Override
    public Engine open(EngineConfig config) {
        return LmdbEngine.open(config.uri(), LmdbOptions.parse(config), config.createIfMissing(), config.readOnly());
    }
}
