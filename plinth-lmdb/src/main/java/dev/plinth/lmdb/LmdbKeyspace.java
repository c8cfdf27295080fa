package dev.plinth.lmdb;

import dev.plinth.spi.EngineKeyspace;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.StampedLock;
import org.lmdbjava.Dbi;

/**
 * One keyspace of an {@link LmdbEngine}, and the engine's handle to it: an LMDB named database. Thread-safe.
 *
 * <p>Dropping a database closes its LMDB handle, and a handle used after that reads freed memory. So every
 * native call through {@link #dbi} runs under a read stamp of {@link #use} and first checks
 * {@link #dropped}; the drop holds the write stamp. A dropped keyspace is never reused: creating the name
 * again makes a new instance.
 */
final class LmdbKeyspace implements EngineKeyspace {
    private final String name;
    private final LmdbEngine owner;
    /**
     * The creation epoch (see {@link LmdbEngine}): a snapshot whose epoch is older began before this
     * database existed and sees it as empty.
     */
    private final long createdEpoch;
    /** Held for reading around every native call on {@link #dbi}; for writing by drop. */
    final StampedLock use = new StampedLock();

    // Written only under the write stamp of use (and the engine's write lock).
    /** The LMDB handle; replaced only if a failed drop had to reopen it. */
    volatile Dbi<ByteBuffer> dbi;
    volatile boolean dropped;

    LmdbKeyspace(String name, LmdbEngine owner, Dbi<ByteBuffer> dbi, long createdEpoch) {
        this.name = name;
        this.owner = owner;
        this.dbi = dbi;
        this.createdEpoch = createdEpoch;
    }

    @Override
    public String name() {
        return name;
    }

    LmdbEngine owner() {
        return owner;
    }

    long createdEpoch() {
        return createdEpoch;
    }

    /**
     * Whether a reader at {@code epoch} may see this database.
     *
     * @param epoch the reader's epoch
     * @return {@code false} if the database was created after the reader began
     */
    boolean visibleAt(long epoch) {
        return createdEpoch <= epoch;
    }

    @Override
    public String toString() {
        return "lmdb keyspace '" + name + "'" + (dropped ? " (dropped)" : "");
    }
}
