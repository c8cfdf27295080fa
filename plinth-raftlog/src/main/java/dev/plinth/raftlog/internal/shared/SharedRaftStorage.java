package dev.plinth.raftlog.internal.shared;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StoreClosedException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsLock;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogFileOptions;
import dev.plinth.raftlog.LogReader;
import dev.plinth.raftlog.RaftStorage;
import dev.plinth.raftlog.internal.LogChecks;
import dev.plinth.raftlog.internal.PointLogReader;
import dev.plinth.raftlog.internal.segment.SegmentFormat;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link RaftStorage} as one shared log for every group (the design of TiKV's raft-engine): all groups append
 * records to one sequence of segment files, so concurrent {@code SYNC} calls of many groups share one force
 * (see {@link SharedLog}). Entries, purge boundaries, resets, hard states and key-value areas are all records,
 * so an append together with its hard state is one record, atomic. Each group's state lives in memory
 * ({@link SharedGroup}); reads of entries go to the segment by position.
 *
 * <p>Thread safe. Lock order: a group's monitor, then the log's locks; {@code collectLock} is taken only while no
 * group monitor is held, and takes group monitors one at a time. The directory holds a {@code LOCK} file.
 *
 * <p>Old segments go when a segment is rolled: {@link #collect()} finds the oldest segment any group's entry is
 * in, writes a checkpoint record for every group whose boundary, hard state or key-value area is only in an
 * older segment, forces the log, and deletes the older segments, oldest first. A group whose entries are not
 * purged keeps its segments (and everything after them) on disk.
 */
public final class SharedRaftStorage implements RaftStorage {
    private final Vfs vfs;
    private final VfsLock lock;
    private final SharedLog log;
    private final ConcurrentHashMap<Long, SharedGroup> groups = new ConcurrentHashMap<>();
    private final ReentrantLock collectLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Opens the shared log in a file system's root, taking its lock, and replays every record.
     *
     * @param vfs          the file system
     * @param segmentBytes the size at which a segment is closed
     * @throws dev.plinth.CorruptionException if a segment is damaged or foreign, or segments are missing
     */
    public SharedRaftStorage(Vfs vfs, long segmentBytes) {
        this(vfs, segmentBytes, false);
    }

    /**
     * Opens the shared log in a file system's root, taking its lock, and replays every record.
     *
     * @param vfs     the file system
     * @param options the segment size and compression
     * @throws dev.plinth.CorruptionException if a segment is damaged or foreign, or segments are missing
     */
    public SharedRaftStorage(Vfs vfs, LogFileOptions options) {
        this(vfs, options.segmentBytes(), options.compression() == LogFileOptions.Compression.LZ4);
    }

    private SharedRaftStorage(Vfs vfs, long segmentBytes, boolean lz4) {
        this.vfs = Objects.requireNonNull(vfs, "vfs");
        if (segmentBytes < SegmentFormat.HEADER_BYTES + 1) {
            throw new IllegalArgumentException("A segment must be allowed more than its header, but was given "
                    + segmentBytes + " bytes.");
        }
        this.lock = vfs.lock("LOCK");
        SharedLog opened = null;
        try {
            for (String n : vfs.list("")) {
                String base = n.substring(n.lastIndexOf('/') + 1);
                if (base.startsWith("g-")) {
                    throw new CorruptionException(vfs.location("") + " holds " + base + ", a group directory of the "
                            + "per-group segmented log, not a shared Raft log; open it with openSegmented.");
                }
            }
            SharedLog.Opened o = SharedLog.open(vfs, segmentBytes, lz4);
            opened = o.log();
            for (SharedLog.Found r : o.records()) {
                ByteBuffer b = ByteBuffer.wrap(r.payload());
                try {
                    byte type = b.get();
                    long group = b.getLong();
                    SharedLog log0 = opened;
                    groups.computeIfAbsent(group, g -> new SharedGroup(g, log0)).replay(type, r, b);
                } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
                    throw new CorruptionException("A record at offset " + r.offset() + " of segment " + r.seq()
                            + " of the shared Raft log at " + vfs.location("") + " passed its CRC32C but cannot be "
                            + "decoded: " + e.getMessage(), e);
                }
            }
            for (SharedGroup g : groups.values()) {
                g.finishRecovery();
            }
            opened.deleteDead();
            this.log = opened;
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            lock.close();
            throw e;
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new StoreClosedException("This shared Raft log at " + vfs.location("") + " was closed.");
        }
    }

    private SharedGroup group(long group) {
        ensureOpen();
        return groups.computeIfAbsent(group, g -> new SharedGroup(g, log));
    }

    /** After a change: if a segment was rolled, old segments may be deleted. */
    private void afterChange() {
        if (log.takeRolled()) {
            collect();
        }
    }

    /** Deletes the segments that nothing needs any more (see the class comment). Package-private for tests. */
    void collect() {
        if (!collectLock.tryLock()) {
            return;
        }
        try {
            long keepFrom = log.currentSeq();
            for (SharedGroup g : groups.values()) {
                keepFrom = Math.min(keepFrom, g.oldestEntrySeq());
            }
            if (keepFrom <= log.oldestSeq()) {
                return;
            }
            for (SharedGroup g : groups.values()) {
                g.checkpointIfBelow(keepFrom);
            }
            // Durable before anything is deleted, so that a reopen tells these deletions from a segment lost.
            log.submit(SharedRecords.liveFrom(keepFrom), true);
            log.deleteBefore(keepFrom);
        } finally {
            collectLock.unlock();
        }
    }

    /** The shared log, for tests. */
    SharedLog log() {
        return log;
    }

    @Override
    public void append(long group, List<LogEntry> entries, Durability durability) {
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(durability, "durability");
        group(group).append(entries, null, durability);
        afterChange();
    }

    @Override
    public void appendWithHardState(long group, List<LogEntry> entries, HardState state, Durability durability) {
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(durability, "durability");
        group(group).append(entries, state, durability);
        afterChange();
    }

    /**
     * Pipelined: the record is written to the shared segment at once (group commit with other writers, no force),
     * and a force on the log's own thread, shared by every batch written before it began, completes the future.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Long> appendAsync(long group, List<LogEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        java.util.concurrent.CompletableFuture<Long> f = group(group).appendAsync(entries);
        afterChange();
        return f;
    }

    @Override
    public LogEntry entry(long group, long index) {
        return group(group).entry(index);
    }

    @Override
    public LogReader entries(long group, long fromInclusive, long toExclusive, long maxBytes) {
        SharedGroup g = group(group);
        synchronized (g) {
            LogChecks.requireReadRange(group, fromInclusive, toExclusive, maxBytes, g.firstIndex(), g.lastIndex());
        }
        return new PointLogReader(group, fromInclusive, toExclusive, maxBytes, g::run, g::version, closed::get);
    }

    @Override
    public long termAt(long group, long index) {
        return group(group).termAt(index);
    }

    @Override
    public long firstIndex(long group) {
        return group(group).firstIndex();
    }

    @Override
    public long lastIndex(long group) {
        return group(group).lastIndex();
    }

    @Override
    public long purge(long group, long upToInclusive, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        long r = group(group).purge(upToInclusive, durability);
        afterChange();
        return r;
    }

    @Override
    public void truncate(long group, long fromInclusive, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        group(group).replaceFrom(fromInclusive, List.of(), durability, "truncate");
        afterChange();
    }

    @Override
    public void replaceFrom(long group, long fromInclusive, List<LogEntry> entries, Durability durability) {
        Objects.requireNonNull(entries, "entries");
        Objects.requireNonNull(durability, "durability");
        group(group).replaceFrom(fromInclusive, entries, durability, "replace entries");
        afterChange();
    }

    @Override
    public void reset(long group, long boundaryIndex, long boundaryTerm, Durability durability) {
        LogChecks.requireResetArgs(boundaryIndex, boundaryTerm);
        Objects.requireNonNull(durability, "durability");
        group(group).reset(boundaryIndex, boundaryTerm, durability);
        afterChange();
    }

    @Override
    public void flush() {
        ensureOpen();
        log.submit(null, true);
    }

    // ---- MetaStore ------------------------------------------------------------------------------------------

    @Override
    public void saveHardState(long group, HardState state, Durability durability) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(durability, "durability");
        group(group).saveHardState(state, durability);
        afterChange();
    }

    @Override
    public HardState loadHardState(long group) {
        return group(group).hardState();
    }

    @Override
    public void put(long group, String key, byte[] value, Durability durability) {
        LogChecks.requireMetaKey(key);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(durability, "durability");
        SharedGroup g = group(group);
        synchronized (g) {
            Map<String, byte[]> m = g.metaCopy();
            m.put(key, value.clone());
            LogChecks.requireMetaFits(group, key, m, log::describe);
            g.saveMeta(m, durability);
        }
        afterChange();
    }

    @Override
    public byte[] get(long group, String key) {
        LogChecks.requireMetaKey(key);
        return group(group).metaValue(key);
    }

    @Override
    public boolean delete(long group, String key, Durability durability) {
        LogChecks.requireMetaKey(key);
        Objects.requireNonNull(durability, "durability");
        SharedGroup g = group(group);
        boolean removed;
        synchronized (g) {
            Map<String, byte[]> m = g.metaCopy();
            removed = m.remove(key) != null;
            if (removed) {
                g.saveMeta(m, durability);
            }
        }
        afterChange();
        return removed;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            log.close();
            lock.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "SharedRaftStorage[" + vfs.location("") + (closed.get() ? ", closed" : "") + "]";
    }
}
