package dev.plinth.raftlog.internal.shared;

import dev.plinth.CorruptionException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.StoreClosedException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.internal.ForcePipeline;
import dev.plinth.raftlog.internal.segment.SegmentFormat;
import dev.plinth.raftlog.internal.segment.SegmentScan;
import dev.plinth.raftlog.internal.segment.SegmentWriter;
import dev.plinth.raftlog.internal.segment.SpareSegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The one sequence of segment files that every group of the shared log appends to, with group commit: records
 * submitted by many threads at once are written by one of them (the leader) and made durable by one force.
 *
 * <p>Thread safe. Lock order: {@code queueLock} is never held while writing or forcing; {@code filesLock}
 * (read for reads of a segment, write while a segment is rolled or deleted) is taken by the leader alone among
 * writers, so the writer itself is used by one thread at a time (the leader of the moment). The leader waits for a
 * spare segment still being made ({@link SpareSegment#awaitMade()}) before it takes the files lock to roll, never
 * holding it; {@link SpareSegment#close()} is called before the files lock is taken.
 *
 * <p>Group commit, as LevelDB's writer queue does it: a submitter joins {@code queue}; the one at its head is
 * the leader: it takes every record queued so far, writes them in queue order, forces the segment once if any of
 * them asked for {@code SYNC}, then completes them all and hands the head to the next waiter. While it forces,
 * new submitters queue up behind it and share the next leader's force. After the first failed write or force the
 * log is failed for good: a retried fsync proves nothing, so every later submit throws.
 */
final class SharedLog implements AutoCloseable {
    static final String INPROGRESS = "log_inprogress_";
    static final String CLOSED = "log_";

    /** Where a record's frame was written. */
    record Position(long seq, long offset) {
    }

    /** A record waiting to be written; completed by the leader that wrote it. */
    private static final class Pending {
        /** The record, framed in place ({@link SegmentWriter#appendFramed(byte[], int)}), or null. */
        final byte[] framed;
        /** The bytes of {@link #framed} that are the record. */
        final int length;
        final boolean sync;
        Position position;
        RuntimeException error;
        boolean done;

        Pending(byte[] framed, int length, boolean sync) {
            this.framed = framed;
            this.length = length;
            this.sync = sync;
        }
    }

    private final Vfs vfs;
    private final long segmentBytes;
    /** Whether entry payloads are written LZ4-compressed (when that pays). */
    private final boolean lz4;

    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition turn = queueLock.newCondition();
    // Guarded by queueLock.
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    /**
     * Where the leader of a group commit gathers the queued records to write them at once, kept between commits.
     * Only the leader of the moment uses it: leadership passes through {@link #queueLock}, which orders its uses.
     */
    private byte[] commitScratch;
    private RuntimeException failure;
    private boolean closed;
    private long forces;

    private final ReentrantReadWriteLock filesLock = new ReentrantReadWriteLock();
    // Written by the leader under filesLock's write lock (or before the log is shared); read under its read lock.
    private SegmentWriter writer;
    private long writerSeq;
    /** Closed segments by seq: their file names. */
    private final TreeMap<Long, String> sealed = new TreeMap<>();
    private final Map<Long, VfsFile> readers = new HashMap<>();
    /** Segments before a gap, found at open: deleted by {@link #deleteDead()} once the replay has succeeded. */
    private final List<String> dead = new ArrayList<>();
    /** Set by a leader that rolled; taken by {@link #takeRolled()}. Guarded by queueLock. */
    private boolean rolled;

    /** The force threads of {@link #unforced}: made when first needed, shut down by {@link #close()}. */
    private final java.util.concurrent.ExecutorService forceThreads;
    /** Acknowledges pipelined appends once a force covers them (see {@link #reserveUnforced}). */
    private final ForcePipeline<Long> pipeline;
    /** The next segment, made ahead of need on {@link #forceThreads} ({@link SpareSegment#worthwhile} sizes only). */
    private final SpareSegment spare;

    private SharedLog(Vfs vfs, long segmentBytes, boolean lz4) {
        this.vfs = vfs;
        this.segmentBytes = segmentBytes;
        this.lz4 = lz4;
        this.forceThreads = ForcePipeline.threads("plinth-raftlog-shared");
        this.pipeline = new ForcePipeline<>(this::forceWritten, forceThreads, RaftLogs.MAX_UNFORCED_BYTES,
                () -> "shared Raft log at " + vfs.location(""), this::failWith);
        this.spare = new SpareSegment(vfs, "", segmentBytes, SegmentFormat.VERSION, forceThreads, describe());
    }

    /** Names the log, for messages: "the shared Raft log at ...". */
    String describe() {
        return "the shared Raft log at " + vfs.location("");
    }

    /** Whether entry payloads are written LZ4-compressed (when that pays). */
    boolean compresses() {
        return lz4;
    }

    /** What {@link #open} found: the log and every record in file order. */
    record Opened(SharedLog log, List<Found> records, long oldestSeq) {
    }

    /** A record found on disk: its segment, the offset of its frame and its payload. */
    record Found(long seq, long offset, byte[] payload) {
    }

    /**
     * Opens the files in a file system's root: every segment is read, a torn tail of the last one (if in
     * progress) is cut before anything is appended, and the log continues in that segment.
     */
    static Opened open(Vfs vfs, long segmentBytes, boolean lz4) {
        SharedLog log = new SharedLog(vfs, segmentBytes, lz4);
        try {
            List<Found> found = new ArrayList<>();
            List<long[]> segs = new ArrayList<>();
            Map<Long, String> names = new HashMap<>();
            for (String n : vfs.list("")) {
                String base = n.substring(n.lastIndexOf('/') + 1);
                try {
                    if (base.startsWith(INPROGRESS)) {
                        long seq = Long.parseUnsignedLong(base.substring(INPROGRESS.length()), 16);
                        segs.add(new long[] {seq, 1});
                        names.put(seq, base);
                    } else if (base.startsWith(CLOSED)) {
                        long seq = Long.parseUnsignedLong(base.substring(CLOSED.length()), 16);
                        segs.add(new long[] {seq, 0});
                        names.put(seq, base);
                    }
                } catch (NumberFormatException e) {
                    throw new CorruptionException("The shared Raft log " + vfs.location("") + " holds the malformed "
                            + "segment name " + base + ".", e);
                }
            }
            segs.sort(Comparator.comparingLong(s -> s[0]));
            // Old segments are deleted oldest first, and only once nothing in them is needed; a crash may keep
            // some of those deletions and lose others. A gap in the seqs is such a deletion: everything before
            // the last gap was meant to go, and replaying it would skip the segment that is gone.
            int keep = 0;
            for (int i = 1; i < segs.size(); i++) {
                if (segs.get(i)[0] != segs.get(i - 1)[0] + 1) {
                    keep = i;
                }
            }
            for (long[] dead : segs.subList(0, keep)) {
                log.dead.add(names.get(dead[0]));
            }
            segs = new ArrayList<>(segs.subList(keep, segs.size()));
            // The oldest seq still live as the version 4 segments declare it; -1 if none does (older segments).
            long liveFrom = -1;
            boolean writerEmpty = false;
            boolean writerEnded = false;
            for (int i = 0; i < segs.size(); i++) {
                long seq = segs.get(i)[0];
                String name = names.get(seq);
                boolean inProgress = i == segs.size() - 1 && segs.get(i)[1] == 1;
                SegmentScan scan;
                if (inProgress) {
                    SegmentWriter.Reopened r = SegmentWriter.reopen(vfs, name, segmentBytes, SegmentFormat.VERSION);
                    log.writer = r.writer();
                    log.writerSeq = seq;
                    scan = r.scan();
                    writerEmpty = scan.records().isEmpty();
                    writerEnded = !writerEmpty && scan.version() >= SegmentFormat.VERSION
                            && SharedRecords.isSegmentRecord(scan.records().get(scan.records().size() - 1).payload())
                            && scan.records().get(scan.records().size() - 1).payload()[0] == SharedRecords.SEGMENT_END;
                } else {
                    scan = SegmentScan.read(vfs, name, false, SegmentFormat.VERSION);
                    log.sealed.put(seq, name);
                }
                boolean ownRecords = scan.version() >= SegmentFormat.VERSION;
                if (ownRecords) {
                    liveFrom = Math.max(liveFrom, log.checkSegmentRecords(seq, name, scan.records(), inProgress));
                }
                for (SegmentScan.Record r : scan.records()) {
                    if (!ownRecords || !SharedRecords.isSegmentRecord(r.payload())) {
                        found.add(new Found(seq, r.offset(), r.payload()));
                    }
                }
            }
            long oldest = segs.isEmpty() ? 1 : segs.get(0)[0];
            if (writerEmpty && segs.size() == 1 && oldest > 1 && log.writer.version() >= SegmentFormat.VERSION) {
                // A version 4 segment's first record is forced when the segment is made, after the segment before
                // it was closed and its name made durable; the log deletes nothing before a LIVE_FROM it wrote in
                // a later segment. So an empty segment being written with no segment before it was preceded by
                // segments that were lost.
                throw new CorruptionException("The shared Raft log at " + vfs.location("") + " is missing segment "
                        + "seq " + (oldest - 1) + ": the segment being written (seq " + oldest + ") holds no record "
                        + "yet, so the segment before it must still be there, and it is not. A segment was lost, or "
                        + "deleted by something other than the log; nothing was deleted.");
            }
            if (liveFrom > 0 && oldest > liveFrom) {
                // Deletions go oldest first and only below a durable LIVE_FROM (or SEGMENT_START): a live seq that
                // is not on disk was lost, not deleted by the log. Nothing is deleted or written.
                List<Long> missing = new ArrayList<>();
                for (long q = liveFrom; q < oldest && missing.size() < 10; q++) {
                    if (!names.containsKey(q)) {
                        missing.add(q);
                    }
                }
                throw new CorruptionException("The shared Raft log at " + vfs.location("") + " is missing segment "
                        + "seq " + missing + (missing.size() == 10 ? " and more" : "") + ": its segments name seq "
                        + liveFrom + " as the oldest still live, but the files from " + liveFrom + " on are not all "
                        + "there (the newest run of consecutive segments begins at " + oldest + "). A segment was "
                        + "lost, or deleted by something other than the log; nothing was deleted.");
            }
            if (log.writer == null) {
                log.writerSeq = segs.isEmpty() ? 1 : segs.get(segs.size() - 1)[0] + 1;
                log.writer = SegmentWriter.create(vfs, INPROGRESS + hex(log.writerSeq), segmentBytes,
                        SegmentFormat.VERSION);
                log.beginSegment(oldest);
            } else if (log.writer.version() < SegmentFormat.VERSION || writerEnded) {
                // A segment of an older format is never appended to: what this version writes may not fit its rules.
                // One that ends with its end record was being closed when the log stopped: it is closed now.
                log.roll(writerEnded);
            } else if (writerEmpty) {
                // Its creation crashed before its first record was written.
                log.beginSegment(oldest);
            }
            // A spare of an earlier run holds no record: it is never read, only deleted.
            SpareSegment.removeLeftover(vfs, "");
            return new Opened(log, found, oldest);
        } catch (RuntimeException e) {
            log.closeFiles();
            log.forceThreads.shutdown();
            throw e;
        }
    }

    /**
     * Checks the records a version 4 segment holds about itself: a {@link SharedRecords#SEGMENT_START} first, naming
     * this segment's seq, and, in a closed segment, a {@link SharedRecords#SEGMENT_END} last, naming it too.
     *
     * @return the oldest seq still live that the segment declares, or -1 if it declares none (an in-progress
     *         segment whose first record never landed)
     * @throws CorruptionException if the segment is not the one its name says, or was cut short
     */
    private long checkSegmentRecords(long seq, String name, List<SegmentScan.Record> records, boolean inProgress) {
        String where = "Segment " + name + " of the shared Raft log at " + vfs.location("");
        if (records.isEmpty()) {
            if (inProgress) {
                return -1;
            }
            throw new CorruptionException(where + " is closed but holds no record, not even the record that "
                    + "begins every segment: it was cut short.");
        }
        long liveFrom = -1;
        for (int i = 0; i < records.size(); i++) {
            SegmentScan.Record r = records.get(i);
            byte[] p = r.payload();
            if (!SharedRecords.isSegmentRecord(p)) {
                if (i == 0) {
                    throw new CorruptionException(where + " does not begin with the record naming its seq (offset "
                            + r.offset() + ").");
                }
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(p);
            if (p.length < SharedRecords.HEADER + 8) {
                throw new CorruptionException(where + " holds a segment record at offset " + r.offset()
                        + " of only " + p.length + " bytes.");
            }
            byte type = b.get();
            b.getLong();
            long named = b.getLong();
            boolean first = i == 0;
            boolean last = i == records.size() - 1;
            if (type == SharedRecords.SEGMENT_START && first && p.length == SharedRecords.HEADER + 16) {
                long from = b.getLong();
                if (named != seq || from > seq || from < 1) {
                    throw new CorruptionException(where + " begins with the record of segment " + named + " (oldest "
                            + "live " + from + "): it is not the segment its name says.");
                }
                liveFrom = Math.max(liveFrom, from);
            } else if (type == SharedRecords.LIVE_FROM && !first) {
                if (named > seq) {
                    throw new CorruptionException(where + " names " + named + " as the oldest live segment at offset "
                            + r.offset() + ", a segment after itself.");
                }
                liveFrom = Math.max(liveFrom, named);
            } else if (type == SharedRecords.SEGMENT_END && last && named == seq) {
                // In an in-progress segment: sealed, and the rename that closes it never landed.
                return liveFrom;
            } else {
                throw new CorruptionException(where + " holds a misplaced segment record (type " + type + ", seq "
                        + named + ") at offset " + r.offset() + ".");
            }
        }
        if (!inProgress) {
            throw new CorruptionException(where + " is closed but does not end with the record that ends every "
                    + "closed segment: it was cut short (its last whole record is at offset "
                    + records.get(records.size() - 1).offset() + ").");
        }
        return liveFrom;
    }

    /**
     * Writes the record that begins the segment being written, and forces it: from then on the segment names
     * the oldest live seq whatever happens to the segments before it. Unforced, a power loss could leave this
     * segment empty, and a lost segment before it would then read as one the log deleted (review of raftlog11:
     * the open then deleted every older segment). One force per segment.
     */
    private void beginSegment(long liveFrom) {
        writer.append(SharedRecords.segmentStart(writerSeq, liveFrom));
        writer.sync();
    }

    static String hex(long seq) {
        return String.format("%016x", seq);
    }

    /**
     * Writes one record, in order after every record submitted before it, and returns once it has reached the
     * operating system, or, if {@code sync}, the disk.
     *
     * @param payload the record's payload, or {@code null} to write nothing and only make earlier records durable
     * @param sync    whether the record (and everything before it) must be durable when this returns
     * @return where it was written ({@code null} for a {@code null} payload)
     * @throws StorageIOException if the log has failed, now or earlier
     * @throws IllegalArgumentException if the payload is over {@link SegmentFormat#MAX_PAYLOAD_BYTES}; nothing is
     *                                  queued, and the log goes on
     */
    Position submit(byte[] payload, boolean sync) {
        byte[] framed = null;
        if (payload != null) {
            SegmentFormat.requirePayloadFits(payload.length, describe());
            framed = new byte[Math.addExact(SegmentFormat.FRAME_BYTES, payload.length)];
            System.arraycopy(payload, 0, framed, SegmentFormat.FRAME_BYTES, payload.length);
        }
        return submitFramed(framed, framed == null ? 0 : framed.length, sync);
    }

    /**
     * As {@link #submit(byte[], boolean)}, for a record whose payload follows {@link SegmentFormat#FRAME_BYTES}
     * bytes of room that the writer fills in with the frame: it is written from this array, not copied first.
     *
     * @param framed the frame's room and the payload, or {@code null} to write nothing and only make earlier
     *               records durable; read by whichever thread writes it, and not kept once this returns
     * @param length the bytes of {@code framed} that are the record
     * @param sync   whether the record (and everything before it) must be durable when this returns
     * @return where the record's frame was written ({@code null} for a {@code null} record)
     * @throws IllegalArgumentException if the record does not fit its array or its payload is over
     *                                  {@link SegmentFormat#MAX_PAYLOAD_BYTES}; nothing is queued, and the log goes on
     */
    Position submitFramed(byte[] framed, int length, boolean sync) {
        // A bad record is the caller's alone: refused here, before it is queued, it never reaches a leader, whose
        // failure to write would fail the whole log for every group.
        if (framed != null) {
            SegmentFormat.requireFramedFits(framed, length, describe());
        }
        Pending me = new Pending(framed, length, sync);
        List<Pending> batch;
        queueLock.lock();
        try {
            checkLocked();
            queue.addLast(me);
            while (!me.done && queue.peekFirst() != me) {
                turn.awaitUninterruptibly();
            }
            if (me.done) {
                return resultOf(me);
            }
            batch = new ArrayList<>(queue);
        } finally {
            queueLock.unlock();
        }
        RuntimeException error = null;
        boolean didRoll = false;
        boolean forced = false;
        try {
            checkFailure();
            spare.check();
            // The queued records go out in one write (one system call, not one per record) where they fit
            // SegmentWriter.MAX_GATHER_BYTES together, then one force.
            boolean needSync = false;
            byte[][] records = new byte[batch.size()][];
            int[] lengths = new int[batch.size()];
            int n = 0;
            for (Pending p : batch) {
                if (p.framed != null) {
                    lengths[n] = p.length;
                    records[n++] = p.framed;
                }
                needSync |= p.sync;
            }
            if (n > 0) {
                long[] offsets = new long[n];
                // At most SegmentWriter.MAX_GATHER_BYTES long, however many and however large the records.
                commitScratch = writer.appendFramed(records, lengths, n, commitScratch, offsets);
                int i = 0;
                for (Pending p : batch) {
                    if (p.framed != null) {
                        p.position = new Position(writerSeq, offsets[i++]);
                    }
                }
            }
            if (needSync) {
                writer.sync();
                forced = true;
            }
            if (writer.position() >= segmentBytes) {
                // Here, not in the roll: the files lock the roll takes would keep every group's readers waiting.
                spare.awaitMade();
                roll();
                didRoll = true;
            }
            spare.prepareIfDue(writer.position());
        } catch (RuntimeException e) {
            error = e;
        } catch (Error e) {
            // Out of memory for the gathered write, say: the waiting appenders must still be told, or they would
            // wait for good; the log accepts nothing more, as after any failed write.
            error = new IllegalStateException("the group commit failed: " + e, e);
        }
        queueLock.lock();
        try {
            if (error != null && failure == null) {
                failure = error;
            }
            if (forced) {
                forces++;
            }
            rolled |= didRoll;
            for (Pending p : batch) {
                queue.removeFirst();
                p.error = error;
                p.done = true;
            }
            turn.signalAll();
        } finally {
            queueLock.unlock();
        }
        if (error != null) {
            // Pipelined appends waiting for a force are not acknowledged by a failed log.
            pipeline.fail(error);
        }
        return resultOf(me);
    }

    // ---- pipelined appends ----------------------------------------------------------------------------------

    /**
     * Reserves room among the unforced bytes for a record about to be submitted without {@code sync} and acknowledged
     * by {@link #unforced}; waits while {@link RaftLogs#MAX_UNFORCED_BYTES} are in flight. If the submit then fails,
     * {@link #releaseUnforced} gives the room back.
     *
     * @throws StorageIOException if the log has failed
     * @throws StoreClosedException if the log is closed
     */
    void reserveUnforced(long bytes) {
        pipeline.reserve(bytes);
    }

    /** Gives back the room of a record reserved but not submitted. */
    void releaseUnforced(long bytes) {
        pipeline.release(bytes);
    }

    /**
     * After a record reserved by {@link #reserveUnforced} was submitted: a future completed with {@code value} once a
     * force that began after now returns, failed if the log fails first.
     */
    CompletableFuture<Long> unforced(long bytes, long value) {
        return pipeline.registered(bytes, value);
    }

    /** The force of the pipeline: the segment being written, while leaders go on writing to it. */
    private void forceWritten() {
        // Held so that no leader seals or replaces the writer during the force; a roll seals (forces) the segment
        // before it, so what was written there is durable too.
        filesLock.readLock().lock();
        try {
            checkFailure();
            writer.syncConcurrently();
        } finally {
            filesLock.readLock().unlock();
        }
    }

    /** Fails the log for good: a pipelined force failed. */
    private void failWith(RuntimeException e) {
        queueLock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** The number of pipelined forces that completed: a test hook. */
    long pipelinedForces() {
        return pipeline.forces();
    }

    private Position resultOf(Pending p) {
        if (p.error != null) {
            throw failed("The shared Raft log at " + vfs.location("") + " failed to write or force and accepts "
                    + "nothing more: ", p.error);
        }
        return p.position;
    }

    /** The exception for a failure: a full disk stays a {@link StorageFullException}. */
    private static StorageIOException failed(String message, RuntimeException cause) {
        return cause instanceof StorageFullException
                ? new StorageFullException(message + cause.getMessage(), cause)
                : new StorageIOException(message + cause.getMessage(), cause);
    }

    private void checkLocked() {
        if (failure != null) {
            throw failed("The shared Raft log at " + vfs.location("") + " failed earlier and accepts nothing more: ",
                    failure);
        }
        if (closed) {
            throw new StoreClosedException("This shared Raft log at " + vfs.location("") + " was closed.");
        }
    }

    private void checkFailure() {
        queueLock.lock();
        try {
            checkLocked();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Closes the segment being written (its end record appended, cut to its last record, forced, renamed) and
     * begins the next.
     */
    private void roll() {
        roll(false);
    }

    /** As {@link #roll()}; {@code ended}: the segment's end record is already its last record. */
    private void roll(boolean ended) {
        filesLock.writeLock().lock();
        try {
            if (writer.version() >= SegmentFormat.VERSION && !ended) {
                writer.append(SharedRecords.segmentEnd(writerSeq));
            }
            writer.seal();
            String name = CLOSED + hex(writerSeq);
            vfs.rename(INPROGRESS + hex(writerSeq), name);
            vfs.syncDirectory("");
            sealed.put(writerSeq, name);
            writer = null;
            writerSeq++;
            writer = spare.take(INPROGRESS + hex(writerSeq));
            if (writer == null) {
                writer = SegmentWriter.create(vfs, INPROGRESS + hex(writerSeq), segmentBytes, SegmentFormat.VERSION);
            }
            beginSegment(sealed.firstKey());
        } finally {
            filesLock.writeLock().unlock();
        }
    }

    /**
     * Reads bytes of a segment.
     *
     * @param seq      the segment
     * @param position where to read
     * @param dst      filled up to its limit or the end of the file
     */
    void read(long seq, long position, ByteBuffer dst) {
        filesLock.readLock().lock();
        try {
            if (seq == writerSeq && writer != null) {
                writer.read(position, dst);
                return;
            }
            VfsFile f;
            synchronized (readers) {
                f = readers.get(seq);
                if (f == null) {
                    String name = sealed.get(seq);
                    if (name == null) {
                        throw new CorruptionException("The shared Raft log at " + vfs.location("") + " has no segment "
                                + seq + " although an entry points into it.");
                    }
                    f = vfs.openRead(name);
                    readers.put(seq, f);
                }
            }
            f.read(position, dst);
        } finally {
            filesLock.readLock().unlock();
        }
    }

    /**
     * Names a segment's file, for messages.
     *
     * @param seq the segment
     * @return its location, or a description if it has no file
     */
    String segmentLocation(long seq) {
        filesLock.readLock().lock();
        try {
            String name = seq == writerSeq && writer != null ? INPROGRESS + hex(seq) : sealed.get(seq);
            return name == null ? "segment " + seq + " of the shared Raft log at " + vfs.location("")
                    : vfs.location(name);
        } finally {
            filesLock.readLock().unlock();
        }
    }

    /** Whether a segment was rolled since the last call: a chance to delete old segments. */
    boolean takeRolled() {
        queueLock.lock();
        try {
            boolean r = rolled;
            rolled = false;
            return r;
        } finally {
            queueLock.unlock();
        }
    }

    /** The seq of the segment being written. */
    long currentSeq() {
        filesLock.readLock().lock();
        try {
            return writerSeq;
        } finally {
            filesLock.readLock().unlock();
        }
    }

    /** The number of forces made by leaders so far: a test hook for group commit. */
    long forces() {
        queueLock.lock();
        try {
            return forces;
        } finally {
            queueLock.unlock();
        }
    }

    /** The number of submitters waiting behind the leader: a test hook for group commit. */
    int queued() {
        queueLock.lock();
        try {
            return queue.size();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Deletes the closed segments below {@code seq}, oldest first, then syncs the directory. The caller has made
     * sure, durably, that nothing a reopen needs is in them.
     */
    void deleteBefore(long seq) {
        filesLock.writeLock().lock();
        try {
            List<Long> dead = new ArrayList<>(sealed.headMap(seq).keySet());
            for (Long s : dead) {
                synchronized (readers) {
                    VfsFile r = readers.remove(s);
                    if (r != null) {
                        r.close();
                    }
                }
                vfs.delete(sealed.remove(s));
            }
            if (!dead.isEmpty()) {
                vfs.syncDirectory("");
            }
        } catch (RuntimeException e) {
            failWith(e);
            pipeline.fail(e);
            throw new StorageIOException("The shared Raft log at " + vfs.location("") + " failed to delete old "
                    + "segments and accepts nothing more: " + e.getMessage(), e);
        } finally {
            filesLock.writeLock().unlock();
        }
    }

    /**
     * Deletes the segments found before a gap at open. Called once the replay of the segments after the gap has
     * succeeded, so a segment lost by accident (rather than deleted by the log) is reported before anything
     * else is removed.
     */
    void deleteDead() {
        if (!dead.isEmpty()) {
            for (String n : dead) {
                vfs.delete(n);
            }
            vfs.syncDirectory("");
            dead.clear();
        }
    }

    /** The seq of the oldest segment still on disk. */
    long oldestSeq() {
        filesLock.readLock().lock();
        try {
            return sealed.isEmpty() ? writerSeq : sealed.firstKey();
        } finally {
            filesLock.readLock().unlock();
        }
    }

    /** The names of the segments on disk, oldest first: a test hook. */
    List<String> segmentNames() {
        filesLock.readLock().lock();
        try {
            List<String> out = new ArrayList<>(sealed.values());
            out.add(INPROGRESS + hex(writerSeq));
            return out;
        } finally {
            filesLock.readLock().unlock();
        }
    }

    private void closeFiles() {
        spare.close();
        filesLock.writeLock().lock();
        try {
            if (writer != null) {
                writer.close();
                writer = null;
            }
            synchronized (readers) {
                readers.values().forEach(VfsFile::close);
                readers.clear();
            }
        } finally {
            filesLock.writeLock().unlock();
        }
    }

    /**
     * Closes the files; a leader still writing finishes first, and every pipelined append is forced (or failed)
     * first, so no future is left pending. Safe to call twice.
     */
    @Override
    public void close() {
        pipeline.close();
        forceThreads.shutdown();
        queueLock.lock();
        try {
            closed = true;
            while (!queue.isEmpty()) {
                turn.awaitUninterruptibly();
            }
        } finally {
            queueLock.unlock();
        }
        closeFiles();
    }
}
