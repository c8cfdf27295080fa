package dev.plinth.raftlog.internal.segment;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.internal.EntryPositions;
import dev.plinth.raftlog.internal.EntryRuns;
import dev.plinth.raftlog.internal.LogChecks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One group's segmented log: its segment files, its purge boundary and the in-memory position of every entry.
 *
 * <p>Thread safe: every method is {@code synchronized} on this object, which guards all fields below.
 *
 * <p>Invariants: {@code locs.get(i)} is the entry at index {@code boundaryIndex + 1 + i}; every segment whose
 * seq is below {@code firstLiveSeq} is dead (a purge or reset has made it so durably) and is ignored and deleted
 * on open; every closed segment before the first one holding an index above the boundary is deleted only after
 * the boundary file naming a later {@code firstLiveSeq} is durable. A change to entries is one segment record, so
 * it is whole or absent after a crash. After the first I/O error the group is failed and says so on every call.
 */
final class SegmentedGroup {
    static final byte ENTRIES = 1;
    static final byte REPLACE = 2;
    static final int RECORD_HEADER = 1 + 8 + 4;


    /** A segment other than the one being written: its file name and the highest index written in it. */
    private record Closed(String name, long maxIndex) {
    }

    private final Vfs vfs;
    private final long group;
    private final String dir;
    private final long segmentBytes;
    /** Whether payloads are written LZ4-compressed (when that pays); any entry is read either way. */
    private final boolean lz4;

    // All guarded by this.
    private long boundaryIndex;
    private long boundaryTerm;
    private long firstLiveSeq = 1;
    private long nextSeq = 1;
    /** Where each entry is: segment, header offset, length field (see {@link EntryCodec}), term. */
    private final EntryPositions locs = new EntryPositions();
    private final TreeMap<Long, Closed> closed = new TreeMap<>();
    private final Map<Long, VfsFile> readers = new HashMap<>();
    private SegmentWriter writer;
    private long writerSeq;
    private long writerMin;
    private long writerMax;
    private boolean dirExists;
    private RuntimeException failure;
    /** Changed (under this monitor) whenever an entry held may change or go; read by readers without it. */
    private volatile long version;

    SegmentedGroup(Vfs vfs, long group, long segmentBytes, boolean lz4) {
        this.vfs = vfs;
        this.group = group;
        this.dir = GroupFiles.dir(group);
        this.segmentBytes = segmentBytes;
        this.lz4 = lz4;
        try {
            load();
        } catch (RuntimeException e) {
            closeFiles();
            throw e;
        }
    }

    String dir() {
        return dir;
    }

    // ---- recovery -------------------------------------------------------------------------------------------

    private void load() {
        if (!vfs.exists(dir)) {
            return;
        }
        dirExists = true;
        byte[] b = AtomicFile.read(vfs, dir + "/" + GroupFiles.BOUNDARY);
        if (b != null) {
            if (b.length != 24) {
                throw new CorruptionException(vfs.location(dir + "/" + GroupFiles.BOUNDARY) + " has " + b.length
                        + " bytes instead of 24.");
            }
            ByteBuffer bb = ByteBuffer.wrap(b);
            boundaryIndex = bb.getLong();
            boundaryTerm = bb.getLong();
            firstLiveSeq = bb.getLong();
        }
        nextSeq = firstLiveSeq;
        List<GroupFiles.Segment> segs = GroupFiles.segments(vfs.location(dir), vfs.list(dir));
        List<GroupFiles.Segment> live = new ArrayList<>();
        for (GroupFiles.Segment s : segs) {
            if (s.seq() < firstLiveSeq) {
                vfs.delete(dir + "/" + s.name());
            } else {
                live.add(s);
            }
        }
        for (int i = 0; i < live.size(); i++) {
            GroupFiles.Segment s = live.get(i);
            String path = dir + "/" + s.name();
            List<SegmentScan.Record> records;
            if (i == live.size() - 1 && s.open()) {
                SegmentWriter.Reopened r = SegmentWriter.reopen(vfs, path, segmentBytes);
                writer = r.writer();
                writerSeq = s.seq();
                records = r.scan().records();
            } else {
                records = SegmentScan.read(vfs, path, false).records();
            }
            long max = 0;
            long min = 0;
            for (SegmentScan.Record r : records) {
                long top = replay(s.seq(), r, path);
                if (top > 0) {
                    long from = ByteBuffer.wrap(r.payload(), 1, 8).getLong();
                    min = min == 0 ? from : Math.min(min, from);
                    max = Math.max(max, top);
                }
            }
            if (writer != null && writerSeq == s.seq()) {
                writerMin = min;
                writerMax = max;
            } else {
                closed.put(s.seq(), new Closed(s.name(), max));
            }
            nextSeq = s.seq() + 1;
        }
        if (writer != null && writer.version() < SegmentFormat.VERSION) {
            // A segment of an older format is never appended to: what this version writes may not fit its rules.
            roll();
        }
    }

