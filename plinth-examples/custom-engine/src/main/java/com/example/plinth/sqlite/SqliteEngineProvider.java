package com.example.plinth.sqlite;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Serves the {@code sqlite:} scheme: {@code sqlite:/path/to/dir}. The location is a directory, created if
 * missing, that holds one SQLite database, {@code plinth.db}, with SQLite's {@code plinth.db-wal} and
 * {@code plinth.db-shm} beside it. The engine takes no parameters of its own. Found by
 * {@link java.util.ServiceLoader} through {@code META-INF/services/dev.plinth.spi.EngineProvider}.
 * Thread-safe and stateless.
 */
public final class SqliteEngineProvider implements EngineProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "sqlite";

    /** Makes the provider; found by {@link java.util.ServiceLoader}. */
    public SqliteEngineProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "sqlite:/dir: SQLite through JDBC (WAL mode), one table of (keyspace, key, value)";
    }

    /**
     * Opens the store in the directory the URI names.
     *
     * @param config the parsed URI
     * @return the open engine
     * @throws IllegalArgumentException if the location is empty or not a path, or a parameter is given
     * @throws dev.plinth.NoSuchStoreException if the directory holds no store and creating one is not allowed
     * @throws dev.plinth.ForeignFilesException if the directory holds files that are not this engine's
     * @throws dev.plinth.CorruptionException if {@code plinth.db} is damaged or is not a SQLite database
     * @throws dev.plinth.StorageIOException if SQLite cannot open the database
     */
    @Override
    public Engine open(EngineConfig config) {
        config.requireKnownParams(Set.of());
        String location = config.location();
        if (location == null || location.isBlank()) {
            throw config.invalid(java.util.List.of("the location must be a directory, as in sqlite:/var/lib/app"));
        }
        Path dir;
        try {
            dir = Path.of(location);
        } catch (InvalidPathException e) {
            throw config.invalid(java.util.List.of("the location '" + location + "' is not a valid path: " + e.getMessage()));
        }
        return SqliteEngine.open(config.uri(), dir, config.createIfMissing(), config.readOnly());
    }
}
