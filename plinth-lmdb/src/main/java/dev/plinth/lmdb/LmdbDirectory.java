package dev.plinth.lmdb;

import dev.plinth.NoSuchStoreException;
import dev.plinth.StorageIOException;
import dev.plinth.spi.StoreDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;

/**
 * The directory an LMDB environment lives in: whether it holds one, the process-wide claim that keeps it
 * from being opened twice, and opening the environment itself. Thread-safe; stateless but for the claims.
 */
final class LmdbDirectory {
    /** File mode of {@code data.mdb} and {@code lock.mdb}: rw-r--r--. */
    static final int FILE_MODE = 0644;
    /** The environment's data file, which LMDB creates in the store's directory. */
    static final String DATA_FILE = "data.mdb";

    /**
     * Directories whose environment is open in this process. LMDB must not be opened twice in one
     * process: closing the second would drop the first one's file locks.
     */
    private static final Set<Path> OPEN_DIRECTORIES = ConcurrentHashMap.newKeySet();

    private LmdbDirectory() {
    }

    /**
     * Claims the directory for one environment in this process, creating it if allowed.
     *
     * @param uri the store's URI, for messages
     * @param directory the directory the options name
     * @param createIfMissing whether an empty or missing directory may become a store
     * @return the directory's real path, to pass to {@link #release(Path)}
     * @throws NoSuchStoreException if it holds no {@link #DATA_FILE} and {@code createIfMissing} is false
     * @throws dev.plinth.ForeignFilesException if it holds files that are not LMDB's
     * @throws StorageIOException if it cannot be created or is already open in this process
     */
    static Path claim(String uri, Path directory, boolean createIfMissing) {
        StoreDirectory.check(uri, directory, StoreDirectory.LMDB, createIfMissing);
        Path dir;
        try {
            dir = Files.createDirectories(directory).toRealPath();
        } catch (IOException | SecurityException e) {
            throw new StorageIOException("open " + uri + ": cannot create or resolve the directory "
                    + directory + ": " + e, e);
        }
        if (!OPEN_DIRECTORIES.add(dir)) {
            throw new StorageIOException("open " + uri + ": the LMDB environment in " + dir
                    + " is already open in this process; close it first (LMDB must not be opened twice in one process)");
        }
        return dir;
    }

    /**
     * Gives up a claim.
     *
     * @param dir what {@link #claim} returned
     */
    static void release(Path dir) {
        OPEN_DIRECTORIES.remove(dir);
    }

    /**
     * Opens the environment in a claimed directory, with a map at least the options' size and twice the
     * data file's, so that a store reopened after growing does not start full.
     * <p>
     * A read-only environment ({@code MDB_RDONLY}) maps the file for reading, never writes it or grows it,
     * and on a read-only file system works without the lock file.
     *
     * @param options the parsed options
     * @param dir a claimed directory
     * @param readOnly whether to open the environment for reading only
     * @return the environment, which the caller closes
     */
    static Env<ByteBuffer> openEnv(LmdbOptions options, Path dir, boolean readOnly) {
        long initialMapSize = LmdbMap.align(Math.max(options.mapSize(), dataSize(dir) * 2));
        Env.Builder<ByteBuffer> builder = Env.create().setMapSize(initialMapSize)
                .setMaxDbs(options.maxKeyspaces())
                .setMaxReaders(options.maxReaders() + LmdbOptions.RESERVED_READERS);
        return readOnly
                ? builder.open(dir.toFile(), FILE_MODE, EnvFlags.MDB_NOTLS, EnvFlags.MDB_RDONLY_ENV)
                : builder.open(dir.toFile(), FILE_MODE, EnvFlags.MDB_NOTLS, LmdbDurability.syncFlag(options.noSync()));
    }

    /**
     * Undoes a failed open: closes the environment if it was opened, quietly, and releases the claim.
     *
     * @param env the environment, or {@code null}
     * @param dir the claimed directory
     */
    static void abandon(Env<ByteBuffer> env, Path dir) {
        try {
            if (env != null) {
                env.close();
            }
        } catch (RuntimeException ignored) {
            // already failing
        } finally {
            release(dir);
        }
    }

    private static long dataSize(Path dir) {
        try {
            Path data = dir.resolve(DATA_FILE);
            return Files.exists(data) ? Files.size(data) : 0;
        } catch (IOException e) {
            return 0; // LMDB reports the real problem when it opens the file
        }
    }
}
