package dev.plinth.raftlog.internal.segment;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StoreClosedException;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsLock;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogFileOptions;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogReader;
import dev.plinth.raftlog.RaftStorage;
import dev.plinth.raftlog.internal.LogChecks;
import dev.plinth.raftlog.internal.PointLogReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link RaftStorage} as segment files of our own on a {@link Vfs}: a directory per group (see
 * {@link GroupFiles}), entries appended to segments, hard state and the key-value area in {@link AtomicFile}s.
 *
 * <p>Thread safe. Each {@link SegmentedGroup} serialises its group's calls on its own monitor; the meta
 * caches of a group are guarded by the same monitor. No lock is taken across groups. The directory holds a
 * {@code LOCK} file, held while open, so two instances never share it.
 *
 * <p>Durability: {@link Durability#SYNC} forces the segment before the call returns; {@code NONE} and
 * {@code PROCESS} write to the operating system and leave the force to a later {@code SYNC} call of the group or
 * {@link #flush()}. This holds for appends, replaces, truncates and purges alike (each is one record in the
 * group's segment); segments a purge frees are deleted after the force that makes the purge durable. Resets,
 * hard states and meta values are always synced (a reset record and a force; the other two write-temp, force,
 * rename, sync directory), which is more than any level asks.
 */
public final class SegmentedRaftStorage implements RaftStorage {
    /** The default size at which a segment is closed and a new one begun. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

    private final Vfs vfs;
    private final long segmentBytes;
    private final boolean lz4;
    private final VfsLock lock;
    private final ConcurrentHashMap<Long, SegmentedGroup> groups = new ConcurrentHashMap<>();
    /** Per group, guarded by the group's monitor. */
    private final ConcurrentHashMap<Long, Map<String, byte[]>> metas = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The threads of the groups' pipelined forces ({@link #appendAsync}); shut down by {@link #close()}. */
    private final java.util.concurrent.ExecutorService forceThreads =
            dev.plinth.raftlog.internal.ForcePipeline.threads("plinth-raftlog-segmented");

    /**
     * Opens the log in a file system's root, taking its lock.
     *
     * @param vfs          the file system
     * @param segmentBytes the size at which a segment is closed
     */
    public SegmentedRaftStorage(Vfs vfs, long segmentBytes) {
        this(vfs, segmentBytes, false);
    }

    /**
     * Opens the log in a file system's root, taking its lock.
     *
     * @param vfs     the file system
     * @param options the segment size and compression
     */
    public SegmentedRaftStorage(Vfs vfs, LogFileOptions options) {
        this(vfs, options.segmentBytes(), options.compression() == LogFileOptions.Compression.LZ4);
    }

    private SegmentedRaftStorage(Vfs vfs, long segmentBytes, boolean lz4) {
        this.vfs = Objects.requireNonNull(vfs, "vfs");
        this.lz4 = lz4;
        if (segmentBytes < SegmentFormat.HEADER_BYTES + 1) {
            throw new IllegalArgumentException("A segment must be allowed more than its header, but was given "
                    + segmentBytes + " bytes.");
        }
        this.segmentBytes = segmentBytes;
        this.lock = vfs.lock("LOCK");
        for (String n : vfs.list("")) {
            String base = n.substring(n.lastIndexOf('/') + 1);
            if (base.startsWith(GroupFiles.CLOSED)) {
                lock.close();
                throw new CorruptionException(vfs.location("") + " holds " + base + ", a segment of the shared Raft "
                        + "log, not a per-group segmented log; open it with openShared.");
            }
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new StoreClosedException("This segmented Raft log at " + vfs.location("") + " was closed.");
        }
    }

    private SegmentedGroup group(long group) {
        ensureOpen();
        return groups.computeIfAbsent(group, g -> new SegmentedGroup(vfs, g, segmentBytes, lz4, forceThreads));
    }

    /**
     * Pipelined: the record is written to the group's segment at once (no force), and a force on a thread of this
     * log, shared by every batch of the group written before it began, completes the future. Groups force in
     * parallel, each on a thread of its own while it has batches waiting.
     */
    @Override
    public java.util.concurrent.CompletableFuture<Long> appendAsync(long group, List<LogEntry> entries) {
        return group(group).appendAsync(Objects.requireNonNull(entries, "entries"));
    }

    @Override
    public void append(long group, List<LogEntry> entries, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        group(group).append(Objects.requireNonNull(entries, "entries"), durability);
    }

    /**
     * Not supported: the hard state is a file of its own, replaced apart from the segments.
     *
     * @throws UnsupportedCapabilityException always, before anything changes
     */
    @Override
    public void appendWithHardState(long group, List<LogEntry> entries, HardState state, Durability durability) {
        ensureOpen();
        throw new UnsupportedCapabilityException("The per-group segmented Raft log at " + vfs.location("")
                + " keeps the hard state in a file of its own and cannot write it atomically with entries; use "
                + "the shared log (RaftLogs.openShared) or a log on a Plinth store.");
    }

    @Override
    public boolean atomicHardState() {
        return false;
    }

    @Override
    public LogEntry entry(long group, long index) {
        return group(group).entry(index);
    }

    @Override
    public LogReader entries(long group, long fromInclusive, long toExclusive, long maxBytes) {
        SegmentedGroup g = group(group);
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
        return group(group).lastIndexChecked();
    }

    @Override
    public long purge(long group, long upToInclusive, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        return group(group).purge(upToInclusive, durability);
    }

    @Override
    public void truncate(long group, long fromInclusive, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        group(group).replaceFrom(fromInclusive, List.of(), durability, "truncate");
    }

    @Override
    public void replaceFrom(long group, long fromInclusive, List<LogEntry> entries, Durability durability) {
        Objects.requireNonNull(durability, "durability");
        group(group).replaceFrom(fromInclusive, Objects.requireNonNull(entries, "entries"), durability,
                "replace entries");
    }

    @Override
    public void reset(long group, long boundaryIndex, long boundaryTerm, Durability durability) {
        LogChecks.requireResetArgs(boundaryIndex, boundaryTerm);
        Objects.requireNonNull(durability, "durability");
        group(group).reset(boundaryIndex, boundaryTerm);
    }

    @Override
    public void flush() {
        ensureOpen();
        for (SegmentedGroup g : groups.values()) {
            g.sync();
        }
    }

    // ---- MetaStore ------------------------------------------------------------------------------------------

    @Override
    public void saveHardState(long group, HardState state, Durability durability) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(durability, "durability");
        SegmentedGroup g = group(group);
        g.saveFile(SavedFiles.File.HARD_STATE, ByteBuffer.allocate(24)
                .putLong(state.term()).putLong(state.votedFor()).putLong(state.commitIndex()).array());
    }

    @Override
    public HardState loadHardState(long group) {
        SegmentedGroup g = group(group);
        synchronized (g) {
            String name = g.dir() + "/" + GroupFiles.HARD_STATE;
            byte[] v = vfs.exists(g.dir()) ? AtomicFile.read(vfs, name) : null;
            if (v == null) {
                return HardState.INITIAL;
            }
            if (v.length != 24) {
                throw new CorruptionException(vfs.location(name) + " has " + v.length + " bytes instead of 24.");
            }
            ByteBuffer b = ByteBuffer.wrap(v);
            try {
                return new HardState(b.getLong(), b.getLong(), b.getLong());
            } catch (IllegalArgumentException e) {
                throw new CorruptionException(vfs.location(name) + " holds an impossible hard state: "
                        + e.getMessage(), e);
            }
        }
    }

    /** The group's key-value area, loaded on first use; call with the group's monitor held. */
    private Map<String, byte[]> metaLocked(long group, SegmentedGroup g) {
        Map<String, byte[]> m = metas.get(group);
        if (m == null) {
            m = new TreeMap<>();
            String name = g.dir() + "/" + GroupFiles.META;
            byte[] v = vfs.exists(g.dir()) ? AtomicFile.read(vfs, name) : null;
            if (v != null) {
                try {
                    ByteBuffer b = ByteBuffer.wrap(v);
                    int n = b.getInt();
                    for (int i = 0; i < n; i++) {
                        byte[] k = new byte[b.getInt()];
                        b.get(k);
                        byte[] val = new byte[b.getInt()];
                        b.get(val);
                        m.put(new String(k, StandardCharsets.UTF_8), val);
                    }
                } catch (RuntimeException e) {
                    throw new CorruptionException(vfs.location(name) + " passed its CRC32C but cannot be decoded.", e);
                }
            }
            metas.put(group, m);
        }
        return m;
    }

    private void saveMetaLocked(SegmentedGroup g, Map<String, byte[]> m) {
        int size = 4;
        for (Map.Entry<String, byte[]> e : m.entrySet()) {
            size += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).putInt(m.size());
        for (Map.Entry<String, byte[]> e : m.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putInt(k.length).put(k).putInt(e.getValue().length).put(e.getValue());
        }
        g.saveFile(SavedFiles.File.META, b.array());
    }

    @Override
    public void put(long group, String key, byte[] value, Durability durability) {
        LogChecks.requireMetaKey(key);
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(durability, "durability");
        SegmentedGroup g = group(group);
        synchronized (g) {
            Map<String, byte[]> m = new TreeMap<>(metaLocked(group, g));
            m.put(key, value.clone());
            LogChecks.requireMetaFits(group, key, m, g::describe);
            saveMetaLocked(g, m);
            metas.put(group, m);
        }
    }

    @Override
    public byte[] get(long group, String key) {
        LogChecks.requireMetaKey(key);
        SegmentedGroup g = group(group);
        synchronized (g) {
            byte[] v = metaLocked(group, g).get(key);
            return v == null ? null : v.clone();
        }
    }

    @Override
    public boolean delete(long group, String key, Durability durability) {
        LogChecks.requireMetaKey(key);
        Objects.requireNonNull(durability, "durability");
        SegmentedGroup g = group(group);
        synchronized (g) {
            Map<String, byte[]> m = new TreeMap<>(metaLocked(group, g));
            if (m.remove(key) == null) {
                return false;
            }
            saveMetaLocked(g, m);
            metas.put(group, m);
            return true;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            // Every pipelined append handed over before the close is forced (or failed) before the files close.
            for (SegmentedGroup g : groups.values()) {
                g.closePipeline();
            }
            forceThreads.shutdown();
            for (SegmentedGroup g : groups.values()) {
                g.closeFiles();
            }
            lock.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "SegmentedRaftStorage[" + vfs.location("") + (closed.get() ? ", closed" : "") + "]";
    }
}
