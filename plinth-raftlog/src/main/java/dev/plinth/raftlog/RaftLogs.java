package dev.plinth.raftlog;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.raftlog.internal.StoreRaftStorage;
import dev.plinth.raftlog.internal.segment.SegmentFormat;
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

    /** The URI scheme of the shared log: {@code shared:<dir>[?options]}. */
    public static final String SHARED_SCHEME = "shared";
    /** The URI scheme of the per-group segmented log: {@code segmented:<dir>[?options]}. */
    public static final String SEGMENTED_SCHEME = "segmented";

    /**
     * Opens Raft storage by URI: {@code shared:<dir>} opens the shared log ({@link #openShared(Path, LogFileOptions)}),
     * {@code segmented:<dir>} the per-group segmented log, both with the options of their query
     * ({@link LogFileOptions#parse}, for example {@code shared:/var/lib/node1/raft?compression=lz4}); any other URI
     * opens a Plinth store ({@link Plinth#open(String)}) and the storage on it. Closing the storage closes what
     * this opened.
     *
     * @param uri for example {@code shared:/var/lib/node1/raft}, {@code lmdb:/var/lib/node1/raft}
     * @return the storage
     * @throws IllegalArgumentException if the log's options are unknown or bad, before anything is opened
     */
    public static RaftStorage open(String uri) {
        Objects.requireNonNull(uri, "uri");
        for (String scheme : new String[] {SHARED_SCHEME, SEGMENTED_SCHEME}) {
            if (uri.startsWith(scheme + ":")) {
                String rest = uri.substring(scheme.length() + 1);
                int q = rest.indexOf('?');
                String path = q < 0 ? rest : rest.substring(0, q);
                if (path.isEmpty()) {
                    throw new IllegalArgumentException("Cannot open the Raft log " + uri + ": it names no directory.");
                }
                LogFileOptions options = LogFileOptions.parse(q < 0 ? null : rest.substring(q + 1), uri);
                return scheme.equals(SHARED_SCHEME) ? openShared(Path.of(path), options)
                        : openSegmented(Path.of(path), options);
            }
        }
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
     * The most bytes one call may ask the logs of our own (the shared and the per-group segmented log) to write:
     * the entries of one {@code append}, {@code appendWithHardState} or {@code replaceFrom}, each counted as its
     * payload plus {@link #ENTRY_OVERHEAD_BYTES}; and a group's whole key-value area as a {@code put} would leave
     * it, each key (UTF-8) and value counted with {@link #ENTRY_OVERHEAD_BYTES} more. A call over it is refused with
     * a {@link dev.plinth.LimitExceededException} ({@link dev.plinth.LimitExceededException.Limit#BATCH_BYTES})
     * before anything is written: nothing changes, and the log and every other group go on. 64 MiB less 1 KiB: a
     * call is one record of a segment, whose payload is at most 64 MiB (docs/format/raftlog.md). A log on a store
     * has the limits of its engine instead ({@link dev.plinth.Capabilities#maxValueSize()} for an entry,
     * {@link dev.plinth.Capabilities#maxBatchBytes()} for a call), checked before anything is written as well.
     */
    public static final int MAX_BATCH_BYTES = SegmentFormat.MAX_PAYLOAD_BYTES - 1024;

    /** The bytes counted for each entry or key-value pair beside its own, against {@link #MAX_BATCH_BYTES}. */
    public static final int ENTRY_OVERHEAD_BYTES = 16;

    /**
     * The bytes of records handed to {@link LogStore#appendAsync} and not yet forced above which the logs of our own
     * make the next {@code appendAsync} wait for a force: per group on the per-group log, for all groups together on
     * the shared log. 16 MiB: at 128-byte entries, about 100,000 entries in flight, far beyond what a pipelining
     * depth of a few batches holds, while a force of it stays in the tens of milliseconds. A larger call is let
     * through alone when nothing else is in flight.
     */
    public static final long MAX_UNFORCED_BYTES = 16L << 20;

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

    /**
     * Opens the segmented log in a directory as {@link #openSegmented(Path)} does, with options (segment size,
     * LZ4 payloads).
     *
     * @param dir     the directory
     * @param options the options
     * @return the storage; closing it releases the directory
     * @throws dev.plinth.StorageIOException if another instance holds the directory or it cannot be read
     * @throws dev.plinth.CorruptionException if a file is damaged or foreign
     */
    public static RaftStorage openSegmented(Path dir, LogFileOptions options) {
        return openSegmented(directory(dir), options);
    }

    /**
     * Opens the segmented log in the root of a file system, with options (segment size, LZ4 payloads).
     *
     * @param vfs     the file system; every file of the log goes through it
     * @param options the options
     * @return the storage
     */
    public static RaftStorage openSegmented(Vfs vfs, LogFileOptions options) {
        return new SegmentedRaftStorage(vfs, Objects.requireNonNull(options, "options"));
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
     * Opens the shared log in a directory as {@link #openShared(Path)} does, with options (segment size, LZ4
     * payloads).
     *
     * @param dir     the directory
     * @param options the options
     * @return the storage; closing it releases the directory
     * @throws dev.plinth.StorageIOException if another instance holds the directory or it cannot be read
     * @throws dev.plinth.CorruptionException if a file is damaged or foreign, or segments are missing
     */
    public static RaftStorage openShared(Path dir, LogFileOptions options) {
        return openShared(directory(dir), options);
    }

    /**
     * Opens the shared log in the root of a file system, with options (segment size, LZ4 payloads).
     *
     * @param vfs     the file system; every file of the log goes through it
     * @param options the options
     * @return the storage
     * @throws dev.plinth.CorruptionException if a file is damaged or foreign, or segments are missing
     */
    public static RaftStorage openShared(Vfs vfs, LogFileOptions options) {
        return new SharedRaftStorage(vfs, Objects.requireNonNull(options, "options"));
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
