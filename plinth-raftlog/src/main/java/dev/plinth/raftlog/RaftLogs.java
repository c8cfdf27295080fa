package dev.plinth.raftlog;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.raftlog.internal.StoreRaftStorage;
import dev.plinth.raftlog.internal.segment.SegmentedRaftStorage;
import dev.plinth.raftlog.internal.shared.SharedRaftStorage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens {@link RaftStorage}: on a Plinth {@link Store}, as the shared log of our own (one sequence of segment
 * files for every group, with group commit across groups: {@link #openShared(Path)}), or as the per-group
 * segmented log ({@link #openSegmented(Path)}), both on a {@link Vfs}.
 *
 * <p>Thread safe: the methods are static and keep no state.
 *
 * <p>On a store, the log and meta state live in three keyspaces of the store, named by {@link #ENTRIES_KEYSPACE},
 * {@link #BOUNDS_KEYSPACE} and {@link #META_KEYSPACE}; the formats are in {@code docs/format/raftlog.md}.
 * Every change is one atomic {@link dev.plinth.WriteBatch} of the store, so the storage is exactly as
 * crash-safe as the engine at the durability asked for. The durabilities a call may ask for are those the
 * engine honours ({@link dev.plinth.Capabilities#durabilities()}).
 */
public final class RaftLogs {

    /** The keyspace holding log entries. */
    public static final String ENTRIES_KEYSPACE = "raftlog.entries";
    /** The keyspace holding each group's purge boundary. */
    public static final String BOUNDS_KEYSPACE = "raftlog.bounds";
    /** The keyspace holding hard states and each group's key-value area. */
    public static final String META_KEYSPACE = "raftlog.meta";

    private RaftLogs() {
    }

    /**
     * Opens Raft storage on a store the caller keeps owning: closing the storage leaves the store open, and the
     * store must stay open while the storage is used.
     *
     * @param store an open store
     * @return the storage
     * @throws dev.plinth.CorruptionException if stored log state is damaged
     */
    public static RaftStorage onStore(Store store) {
        return new StoreRaftStorage(Objects.requireNonNull(store, "store"), false);
    }

    /**
     * Opens a store by URI and Raft storage on it; closing the storage closes the store.
     *
     * @param uri a store URI, for example {@code lmdb:/var/lib/node1/raft}
     * @return the storage
     */
    public static RaftStorage open(String uri) {
        Store store = Plinth.open(uri);
        try {
            return new StoreRaftStorage(store, true);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The default size at which a segment of the segmented log is closed and a new one begun. */
    public static final long DEFAULT_SEGMENT_BYTES = SegmentedRaftStorage.DEFAULT_SEGMENT_BYTES;

    /**
     * Opens the segmented log in a directory (created if absent, its parent synced), taking its {@code LOCK} file. The formats are in
     * {@code docs/format/raftlog.md}.
     *
     * @param dir the directory
     * @return the storage; closing it releases the directory
     * @throws dev.plinth.StorageIOException if another instance holds the directory or it cannot be read
     * @throws dev.plinth.CorruptionException if a file is damaged or foreign
     */
    public static RaftStorage openSegmented(Path dir) {
        return openSegmented(directory(dir), DEFAULT_SEGMENT_BYTES);
    }

    /** The directory as a file system, created if absent (through the seam, the parent synced). */
    private static Vfs directory(Path dir) {
        Path abs = dir.toAbsolutePath();
        if (!java.nio.file.Files.isDirectory(abs) && abs.getParent() != null) {
            // Created through the seam, and the parent synced, so the directory's name is durable.
            Vfs parent = NioVfs.at(abs.getParent());
            parent.mkdirs(abs.getFileName().toString());
            parent.syncDirectory("");
        }
        return NioVfs.at(abs);
    }

    /**
     * Opens the shared log in a directory (created if absent, its parent synced), taking its {@code LOCK} file:
     * every group appends to one sequence of segment files, so {@code SYNC} calls of many groups made at the same
     * time share one force (group commit), and {@link RaftStorage#appendWithHardState} is one record. The format
     * is in {@code docs/format/raftlog.md}.
     *
     * @param dir the directory
     * @return the storage; closing it releases the directory
     * @throws dev.plinth.StorageIOException if another instance holds the directory or it cannot be read
     * @throws dev.plinth.CorruptionException if a file is damaged or foreign, or segments are missing
     */
    public static RaftStorage openShared(Path dir) {
        return openShared(directory(dir), DEFAULT_SEGMENT_BYTES);
    }

    /**
     * Opens the shared log in the root of a file system.
     *
     * @param vfs          the file system; every file of the log goes through it
     * @param segmentBytes the size at which a segment is closed and a new one begun
     * @return the storage
     * @throws IllegalArgumentException if {@code segmentBytes} leaves no room for a record
     * @throws dev.plinth.CorruptionException if a file is damaged or foreign, or segments are missing
     */
    public static RaftStorage openShared(Vfs vfs, long segmentBytes) {
        return new SharedRaftStorage(vfs, segmentBytes);
    }

    /**
     * Opens the segmented log in the root of a file system.
     *
     * @param vfs          the file system; every file of the log goes through it
     * @param segmentBytes the size at which a segment is closed and a new one begun
     * @return the storage
     * @throws IllegalArgumentException if {@code segmentBytes} leaves no room for a record
     */
    public static RaftStorage openSegmented(Vfs vfs, long segmentBytes) {
        return new SegmentedRaftStorage(vfs, segmentBytes);
    }
}
