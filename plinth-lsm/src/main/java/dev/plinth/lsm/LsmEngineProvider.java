package dev.plinth.lsm;

import dev.plinth.io.NioVfs;
import dev.plinth.lsm.internal.engine.LsmEngine;
import dev.plinth.lsm.internal.engine.LsmOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import dev.plinth.spi.StoreDirectory;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Serves the {@code lsm:} scheme: {@code lsm:/path/to/dir?walSegmentSize=4m}, Plinth's pure-Java durable
 * engine. The location is a directory, created if missing, holding the store's identity file
 * {@code PLINTH-LSM}, its lock file, {@code CURRENT}, the manifest, the write-ahead log segments and the tables;
 * a directory holding anything else is refused. Opened read-only ({@link EngineConfig#readOnly()}), it
 * writes nothing and takes no lock. See {@code docs/engines/lsm.md}. Thread-safe and stateless.
 */
public final class LsmEngineProvider implements EngineProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "lsm";
    /** What an lsm store directory holds. */
    public static final StoreDirectory.Signature SIGNATURE = StoreDirectory.LSM;

    /** Makes the provider; found by {@link java.util.ServiceLoader}. */
    public LsmEngineProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "lsm:/dir[?memtableSize=4m&walSegmentSize=4m]: pure-Java log-structured merge tree (write-ahead log"
                + " with group commit, tables, manifest)";
    }

    @Override
    public Engine open(EngineConfig config) {
        LsmOptions options = LsmOptions.parse(config);
        Path dir;
        try {
            dir = Path.of(config.location());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("lsm: location " + config.location() + " of " + config.uri()
                    + " is not a path", e);
        }
        StoreDirectory.check(config.uri(), dir, SIGNATURE, config.createIfMissing() && !config.readOnly());
        if (!config.readOnly()) {
            try {
                Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new dev.plinth.StorageIOException("open " + config.uri() + ": cannot create the directory " + dir
                        + ": " + e, e);
            }
        }
        return LsmEngine.open(config.uri(), NioVfs.at(dir), options, config.createIfMissing(), config.readOnly());
    }
}
