package dev.plinth.raftlog.internal.segment;

import static dev.plinth.raftlog.internal.segment.GroupRecords.BASE;
import static dev.plinth.raftlog.internal.segment.GroupRecords.END;
import static dev.plinth.raftlog.internal.segment.GroupRecords.ENTRIES;
import static dev.plinth.raftlog.internal.segment.GroupRecords.FILES;
import static dev.plinth.raftlog.internal.segment.GroupRecords.PURGE;
import static dev.plinth.raftlog.internal.segment.GroupRecords.RECORD_HEADER;
import static dev.plinth.raftlog.internal.segment.GroupRecords.REPLACE;
import static dev.plinth.raftlog.internal.segment.GroupRecords.RESET;
import static dev.plinth.raftlog.internal.segment.GroupRecords.base;
import static dev.plinth.raftlog.internal.segment.GroupRecords.bounds;
import static dev.plinth.raftlog.internal.segment.GroupRecords.end;
import static dev.plinth.raftlog.internal.segment.GroupRecords.typeOf;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.internal.ForcePipeline;
import dev.plinth.raftlog.internal.EntryPositions;
import dev.plinth.raftlog.internal.EntryRuns;
import dev.plinth.raftlog.internal.RunBuffer;
import dev.plinth.raftlog.internal.LogChecks;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One group's segmented log: its segment files, its purge boundary and the in-memory position of every entry.
 *
 * <p>Thread safe: every method is {@code synchronized} on this object, which guards all fields below. The
 * {@link SpareSegment} is called holding it and never waits for the background thread then, except at close: a
 * roll whose spare is not made yet makes the segment itself.
 *
 * <p>Invariants: {@code locs.get(i)} is the entry at index {@code boundaryIndex + 1 + i}. Every change is one
 * segment record, so it is whole or absent after a crash: entries, a replace (or truncate), a purge (the new
 * boundary and its term) and a reset. Every segment of format {@link SegmentFormat#GROUP_BOUNDS_VERSION} or later
 * begins with a base record (the boundary and last index when it was begun; version 3 segments may begin with a
 * reset instead), so a segment never depends on the records of the segments before it for its boundary: those may
 * be deleted. Every closed segment of format {@link SegmentFormat#GROUP_VERSION} ends with an end record, appended
 * and forced before the rename that closes it, so a closed segment cut short at a record boundary is found; and the
 * {@code hardstate} and {@code meta} files, once first saved, are named by a files record (and by every later base
 * record), so a lost one is found at open. A closed segment is deleted only when
 * every index written in it is at or below the boundary (or a later reset dropped it) and only after the record
 * that moved the boundary is durable (right after a force of the segment being written, which holds that record
 * or a base restating it), oldest first; so the segments on disk after a crash are the live ones, perhaps after a
 * run of dead ones cut off by a gap in their seqs. After the first I/O error the group is failed and says so on
 * every call. With segments over {@link SegmentWriter#FIRST_PREALLOCATION} the next segment is made ahead of need
 * by a {@link SpareSegment} on {@link #background} (a file that is never read; a failure making it fails the group
 * at its next append or roll).
 *
 * <p>A log written before format version 3 keeps its boundary in a {@code boundary} file (an {@link AtomicFile}
 * naming the boundary and the first live segment); it is read at open as the state before the first segment, and
 * deleted once no segment of an older format is left and a base record restating it is durable.
 */
final class SegmentedGroup {
    /**
     * A segment other than the one being written: its file name, the highest index written in it (0 if none, or
     * if a later reset dropped them all) and its format version.
     */
    private record Closed(String name, long maxIndex, int version) {
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
    /** The files saved beside the segments, as the segments record them. */
    private final SavedFiles savedFiles;
    private long nextSeq = 1;
    /** Whether a {@code boundary} file of a format before version 3 is still on disk. */
    private boolean legacyBoundary;
    /** Where each entry is: segment, header offset, length field (see {@link EntryCodec}), term. */
    private final EntryPositions locs = new EntryPositions();
    private final TreeMap<Long, Closed> closed = new TreeMap<>();
    private final Map<Long, VfsFile> readers = new HashMap<>();
    private SegmentWriter writer;
    private long writerSeq;
    private long writerMin;
    private long writerMax;
    private boolean dirExists;
    /** Written under this monitor, or by {@link #pipeline} on its thread when a pipelined force fails. */
    private volatile RuntimeException failure;
    /**
     * Held by a pipelined force while it forces {@link #writer}, and by this group whenever it replaces, seals or
     * closes the writer (under the monitor as well), so a force never meets a writer going away. Taken after the
     * monitor, never before it.
     */
    private final java.util.concurrent.locks.ReentrantLock forceLock = new java.util.concurrent.locks.ReentrantLock();
    /** Acknowledges pipelined appends once a force of the segment covers them. */
    private final ForcePipeline<Long> pipeline;
    /** Runs the pipeline's forces and the deletion of dead segments off the callers' path. */
    private final java.util.concurrent.Executor background;
    /** The dead segments whose files are still to go, deleted on {@link #background}; shares this monitor. */
    private final DeadSegments dead;
    /** The next segment, made ahead of need on {@link #background} ({@link SpareSegment#worthwhile} segments only). */
    private final SpareSegment spare;
    /** Changed (under this monitor) whenever an entry held may change or go; read by readers without it. */
    private volatile long version;

    SegmentedGroup(Vfs vfs, long group, long segmentBytes, boolean lz4, java.util.concurrent.Executor forceThreads) {
        this.vfs = vfs;
        this.group = group;
        this.dir = GroupFiles.dir(group);
        this.segmentBytes = segmentBytes;
        this.lz4 = lz4;
        this.savedFiles = new SavedFiles(vfs, group, dir);
        this.background = forceThreads;
        this.spare = new SpareSegment(vfs, dir, segmentBytes, SegmentFormat.GROUP_VERSION, forceThreads, describe());
        this.dead = new DeadSegments(vfs, dir, segmentBytes, forceThreads, this, e -> {
            if (failure == null) {
                fail(e);
            }
        }, describe());
        this.pipeline = new ForcePipeline<>(this::forceWritten, forceThreads, RaftLogs.MAX_UNFORCED_BYTES,
                () -> "segmented Raft log of group " + group + " at " + vfs.location(dir), e -> {
                    if (failure == null) {
                        failure = e;
                    }
                });
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

    /** Names the group's log, for messages. */
    String describe() {
        return "the segmented Raft log at " + vfs.location(dir);
    }

    // ---- recovery -------------------------------------------------------------------------------------------

    /** Replay state, used only while {@link #load()} runs: whether no record has been replayed yet. */
    private boolean fresh;
    /** Replay state: the highest index held by a placeholder for an entry of a deleted segment, 0 if none. */
    private long placeholderTop;

    private void load() {
        if (!vfs.exists(dir)) {
            return;
        }
        dirExists = true;
        // A spare of an earlier run holds no record: it is never read, only deleted, and before anything is written,
        // for a write here (checkSavedFiles' record, say) may start making this run's spare in the background.
        SpareSegment.removeLeftover(vfs, dir);
        // So is a dead segment retired by an earlier run and not yet wholly freed. (The listing serves the segments'
        // too: neither name is a segment's.)
        List<String> names = vfs.list(dir);
        SegmentDeletion.removeLeftovers(vfs, dir, names);
        long firstLiveSeq = 1;
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
            legacyBoundary = true;
        }
        nextSeq = firstLiveSeq;
        List<GroupFiles.Segment> segs = GroupFiles.segments(vfs.location(dir), names);
        // Dead: below a boundary file's first live segment, and everything before the newest gap in the seqs
        // (deletions go oldest first, after the record that made the segments dead is durable, so a gap is a
        // deletion that landed and everything before it was dead as well).
        int start = 0;
        for (int i = 0; i < segs.size(); i++) {
            long seq = segs.get(i).seq();
            if (seq < firstLiveSeq) {
                start = i + 1;
            } else if (i > start && seq != segs.get(i - 1).seq() + 1) {
                start = i;
            }
        }
        fresh = true;
        boolean writerEmpty = false;
        boolean writerEnded = false;
        for (int i = start; i < segs.size(); i++) {
            GroupFiles.Segment s = segs.get(i);
            String path = dir + "/" + s.name();
            List<SegmentScan.Record> records;
            int segVersion;
            if (i == segs.size() - 1 && s.open()) {
                SegmentWriter.Reopened r = SegmentWriter.reopen(vfs, path, segmentBytes, SegmentFormat.GROUP_VERSION);
                writer = r.writer();
                writerSeq = s.seq();
                records = r.scan().records();
                segVersion = writer.version();
                writerEmpty = records.isEmpty();
            } else {
                SegmentScan scan = SegmentScan.read(vfs, path, false, SegmentFormat.GROUP_VERSION);
                records = scan.records();
                segVersion = scan.version();
            }
            boolean inProgress = writer != null && writerSeq == s.seq();
            long max = 0;
            long min = 0;
            for (int k = 0; k < records.size(); k++) {
                SegmentScan.Record r = records.get(k);
                byte type = typeOf(r);
                if (segVersion >= SegmentFormat.GROUP_BOUNDS_VERSION && k == 0 && type != BASE
                        && (type != RESET || segVersion >= SegmentFormat.GROUP_VERSION)) {
                    throw new CorruptionException("The segment " + vfs.location(path) + " of group " + group
                            + " does not begin with a base" + (segVersion >= SegmentFormat.GROUP_VERSION ? "" : " or reset")
                            + " record (its first record has type " + type + ").");
                }
                if (segVersion >= SegmentFormat.GROUP_VERSION && type == END) {
                    replayEnd(s.seq(), r, path, k == records.size() - 1);
                    continue;
                }
                if (type == RESET) {
                    // Every entry written before is dropped: no earlier segment holds a live one any more.
                    min = 0;
                    max = 0;
                    closed.replaceAll((seq, c) -> new Closed(c.name(), 0, c.version()));
                }
                long top = replay(s.seq(), r, path, segVersion);
                if (top > 0) {
                    long from = ByteBuffer.wrap(r.payload(), 1, 8).getLong();
                    min = min == 0 ? from : Math.min(min, from);
                    max = Math.max(max, top);
                }
            }
            if (segVersion >= SegmentFormat.GROUP_VERSION) {
                boolean ended = !records.isEmpty() && typeOf(records.get(records.size() - 1)) == END;
                if (!inProgress && !ended) {
                    throw new CorruptionException("The closed segment " + vfs.location(path) + " of group " + group
                            + " does not end with the record that ends every closed segment: it was cut short"
                            + (records.isEmpty() ? " (it holds no record)"
                                    : " (its last whole record is at offset " + records.get(records.size() - 1).offset()
                                    + ")") + ", and records it held may be lost. Nothing was changed.");
                }
                writerEnded = inProgress && ended;
            }
            if (inProgress) {
                writerMin = min;
                writerMax = max;
            } else {
                closed.put(s.seq(), new Closed(s.name(), max, segVersion));
            }
            nextSeq = s.seq() + 1;
        }
        fresh = false;
        if (placeholderTop > boundaryIndex) {
            throw new CorruptionException("Group " + group + " of the segmented Raft log at " + vfs.location(dir)
                    + " is missing entries " + (boundaryIndex + 1) + " to " + placeholderTop + ": the segment files "
                    + "that held them are gone, but no durable purge dropped them.");
        }
        placeholderTop = 0;
        for (int i = 0; i < start; i++) {
            vfs.delete(dir + "/" + segs.get(i).name());
        }
        if (writer == null) {
            if (!closed.isEmpty()) {
                // The log stopped between closing a segment and beginning the next (or was written before the next
                // was begun at once): begun now, so that the newest closed segment is named by a later one.
                beginNext();
            }
        } else if (writer.version() < SegmentFormat.GROUP_VERSION || writerEnded) {
            // A segment of an older format is never appended to: what this version writes may not fit its rules.
            // One that ends with its end record was being closed (forced, not yet renamed) when the log stopped.
            roll(writerEnded);
        } else {
            if (writerEmpty) {
                // Created, but the crash came before its base record was whole.
                writer.append(base(boundaryIndex, boundaryTerm, lastIndex(), savedFiles.flags()));
            }
            if (writerEmpty || hasDead() || legacyDeletable()) {
                // What was read may have reached only the operating system before a kill: force it before deleting.
                writer.force();
                dropDead();
                awaitDeletions();
            }
        }
        checkSavedFiles();
    }

    /**
     * Checks an end record found on disk: last in its segment, naming the segment and the group's last index as
     * replayed so far.
     */
    private void replayEnd(long seq, SegmentScan.Record r, String path, boolean lastInSegment) {
        fresh = false;
        ByteBuffer b = ByteBuffer.wrap(r.payload(), 1, r.payload().length - 1);
        if (b.remaining() != 16) {
            throw undecodable(r, path, null);
        }
        long named = b.getLong();
        long last = b.getLong();
        if (!lastInSegment || named != seq || last != lastIndex()) {
            throw new CorruptionException("The segment " + vfs.location(path) + " of group " + group + " holds an end "
                    + "record at offset " + r.offset() + " naming segment " + named + " and last index " + last
                    + ", but it is segment " + seq + (lastInSegment ? "" : ", the record is not its last one")
                    + " and the group's log ends at " + lastIndex() + " there: the file is not the one its name says, or "
                    + "is damaged. Nothing was changed.");
        }
    }

    /**
     * At open, after the replay: a file the segments say was saved must be there ({@link SavedFiles#checkAtOpen}); a
     * file there that the segments do not name yet (its first save was cut off before the record, or the log was
     * written before version 5) is recorded now.
     */
    private void checkSavedFiles() {
        for (SavedFiles.File file : savedFiles.checkAtOpen()) {
            // The file's rename may not be durable yet (the process died inside AtomicFile.write, after the rename,
            // before its directory sync): sync it before the record naming the file, or a power loss could undo the
            // rename and keep the record, and every later open would refuse the log for a save never acknowledged.
            vfs.syncDirectory(dir);
            noteSaved(file);
        }
    }

    /**
     * Applies one record found on disk; returns the highest index it writes (0 if none).
     *
     * @param seq     the segment's seq
     * @param r       the record
     * @param path    the segment's path, for messages
     * @param version the segment's format version
     */
    private long replay(long seq, SegmentScan.Record r, String path, int version) {
        ByteBuffer b = ByteBuffer.wrap(r.payload());
        boolean wasFresh = fresh;
        fresh = false;
        byte type;
        try {
            type = b.get();
            if (version >= SegmentFormat.GROUP_VERSION && type == FILES) {
                int files = b.get() & 0xFF;
                if (!SavedFiles.valid(files) || b.hasRemaining()) {
                    throw undecodable(r, path, null);
                }
                savedFiles.addReplayed(files);
                return 0;
            }
            if (version >= SegmentFormat.GROUP_BOUNDS_VERSION && (type == PURGE || type == RESET || type == BASE)) {
                long index = b.getLong();
                long term = b.getLong();
                long last = type == BASE ? b.getLong() : 0;
                int files = type == BASE && version >= SegmentFormat.GROUP_VERSION ? b.get() & 0xFF : -1;
                if (index < 0 || term < 0 || last < 0 || (files > 0 && !SavedFiles.valid(files))
                        || b.hasRemaining()) {
                    throw undecodable(r, path, null);
                }
                replayBounds(type, index, term, last, files, wasFresh, r, path);
                return 0;
            }
        } catch (RuntimeException e) {
            throw e instanceof CorruptionException c ? c : undecodable(r, path, e);
        }
        long from;
        int count;
        try {
            from = b.getLong();
            count = b.getInt();
        } catch (RuntimeException e) {
            throw undecodable(r, path, e);
        }
        if ((type != ENTRIES && type != REPLACE) || from < 1 || count < 0) {
            throw undecodable(r, path, null);
        }
        if (from > lastIndex() + 1) {
            if (!wasFresh) {
                throw new CorruptionException("Group " + group + " has a record at index " + from + " in "
                        + vfs.location(path) + " but its log ends at " + lastIndex() + ": entries are missing.");
            }
            // The first record replayed, in a segment of an older format after the segments before it were deleted.
            addPlaceholders(from - 1);
        }
        long cut = Math.max(from, boundaryIndex + 1);
        truncateLocs(cut);
        placeholderTop = Math.min(placeholderTop, cut - 1);
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

    /**
     * Replays a purge, reset or base record; {@code files} is a version 5 base record's flags of saved files, -1 for
     * any other record.
     */
    private void replayBounds(byte type, long index, long term, long last, int files, boolean wasFresh,
            SegmentScan.Record r, String path) {
        if (type == RESET || (type == BASE && wasFresh)) {
            // A reset, or the first record replayed: the state it states replaces whatever came before (a reset keeps
            // the saved files: they are not part of the log).
            locs.clear();
            placeholderTop = 0;
            boundaryIndex = index;
            boundaryTerm = term;
            if (type == BASE) {
                if (last < index) {
                    throw undecodable(r, path, null);
                }
                addPlaceholders(last);
                savedFiles.setReplayed(Math.max(files, 0));
            }
        } else if (type == BASE) {
            if (index != boundaryIndex || term != boundaryTerm || last != lastIndex()
                    || (files >= 0 && files != savedFiles.flags())) {
                throw new CorruptionException("The segment " + vfs.location(path) + " of group " + group
                        + " begins with boundary " + index + " (term " + term + "), last index " + last
                        + (files >= 0 ? " and saved files " + files : "") + ", but the segments before it end with "
                        + "boundary " + boundaryIndex + " (term " + boundaryTerm + "), last index " + lastIndex()
                        + (files >= 0 ? " and saved files " + savedFiles.flags() : "")
                        + ": a segment between them is missing or damaged.");
            }
        } else if (index > boundaryIndex) {
            if (index > lastIndex()) {
                throw new CorruptionException("A purge record at offset " + r.offset() + " of " + vfs.location(path)
                        + " moves the boundary of group " + group + " to " + index + ", past its last entry "
                        + lastIndex() + ": entries are missing.");
            }
            locs.dropFirst((int) (index - boundaryIndex));
            boundaryIndex = index;
            boundaryTerm = term;
        }
    }

    /** Holds the indexes up to {@code toInclusive} by placeholders; a purge must drop them before the open ends. */
    private void addPlaceholders(long toInclusive) {
        for (long i = lastIndex() + 1; i <= toInclusive; i++) {
            locs.add(0, 0, 0, 0);
        }
        placeholderTop = Math.max(placeholderTop, toInclusive);
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
        // Pipelined appends waiting for a force are not acknowledged by a failed log.
        pipeline.fail(e);
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
        ByteBuffer b = RunBuffer.take(EntryRuns.span(locs, i, n));
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
        LogChecks.requireEntriesFit(group, entries, "append", this::describe);
        if (!entries.isEmpty()) {
            write(ENTRIES, lastIndex() + 1, entries, durability);
        }
    }

    synchronized void replaceFrom(long fromInclusive, List<LogEntry> entries, Durability durability, String op) {
        check();
        LogChecks.requireSuffixStart(group, fromInclusive, boundaryIndex + 1, lastIndex(), op);
        LogChecks.requireContinues(group, fromInclusive, termAt(fromInclusive - 1), entries);
        LogChecks.requireEntriesFit(group, entries, op, this::describe);
        if (entries.isEmpty() && fromInclusive == lastIndex() + 1) {
            return;
        }
        write(REPLACE, fromInclusive, entries, durability);
    }

    /**
     * Appends as {@link #append} at {@code PROCESS} does, then hands the record to the group's force pipeline: the
     * future completes once a force of the segment covers it. The monitor is held until the record is written, not
     * during the force.
     */
    synchronized java.util.concurrent.CompletableFuture<Long> appendAsync(List<LogEntry> entries) {
        check();
        LogChecks.requireContinues(group, lastIndex() + 1, termAt(lastIndex()), entries);
        LogChecks.requireEntriesFit(group, entries, "append", this::describe);
        long bytes = 0;
        for (LogEntry e : entries) {
            bytes += e.size() + RaftLogs.ENTRY_OVERHEAD_BYTES;
        }
        pipeline.reserve(bytes);
        try {
            if (!entries.isEmpty()) {
                write(ENTRIES, lastIndex() + 1, entries, Durability.PROCESS);
            }
        } catch (RuntimeException x) {
            pipeline.release(bytes);
            throw x;
        }
        return pipeline.registered(bytes, lastIndex());
    }

    /** The force of the pipeline: the segment being written, while this group goes on appending to it. */
    private void forceWritten() {
        forceLock.lock();
        try {
            check();
            if (writer != null) {
                writer.syncConcurrently();
            }
        } finally {
            forceLock.unlock();
        }
    }

    /** Writes one record and updates the positions; the record is the whole change, so it is atomic. */
    private void write(byte type, long from, List<LogEntry> entries, Durability durability) {
        EntryCodec.Batch stored = EntryCodec.storeAll(entries, lz4);
        // The record is encoded once, after room for its frame, in this thread's scratch array, and written from it:
        // no buffer allocated and zeroed per batch, no second copy.
        int length = Math.addExact(SegmentFormat.FRAME_BYTES + RECORD_HEADER, stored.recordBytes());
        byte[] framed = RecordScratch.take(length);
        ByteBuffer b = ByteBuffer.wrap(framed, 0, length).position(SegmentFormat.FRAME_BYTES)
                .put(type).putLong(from).putInt(entries.size());
        int[] at = new int[entries.size()];
        stored.putAll(b, SegmentFormat.FRAME_BYTES, at);
        try {
            spare.check();
            ensureWriter();
            long off = writer.appendFramed(framed, length);
            if (durability == Durability.SYNC) {
                writer.sync();
            }
            truncateLocs(from);
            long base = off + SegmentFormat.FRAME_BYTES;
            for (int i = 0; i < entries.size(); i++) {
                locs.add(writerSeq, base + at[i], stored.lengthField(i), entries.get(i).term());
            }
            if (!entries.isEmpty()) {
                writerMin = writerMin == 0 ? from : Math.min(writerMin, from);
                writerMax = Math.max(writerMax, from + entries.size() - 1);
            }
            settle(durability);
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

    /**
     * Begins a segment if none is being written: its first record is a base record stating the boundary, the last
     * index and the saved files. The record is durable with the segment's next force.
     */
    private void ensureWriter() {
        if (writer == null) {
            ensureDir();
            writerSeq = nextSeq++;
            writerMin = 0;
            writerMax = 0;
            String name = dir + "/" + GroupFiles.inProgress(writerSeq);
            SegmentWriter created = spare.take(name);
            if (created == null) {
                created = SegmentWriter.create(vfs, name, segmentBytes, SegmentFormat.GROUP_VERSION);
            }
            forceLock.lock();
            try {
                writer = created;
            } finally {
                forceLock.unlock();
            }
            writer.append(base(boundaryIndex, boundaryTerm, lastIndex(), savedFiles.flags()));
        }
    }

    /**
     * Closes the segment being written: its end record appended (version 5), its preallocated tail cut, forced, then
     * renamed to show its range; then the next is begun.
     */
    private void roll() {
        roll(false);
    }

    /** As {@link #roll()}; {@code ended}: the end record is already the segment's last record (found at open). */
    private void roll(boolean ended) {
        int v = writer.version();
        if (v >= SegmentFormat.GROUP_VERSION && !ended) {
            writer.append(end(writerSeq, lastIndex()));
        }
        forceLock.lock();
        try {
            // The seal forces what was written; a pipelined force after it finds no writer and nothing to do.
            writer.seal();
            writer = null;
        } finally {
            forceLock.unlock();
        }
        String name = GroupFiles.closed(writerSeq, writerMin, writerMax);
        vfs.rename(dir + "/" + GroupFiles.inProgress(writerSeq), dir + "/" + name);
        vfs.syncDirectory(dir);
        closed.put(writerSeq, new Closed(name, writerMax, v));
        beginNext();
    }

    /**
     * Begins the next segment at once, its base record forced: the base restates the last index, so a closed segment
     * lost later (the newest one included) is found at open, never read as a shorter log. Until 2026-12-06 the next
     * segment was begun by the next append, and the newest closed segment of a group that had not appended since
     * could vanish unnoticed.
     */
    private void beginNext() {
        ensureWriter();
        writer.sync();
    }

    /** Whether the oldest closed segment holds nothing above the boundary. */
    private boolean hasDead() {
        return !closed.isEmpty() && closed.firstEntry().getValue().maxIndex() <= boundaryIndex;
    }

    /**
     * After a record was appended: deletes the dead segments if the record was forced ({@code SYNC}; otherwise
     * the next force does), and starts a new segment once this one is full.
     */
    private void settle(Durability durability) {
        if (durability == Durability.SYNC) {
            dropDead();
        }
        if (writer.position() >= segmentBytes) {
            roll();
        }
        spare.prepareIfDue(writer.position());
    }

    /**
     * Deletes the closed segments, oldest first, that hold nothing above the boundary. Call only right after the
     * segment being written was forced: it holds the record that set the boundary, or a base record restating it,
     * so the deleted segments are needed by no recovery. Their files go on {@link #background} ({@link DeadSegments}):
     * a deletion that does not land leaves a dead segment that recovery replays (the durable record drops its entries
     * again) or skips (behind a gap), and deletes.
     */
    private void dropDead() {
        if (writer == null) {
            return;
        }
        while (hasDead()) {
            dropSegment(closed.firstKey());
        }
        if (legacyDeletable()) {
            // Every segment left begins with a base record, which replaces what the old file says; it goes once the
            // dead segments' names are durably gone (DeadSegments.dropLegacyBoundary). Once per group written before
            // format version 3.
            legacyBoundary = false;
            dead.dropLegacyBoundary();
        }
        // Deleting a full segment frees all its blocks, which the purge (or append) that freed it need not wait for:
        // nothing needs the file any more.
        dead.start();
    }

    /**
     * Waits until the dead segments queued so far are out of the log's names (deleted, or retired and perhaps still
     * being freed in steps), and an old {@code boundary} file due to go is gone.
     */
    synchronized void awaitDeletions() {
        dead.awaitOutOfNames();
    }

    /** Whether a boundary file of an older format is left while every closed segment begins with a base record. */
    private boolean legacyDeletable() {
        return legacyBoundary && closed.values().stream().allMatch(c -> c.version() >= SegmentFormat.GROUP_BOUNDS_VERSION);
    }

    /**
     * Moves the boundary by appending a purge record to the segment being written (forced at once at
     * {@code SYNC}, else with the group's next force); the closed segments that then hold only purged indexes
     * are deleted after that force.
     */
    synchronized long purge(long upToInclusive, Durability durability) {
        check();
        long target = Math.min(upToInclusive, lastIndex());
        if (target <= boundaryIndex) {
            return boundaryIndex;
        }
        long term = termAt(target);
        try {
            ensureWriter();
            writer.append(bounds(PURGE, target, term));
            if (durability == Durability.SYNC) {
                writer.sync();
            }
        } catch (RuntimeException e) {
            throw fail(e);
        }
        locs.dropFirst((int) (target - boundaryIndex));
        version++;
        boundaryIndex = target;
        boundaryTerm = term;
        try {
            settle(durability);
        } catch (RuntimeException e) {
            throw fail(e);
        }
        return target;
    }

    /**
     * Drops every entry: a reset record is appended to the segment being written (or begins a new one) and
     * forced, then every closed segment is deleted. The entries written before the reset in the segment being
     * written stay in it, dead, until the segment is deleted.
     */
    synchronized void reset(long index, long term) {
        check();
        byte[] record = bounds(RESET, index, term);
        try {
            ensureWriter();
            writer.append(record);
            writer.sync();
        } catch (RuntimeException e) {
            throw fail(e);
        }
        locs.clear();
        version++;
        boundaryIndex = index;
        boundaryTerm = term;
        writerMin = 0;
        writerMax = 0;
        try {
            closed.replaceAll((seq, c) -> new Closed(c.name(), 0, c.version()));
            dropDead();
            if (writer.position() >= segmentBytes) {
                roll();
            }
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    private void dropSegment(long seq) {
        VfsFile r = readers.remove(seq);
        if (r != null) {
            r.close();
        }
        Closed c = closed.remove(seq);
        dead.add(c.name());
    }

    /**
     * Forces the segment and, as every force does, lets dead segments go; returns once their names are gone (their
     * bytes may still be being freed in steps, see {@link SegmentDeletion}).
     */
    synchronized void sync() {
        check();
        if (writer != null) {
            try {
                writer.sync();
                dropDead();
            } catch (RuntimeException e) {
                throw fail(e);
            }
        }
        awaitDeletions();
        check();
    }

    /**
     * Replaces one of the files kept beside the segments ({@code hardstate}, {@code meta}) crash-atomically; after its
     * first save a record saying it was saved is appended and forced, so that its loss is found at open. Refused, as
     * every call is, once the group has failed.
     *
     * @param file the file
     * @param contents the file's new contents
     */
    synchronized void saveFile(SavedFiles.File file, byte[] contents) {
        // A failed group refuses every save, not only a file's first: what it says is on disk may not be.
        check();
        boolean first = !savedFiles.saved(file);
        ensureDir();
        AtomicFile.write(vfs, savedFiles.path(file), contents);
        if (first) {
            noteSaved(file);
        }
    }

    /**
     * Records in the segment being written, forced, that {@code file} was saved: in the base record of a new segment
     * if none is being written, else in a files record.
     */
    private void noteSaved(SavedFiles.File file) {
        try {
            byte[] record = savedFiles.mark(file);
            if (writer == null) {
                ensureWriter();
            } else {
                writer.append(record);
            }
            writer.sync();
            settle(Durability.SYNC);
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    /** Waits until every pipelined append is forced or failed, and refuses new ones: the first step of a close. */
    void closePipeline() {
        pipeline.close();
        dead.stop();
    }

    synchronized void closeFiles() {
        spare.close();
        forceLock.lock();
        try {
            if (writer != null) {
                writer.close();
                writer = null;
            }
        } finally {
            forceLock.unlock();
        }
        readers.values().forEach(VfsFile::close);
        readers.clear();
    }
}