    /** Applies one record found on disk; returns the highest index it writes (0 if none). */
    private long replay(long seq, SegmentScan.Record r, String path) {
        ByteBuffer b = ByteBuffer.wrap(r.payload());
        byte type;
        long from;
        int count;
        try {
            type = b.get();
            from = b.getLong();
            count = b.getInt();
        } catch (RuntimeException e) {
            throw undecodable(r, path, e);
        }
        if ((type != ENTRIES && type != REPLACE) || from < 1 || count < 0) {
            throw undecodable(r, path, null);
        }
        if (from > lastIndex() + 1) {
            throw new CorruptionException("Group " + group + " has a record at index " + from + " in "
                    + vfs.location(path) + " but its log ends at " + lastIndex() + ": entries are missing.");
        }
        truncateLocs(Math.max(from, boundaryIndex + 1));
        long base = r.offset() + SegmentFormat.FRAME_BYTES;
        try {
            for (int i = 0; i < count; i++) {
                int at = b.position();
                long term = b.getLong(at);
                int field = EntryCodec.skip(b);
                if (from + i > boundaryIndex) {
                    locs.add(seq, base + at, field, term);
                }
            }
        } catch (RuntimeException e) {
            throw undecodable(r, path, e);
        }
        return count == 0 ? 0 : from + count - 1;
    }

    private CorruptionException undecodable(SegmentScan.Record r, String path, RuntimeException cause) {
        return new CorruptionException("A record at offset " + r.offset() + " of " + vfs.location(path)
                + " passed its CRC32C but cannot be decoded.", cause);
    }

    // ---- state ----------------------------------------------------------------------------------------------

    private void check() {
        if (failure != null) {
            throw new StorageIOException("The segmented Raft log of group " + group + " failed earlier and accepts "
                    + "nothing more: " + failure.getMessage(), failure);
        }
    }

    private RuntimeException fail(RuntimeException e) {
        failure = e;
        version++;
        return e;
    }

    synchronized long firstIndex() {
        check();
        return boundaryIndex + 1;
    }

    synchronized long lastIndexChecked() {
        check();
        return lastIndex();
    }

    synchronized long lastIndex() {
        return boundaryIndex + locs.size();
    }

    synchronized long termAt(long index) {
        check();
        LogChecks.requireTermIndex(group, index, boundaryIndex + 1, lastIndex());
        return index == boundaryIndex ? boundaryTerm : locs.term((int) (index - boundaryIndex - 1));
    }

