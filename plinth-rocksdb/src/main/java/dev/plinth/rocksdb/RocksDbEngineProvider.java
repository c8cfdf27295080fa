package dev.plinth.rocksdb;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Serves the {@code rocksdb:} scheme: {@code rocksdb:/var/lib/app?blockCacheSize=256m&compression=zstd}.
 * The location is a directory, created if missing, that holds one RocksDB database; the parameters are
 * those of {@link RocksDbOptions}. Thread-safe and stateless.
 */
public final class RocksDbEngineProvider implements EngineProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "rocksdb";

    /** Makes the provider; found by {@link java.util.ServiceLoader}. */
    public RocksDbEngineProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "rocksdb:/path[?blockCacheSize=64m&writeBufferSize=32m&compression=lz4&maxOpenFiles=512&statistics=false"
                + "&indexAndFilters=memory]"
                + " RocksDB in a directory; keyspaces are column families";
    }

    @Override
    public Engine open(EngineConfig config) {
        RocksDbOptions options = RocksDbOptions.fromConfig(config);
        String location = config.location();
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("store URI " + config.uri()
                    + " names no directory: use rocksdb:/path/to/dir (relative paths are allowed)");
        }
        Path dir;
        try {
            dir = Path.of(location);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("store URI " + config.uri() + " names an invalid directory '"
                    + location + "': " + e.getMessage(), e);
        }
        return RocksDbOpener.open(config.uri(), dir, options, config.createIfMissing(), config.readOnly());
    }
}
