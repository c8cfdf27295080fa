package dev.plinth.raftlog.internal.segment;

import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Appends records to one segment file and makes them durable.
 *
 * <p>Not thread safe: one thread at a time (the single-writer rule of a log; successive calls may come from
 * different threads), checked at runtime when assertions are on. The one exception is {@link #syncConcurrently()},
 * which one other thread may call while the writing thread appends: it forces every record whose append returned
 * before it began (a pipelined force, see {@code ForcePipeline}); the writing thread must not {@link #seal()} or
 * {@link #close()} the writer while such a force runs. After any failed write or sync the writer is failed for
 * good and says why on every later call: a retried fsync may report success after the data was dropped, so nothing
 * after a failure is trusted. {@link #close()} is idempotent and does not sync.
 */
public final class SegmentWriter implements AutoCloseable {
    private final Vfs vfs;
    private final String name;
    private final VfsFile file;
    /**
     * Guards the fields below that a force reads or writes: a force may run on another thread than the appends
     * ({@link #syncConcurrently()}). Held only to read or update them, never across I/O but a size read.
     */
    private final Object syncState = new Object();
    /**
     * Held across every force of the file ({@link #forceWritten}, {@link #seal}), so that no two overlap; taken
     * before {@link #syncState}, never by an append.
     */
    private final Object forceLock = new Object();
    /** The end of the last record appended. Written by the appending thread, under {@link #syncState}. */
    private long position;
    /** Guarded by syncState: the end of what a completed force covers. */
    private long syncedPosition;
    /** Guarded by syncState: the file's size as of the last full force: appends inside it need only fdatasync. */
    private long durableSize;
    /**
     * Guarded by syncState: how many appends have grown the file past {@link #durableSize}, and how many of those a
     * completed full force covers; while they differ the next sync must be a full force. Counted rather than a flag
     * so that a force never takes a growth it did not cover as made durable.
     */
    private long growths;
    private long durableGrowths;
    private final long maxPreallocation;
    private final int version;
    private volatile RuntimeException failure;
    private boolean closed;
    /** The thread inside {@link #append} or {@link #sync()}, for the single-writer check. */
    private final java.util.concurrent.atomic.AtomicReference<Thread> user = new java.util.concurrent.atomic.AtomicReference<>();

    private SegmentWriter(Vfs vfs, String name, VfsFile file, long position, long maxPreallocation, int version) {
        this.version = version;
        this.vfs = vfs;
        this.name = name;
        this.file = file;
        this.position = position;
        this.syncedPosition = position;
        this.durableSize = file.size();
        this.maxPreallocation = maxPreallocation;
    }

    /**
     * The first preallocation of a segment; it doubles as more is written, by at most {@link #MAX_GROWTH} at a time, up
     * to the limit given.
     */
    static final long FIRST_PREALLOCATION = 64 << 10;

    /**
     * The most zeros an append preallocates at once. They are written by the append and made durable by the next force,
     * a purge's or an append's, which writes them out: doubling to half a 64 MiB segment made one force in a segment
     * write 16 and then 32 MiB of zeros (20 to 30 ms on the machine measured, docs/performance.md), where steps of
     * 1 MiB cost each force that carries one a few milliseconds more. A segment made ahead of need
     * ({@link SpareSegment}) is preallocated whole and never grows.
     */
    static final long MAX_GROWTH = 1 << 20;

    /**
     * Creates a new segment: writes its header, syncs it, and syncs the directory so the name is durable.
     *
     * @param vfs  the file system
     * @param name a name that does not exist yet
     * @return a writer positioned after the header
     */
    public static SegmentWriter create(Vfs vfs, String name) {
        return create(vfs, name, 0);
    }

    /**
     * Creates a new segment that preallocates zeros ahead of its records, up to {@code maxPreallocation} bytes,
     * so that a sync inside the preallocated size is an fdatasync. Zeros never read as a record.
     *
     * @param vfs              the file system
     * @param name             a name that does not exist yet
     * @param maxPreallocation the largest size preallocated, 0 for none
     * @return a writer positioned after the header
     */
    public static SegmentWriter create(Vfs vfs, String name, long maxPreallocation) {
        return create(vfs, name, maxPreallocation, SegmentFormat.VERSION);
    }

    /**
     * Creates a new segment as {@link #create(Vfs, String, long)} does, with a header of the given format version.
     *
     * @param vfs              the file system
     * @param name             a name that does not exist yet
     * @param maxPreallocation the largest size preallocated, 0 for none
     * @param version          the format version in the header, {@link SegmentFormat#OLDEST_VERSION} to
     *                         {@link SegmentFormat#NEWEST_VERSION}
     * @return a writer positioned after the header
     */
    public static SegmentWriter create(Vfs vfs, String name, long maxPreallocation, int version) {
        VfsFile f = vfs.create(name);
        try {
            f.write(0, SegmentFormat.header(version));
            if (maxPreallocation > SegmentFormat.HEADER_BYTES) {
                f.preallocate(Math.min(maxPreallocation, FIRST_PREALLOCATION));
            }
            f.force();
            vfs.syncDirectory(parent(name));
            return new SegmentWriter(vfs, name, f, SegmentFormat.HEADER_BYTES, maxPreallocation, version);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * A writer over a segment made elsewhere ({@link SpareSegment}): its header written, preallocated and forced, its
     * name durable. Appends inside its size need only an fdatasync.
     *
     * @param vfs              the file system
     * @param name             the segment's name
     * @param file             the segment, open for writing; the writer owns it from now on
     * @param maxPreallocation the largest size preallocated
     * @param version          the format version in its header
     * @return a writer positioned after the header
     */
    static SegmentWriter adopt(Vfs vfs, String name, VfsFile file, long maxPreallocation, int version) {
        return new SegmentWriter(vfs, name, file, SegmentFormat.HEADER_BYTES, maxPreallocation, version);
    }

    /**
     * Opens an existing segment to append to it: reads it, cuts a torn tail (and syncs the cut) before anything
     * is appended, rewrites a header that never became whole, and syncs the directory so that the segment's name
     * is durable.
     *
     * @param vfs  the file system
     * @param name the segment
     * @return the writer and the scan of the records already there
     */
    public static Reopened reopen(Vfs vfs, String name) {
        return reopen(vfs, name, 0);
    }

    /**
     * Reopens a segment as {@link #reopen(Vfs, String)} does, preallocating as {@link #create(Vfs, String, long)}.
     *
     * @param vfs              the file system
     * @param name             the segment
     * @param maxPreallocation the largest size preallocated, 0 for none
     * @return the writer and the scan of the records already there
     */
    public static Reopened reopen(Vfs vfs, String name, long maxPreallocation) {
        return reopen(vfs, name, maxPreallocation, SegmentFormat.VERSION);
    }

    /**
     * Reopens a segment as {@link #reopen(Vfs, String, long)} does; a header that never became whole is rewritten
     * with the given format version.
     *
     * @param vfs              the file system
     * @param name             the segment
     * @param maxPreallocation the largest size preallocated, 0 for none
     * @param newVersion       the version of a rewritten header: the version the log writes, which also says the
     *                         versions it reads ({@link SegmentFormat#readBy}); a header of another is refused
     * @return the writer and the scan of the records already there
     */
    public static Reopened reopen(Vfs vfs, String name, long maxPreallocation, int newVersion) {
        SegmentScan scan = SegmentScan.read(vfs, name, true, newVersion);
        VfsFile f = vfs.openWrite(name);
        try {
            long end = scan.validEnd();
            int version = scan.version();
            if (end == 0) {
                version = newVersion;
                f.truncate(0);
                f.write(0, SegmentFormat.header(newVersion));
                end = SegmentFormat.HEADER_BYTES;
                f.force();
            } else if (f.size() > end) {
                f.truncate(end);
                f.force();
            }
            if (maxPreallocation > end) {
                f.preallocate(Math.min(maxPreallocation, Math.max(end * 2, FIRST_PREALLOCATION)));
                f.force();
            }
            // The segment's name may never have been made durable (a crash between its creation and the directory
            // sync, then a restart without power loss): records synced into it later would vanish with the name.
            vfs.syncDirectory(parent(name));
            return new Reopened(new SegmentWriter(vfs, name, f, end, maxPreallocation, version), scan);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** A reopened writer and what the segment held. */
    public record Reopened(SegmentWriter writer, SegmentScan scan) {
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("The segment writer of " + vfs.location(name) + " was closed.");
        }
        if (failure != null) {
            throw new StorageIOException("The segment writer of " + vfs.location(name)
                    + " failed earlier and accepts nothing more: " + failure.getMessage(), failure);
        }
    }

    /**
     * Appends one record; it is durable only after {@link #sync()}.
     *
     * @param payload the record's payload, at most {@link SegmentFormat#MAX_PAYLOAD_BYTES}
     * @return the offset of the record's frame
     */
    public long append(byte[] payload) {
        assert enter();
        try {
            return appendAlone(payload);
        } finally {
            assert exit();
        }
    }

    /**
     * Appends one record whose payload the caller encoded after {@link SegmentFormat#FRAME_BYTES} bytes of room
     * for the frame, which this fills in: the same bytes as {@link #append(byte[])} of the payload, without
     * copying it into a second buffer. It is durable only after {@link #sync()}. The array is not kept.
     *
     * @param framed the frame's room, then the payload; its first {@link SegmentFormat#FRAME_BYTES} bytes are
     *               overwritten
     * @param length the bytes of {@code framed} that are the record: the frame's room and a payload of at most
     *               {@link SegmentFormat#MAX_PAYLOAD_BYTES}
     * @return the offset of the record's frame
     */
    public long appendFramed(byte[] framed, int length) {
        assert enter();
        try {
            return writeFramed(ByteBuffer.wrap(checkedFramed(framed, length), 0, length));
        } finally {
            assert exit();
        }
    }

    /**
     * The most bytes {@link #appendFramed(byte[][], int[], int, byte[], long[])} gathers into one array for one
     * write; a record larger than this is written from its own array.
     */
    public static final int MAX_GATHER_BYTES = RecordScratch.MAX_KEPT;

    /**
     * Appends several records, each as {@link #appendFramed(byte[], int)} would, with as few writes as
     * {@link #MAX_GATHER_BYTES} allows: consecutive records are gathered into one array of at most that many bytes
     * and written at once (the records of a group commit, usually all in one write), and a record larger than that
     * is written from its own array, so no gathering array grows with the number or size of the records. They are
     * durable only after {@link #sync()}. Every record is checked before anything is written. The arrays are not
     * kept.
     *
     * @param records the framed records, in order; each one's first {@link SegmentFormat#FRAME_BYTES} bytes are
     *                overwritten
     * @param lengths the length of each record, as {@link #appendFramed(byte[], int)} takes it
     * @param count   how many of {@code records} to append, from the first
     * @param scratch an array the records may be gathered in, or {@code null}
     * @param offsets receives the offset of each record's frame
     * @return the array records were gathered in ({@code scratch} if it was large enough, or {@code null} if none
     *     was needed), for the caller to pass again next time
     */
    public byte[] appendFramed(byte[][] records, int[] lengths, int count, byte[] scratch, long[] offsets) {
        assert enter();
        try {
            for (int i = 0; i < count; i++) {
                checkedFramed(records[i], lengths[i]);
            }
            byte[] gathered = scratch;
            int i = 0;
            while (i < count) {
                int total = lengths[i];
                int end = i + 1;
                while (end < count && lengths[end] <= MAX_GATHER_BYTES - total) {
                    total += lengths[end++];
                }
                if (end - i == 1) {
                    offsets[i] = writeFramed(ByteBuffer.wrap(records[i], 0, lengths[i]));
                } else {
                    if (gathered == null || gathered.length < total) {
                        gathered = new byte[total];
                    }
                    long at = position;
                    int o = 0;
                    for (int k = i; k < end; k++) {
                        System.arraycopy(records[k], 0, gathered, o, lengths[k]);
                        offsets[k] = at + o;
                        o += lengths[k];
                    }
                    writeFramed(ByteBuffer.wrap(gathered, 0, total));
                }
                i = end;
            }
            return gathered;
        } finally {
            assert exit();
        }
    }

    /** Checks a framed record's size and fills in its frame. */
    private byte[] checkedFramed(byte[] framed, int length) {
        Objects.requireNonNull(framed, "framed");
        check();
        SegmentFormat.requireFramedFits(framed, length, vfs.location(name));
        return SegmentFormat.frameInPlace(framed, length);
    }

    private boolean enter() {
        Thread other = user.compareAndExchange(null, Thread.currentThread());
        if (other != null) {
            throw new IllegalStateException("The segment writer of " + vfs.location(name) + " was entered by "
                    + Thread.currentThread().getName() + " while " + other.getName() + " was using it.");
        }
        return true;
    }

    private boolean exit() {
        user.set(null);
        return true;
    }

    private long appendAlone(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        check();
        SegmentFormat.requirePayloadFits(payload.length, vfs.location(name));
        return writeFramed(SegmentFormat.frame(payload, 0, payload.length));
    }


    /** Writes framed records at the end; {@code b} holds them, from its position to its limit. */
    private long writeFramed(ByteBuffer b) {
        long at = position;
        long end = at + b.remaining();
        try {
            long durable;
            synchronized (syncState) {
                durable = durableSize;
            }
            if (end > durable && maxPreallocation > end) {
                file.preallocate(Math.min(maxPreallocation, Math.max(end, Math.min(durable * 2, durable + MAX_GROWTH))));
            }
            file.write(at, b);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
        // Published only now that the bytes are written: a force that reads this position covers them.
        synchronized (syncState) {
            position = end;
            if (end > durableSize) {
                growths++;
            }
        }
        return at;
    }

    /** Makes every record appended so far durable (contents and size: {@code force}, since appends grow it). */
    public void sync() {
        assert enter();
        try {
            forceWritten(false);
        } finally {
            assert exit();
        }
    }

    /**
     * As {@link #sync()}, from a thread other than the one appending, while it appends: makes durable every record
     * whose append returned before this call began (later ones perhaps too). Forces of one writer (this, {@link #sync},
     * {@link #force}, {@link #seal}) never overlap: a second waits for the first. The
     * appending thread must not seal or close the writer until this returns.
     *
     * @throws StorageIOException if the force fails, now or earlier; the writer is failed for good
     */
    public void syncConcurrently() {
        forceWritten(false);
    }

    /**
     * Forces what was appended before the call: an fdatasync when no append grew the file since the last full
     * force, else a full force. Thread safe against one appending thread (see {@link #syncState}).
     *
     * @param always force even if nothing was appended since the last force
     */
    private void forceWritten(boolean always) {
        // One force of this file at a time (forceLock): were two to overlap and the writeback of a page fail, the
        // kernel might report the error to one of them only, and the other would acknowledge records that are not
        // on disk. Serialised, a force that follows a failed one finds the writer failed (check) and throws.
        synchronized (forceLock) {
            check();
            long target;
            long growthsSeen;
            long sizeSeen;
            boolean full;
            synchronized (syncState) {
                target = position;
                if (!always && syncedPosition >= target) {
                    return;
                }
                growthsSeen = growths;
                full = always || growths != durableGrowths;
                // Read before the force begins, so the force covers at least this size.
                sizeSeen = full ? file.size() : 0;
            }
            try {
                if (full) {
                    file.force();
                } else {
                    file.forceData();
                }
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            synchronized (syncState) {
                syncedPosition = Math.max(syncedPosition, target);
                if (full) {
                    durableSize = Math.max(durableSize, sizeSeen);
                    durableGrowths = Math.max(durableGrowths, growthsSeen);
                }
            }
        }
    }

    /**
     * Forces the file even if everything appended through this writer was synced already: after a reopen, records
     * found in the file may have reached only the operating system before the last run ended (a killed process),
     * and this makes them durable too.
     */
    public void force() {
        assert enter();
        try {
            forceWritten(true);
        } finally {
            assert exit();
        }
    }

    /**
     * Closes the segment for good: cuts the preallocated zeros after the last record and forces the file, so
     * the closed segment ends exactly at its last record. The writer is closed afterwards.
     */
    public void seal() {
        synchronized (forceLock) {
            check();
            try {
                file.truncate(position);
                file.force();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        close();
    }

    /**
     * Reads bytes of this segment, including records appended but not yet synced.
     *
     * @param position where to read
     * @param dst      filled up to its limit or the end of the file
     */
    public void read(long position, ByteBuffer dst) {
        file.read(position, dst);
    }

    /** The end of the last record appended (exclusive). */
    public long position() {
        return position;
    }

    /**
     * The segment's format version. A writer of an older version than {@link SegmentFormat#VERSION} must only be
     * sealed: its file cannot hold what this version writes.
     */
    public int version() {
        return version;
    }

    /** The segment's name. */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            file.close();
        }
    }
}