    private void truncateLocs(long fromInclusive) {
        int keep = (int) (fromInclusive - boundaryIndex - 1);
        if (keep < locs.size()) {
            locs.truncate(keep);
            version++;
        }
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    synchronized LogEntry entry(long index) {
        return run(index, index + 1, Long.MAX_VALUE).entries()[0];
    }

    /**
     * Reads a run of consecutive entries from {@code fromInclusive} with one file read (see {@link EntryRuns}):
     * at least that entry, at most up to {@code toExclusive - 1} or the last entry held.
     *
     * @param fromInclusive the first index, which must be held
     * @param toExclusive   one past the last index wanted
     * @param maxStored     the most stored bytes wanted (the first entry is read whatever its size)
     * @return the entries, checked, and this group's version
     */
    synchronized EntryRuns.Run run(long fromInclusive, long toExclusive, long maxStored) {
        check();
        LogChecks.requireHeld(group, fromInclusive, boundaryIndex + 1, lastIndex());
        int i = (int) (fromInclusive - boundaryIndex - 1);
        int max = (int) Math.min(toExclusive - fromInclusive, locs.size() - i);
        int n = locs.run(i, max, EntryRuns.RUN_BYTES, EntryRuns.MAX_GAP, maxStored);
        long seq = locs.seq(i);
        ByteBuffer b = ByteBuffer.allocate(EntryRuns.span(locs, i, n));
        try {
            if (writer != null && seq == writerSeq) {
                writer.read(locs.pos(i), b);
            } else {
                reader(seq).read(locs.pos(i), b);
            }
        } catch (RuntimeException e) {
            throw fail(e);
        }
        b.flip();
        return new EntryRuns.Run(EntryRuns.decode(locs, i, n, fromInclusive, b, group, () -> segmentLocation(seq)),
                version);
    }

    /** The version: changed whenever an entry held may change or go (see {@code PointLogReader}). */
    long version() {
        return version;
    }

    private String segmentLocation(long seq) {
        String name = writer != null && seq == writerSeq ? GroupFiles.inProgress(seq) : closed.get(seq).name();
        return vfs.location(dir + "/" + name);
    }

    private VfsFile reader(long seq) {
        VfsFile f = readers.get(seq);
        if (f == null) {
            Closed c = closed.get(seq);
            f = vfs.openRead(dir + "/" + c.name());
            readers.put(seq, f);
        }
        return f;
    }

    // ---- changes --------------------------------------------------------------------------------------------

    synchronized void append(List<LogEntry> entries, Durability durability) {
        check();
        LogChecks.requireContinues(group, lastIndex() + 1, termAt(lastIndex()), entries);
        if (!entries.isEmpty()) {
            write(ENTRIES, lastIndex() + 1, entries, durability);
        }
    }

    synchronized void replaceFrom(long fromInclusive, List<LogEntry> entries, Durability durability, String op) {
        check();
        LogChecks.requireSuffixStart(group, fromInclusive, boundaryIndex + 1, lastIndex(), op);
        LogChecks.requireContinues(group, fromInclusive, termAt(fromInclusive - 1), entries);
        if (entries.isEmpty() && fromInclusive == lastIndex() + 1) {
            return;
        }
        write(REPLACE, fromInclusive, entries, durability);
    }

    /** Writes one record and updates the positions; the record is the whole change, so it is atomic. */
    private void write(byte type, long from, List<LogEntry> entries, Durability durability) {
        int size = RECORD_HEADER;
        EntryCodec.Stored[] stored = new EntryCodec.Stored[entries.size()];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = EntryCodec.store(entries.get(i), lz4);
            size += stored[i].recordBytes();
        }
        ByteBuffer b = ByteBuffer.allocate(size).put(type).putLong(from).putInt(entries.size());
        int[] at = new int[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            at[i] = b.position();
            EntryCodec.put(b, entries.get(i).term(), stored[i]);
        }
        try {
            ensureWriter();
            long off = writer.append(b.array());
            if (durability == Durability.SYNC) {
                writer.sync();
            }
            truncateLocs(from);
            long base = off + SegmentFormat.FRAME_BYTES;
            for (int i = 0; i < entries.size(); i++) {
                locs.add(writerSeq, base + at[i], stored[i].lengthField(), entries.get(i).term());
            }
            if (!entries.isEmpty()) {
                writerMin = writerMin == 0 ? from : Math.min(writerMin, from);
                writerMax = Math.max(writerMax, from + entries.size() - 1);
            }
            if (writer.position() >= segmentBytes) {
                roll();
            }
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    private void ensureDir() {
        if (!dirExists) {
            vfs.mkdirs(dir);
            vfs.syncDirectory("");
            dirExists = true;
        }
    }

    private void ensureWriter() {
        if (writer == null) {
            ensureDir();
            writerSeq = nextSeq++;
            writerMin = 0;
            writerMax = 0;
            writer = SegmentWriter.create(vfs, dir + "/" + GroupFiles.inProgress(writerSeq), segmentBytes);
        }
    }

    /** Closes the segment being written: its preallocated tail cut, forced, then renamed to show its range. */
    private void roll() {
        writer.seal();
        String name = GroupFiles.closed(writerSeq, writerMin, writerMax);
        vfs.rename(dir + "/" + GroupFiles.inProgress(writerSeq), dir + "/" + name);
        vfs.syncDirectory(dir);
        closed.put(writerSeq, new Closed(name, writerMax));
        writer = null;
    }

    synchronized long purge(long upToInclusive) {
        check();
        long target = Math.min(upToInclusive, lastIndex());
        if (target <= boundaryIndex) {
            return boundaryIndex;
        }
        long term = termAt(target);
        try {
            if (writer != null) {
                writer.sync();
            }
            List<Long> dead = new ArrayList<>();
            long firstLive = writer != null ? writerSeq : nextSeq;
            for (Map.Entry<Long, Closed> c : closed.entrySet()) {
                if (c.getValue().maxIndex() > target) {
                    firstLive = c.getKey();
                    break;
                }
                dead.add(c.getKey());
            }
            writeBoundary(target, term, firstLive);
            for (Long seq : dead) {
                dropSegment(seq);
            }
            if (!dead.isEmpty()) {
                vfs.syncDirectory(dir);
            }
        } catch (RuntimeException e) {
            throw fail(e);
        }
        locs.dropFirst((int) (target - boundaryIndex));
        version++;
        boundaryIndex = target;
        boundaryTerm = term;
        return target;
    }

    synchronized void reset(long index, long term) {
        check();
        try {
            if (writer != null) {
                writer.close();
                closed.put(writerSeq, new Closed(GroupFiles.inProgress(writerSeq), writerMax));
                writer = null;
            }
            long newFirst = nextSeq;
            writeBoundary(index, term, newFirst);
            for (Long seq : new ArrayList<>(closed.keySet())) {
                dropSegment(seq);
            }
            vfs.syncDirectory(dir);
        } catch (RuntimeException e) {
            throw fail(e);
        }
        locs.clear();
        version++;
        boundaryIndex = index;
        boundaryTerm = term;
    }

    private void writeBoundary(long index, long term, long firstLive) {
        ensureDir();
        AtomicFile.write(vfs, dir + "/" + GroupFiles.BOUNDARY,
                ByteBuffer.allocate(24).putLong(index).putLong(term).putLong(firstLive).array());
        firstLiveSeq = firstLive;
    }

    private void dropSegment(long seq) {
        VfsFile r = readers.remove(seq);
        if (r != null) {
            r.close();
        }
        Closed c = closed.remove(seq);
        vfs.delete(dir + "/" + c.name());
    }

    synchronized void sync() {
        check();
        if (writer != null) {
            try {
                writer.sync();
            } catch (RuntimeException e) {
                throw fail(e);
            }
        }
    }

    synchronized void ensureDirForMeta() {
        ensureDir();
    }

    synchronized void closeFiles() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        readers.values().forEach(VfsFile::close);
        readers.clear();
    }
}
