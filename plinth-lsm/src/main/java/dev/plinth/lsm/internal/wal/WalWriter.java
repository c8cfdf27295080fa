package dev.plinth.lsm.internal.wal;

import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.spi.FailureLatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends records to the write-ahead log with group commit. Thread-safe.
 *
 * <p>Writers {@link #enqueue} framed records into an in-memory buffer (in the order the engine assigns
 * sequence numbers, under its write lock), then {@link #awaitWritten} or {@link #awaitSynced}. The first
 * waiter that finds no leader becomes the leader: it takes everything buffered, writes it with one write
 * per segment, forces once if anyone asked for it, publishes, and wakes the others. While it works, new
 * records pile up for the next leader, so concurrent writers share one write and one fsync.
 *
 * <p>A record whose writer does not wait for it ({@link #enqueueUnwaited}, a batch at {@code NONE}) stays in
 * the buffer until the next leader writes it: the next writer that waits, a flush, {@link #sync}, {@link #close},
 * or a {@code NONE} writer that finds {@link #BUFFER_LIMIT} bytes buffered. {@link #mayLeaveBuffered} allows
 * it only while every record before it that a writer waits for was written, so that publishing it at once
 * never makes visible a record of such a writer that is not in the OS yet.
 *
 * <p>Invariants: a record never spans segments; before the first byte goes to segment N+1, segment N is
 * forced, so a segment with data after it was complete. A failed write or force trips the engine's
 * {@link FailureLatch}; nothing is retried, and every waiter and later caller gets the failure.
 *
 * <p>The next segment is made ahead of need by a {@link SpareSegment} (created, zero-filled, forced, its
 * name synced, in the background): moving to it costs the leader the force of the segment it leaves and
 * nothing else. A failure while making it fails the log as a failed write does.
 *
 * <p>Locks: {@link #bufferLock} guards the buffer and framing position and is held only briefly;
 * {@link #monitor} guards the leader flag and the written and synced positions. The engine's write lock
 * may be held when {@link #enqueue} takes {@link #bufferLock}; the leader takes {@link #bufferLock} while
 * holding no lock. No lock is held during file I/O.
 */
public final class WalWriter implements AutoCloseable {
    /** Called by the leader, with no lock held, after records up to a sequence number reached the OS. */
    public interface Publisher {
        /**
         * Makes batches up to a sequence number visible.
         *
         * @param seq the last sequence number written
         */
        void published(long seq);
    }

    /** Bytes buffered from which a NONE writer writes them out itself (two log blocks). */
    static final int BUFFER_LIMIT = 2 * WalFormat.BLOCK_SIZE;
    /** The largest chunk buffer kept for reuse ({@link #keptBuffer}); a larger one (a big batch's) is dropped. */
    static final int KEPT_BUFFER_LIMIT = 4 * WalFormat.BLOCK_SIZE;

    private final Vfs vfs;
    private final String store;
    private final long segmentSize;
    private final FailureLatch latch;
    private final Publisher publisher;

    // Guarded by bufferLock.
    private final Object bufferLock = new Object();
    private final List<Chunk> chunks = new ArrayList<>();
    private long bufferSegment;
    private long bufferOffset;
    private long bufferSegmentSize;
    private long enqueuedTotal;
    private long enqueuedSeq;
    private long bufferedBytes;
    /** The part of {@link #bufferedBytes} framed by {@link #enqueueUnwaited}: batches already acknowledged. */
    private long unwaitedBytes;
    /** Set by {@link #roll()}: the next record starts a new segment. */
    private boolean rollRequested;
    /** The ticket of the last record enqueued by a writer that waits for it ({@link #enqueue}). */
    private long awaitedTotal;
    /**
     * The buffer of the last chunk the leader wrote, for the next chunk to frame into (at most
     * {@link #KEPT_BUFFER_LIMIT} bytes). Without it every chunk started at its first record's size and grew
     * by doubling: a fill at {@code NONE} allocated twice the bytes it logged in those buffers (the largest
     * allocation site of the fill's profile, with its command, in docs/performance.md, "The lsm fill's
     * writer: a memtable of its own"), and every waited write one buffer.
     */
    private Bytes keptBuffer;

    // Guarded by monitor.
    private final Object monitor = new Object();
    private boolean leaderActive;
    /** Written under {@link #monitor}; volatile for {@link #mayLeaveBuffered}, which reads it under {@link #bufferLock}. */
    private volatile long writtenTotal;
    private long syncedTotal;
    private volatile boolean closed;
    private volatile RuntimeException failure;

    // Used only by the leader (one at a time, ordered by monitor).
    private VfsFile file;
    private long fileSegment;

    /** The next segment, prepared in the background; taken by the leader that moves to it. */
    private final SpareSegment spare;

    /** Bytes for one segment, starting at an offset; {@code fresh} when the leader must create the segment. */
    private static final class Chunk {
        final long segment;
        final long offset;
        final long segmentSize;
        final boolean fresh;
        final Bytes bytes;
        long lastSeq;

        /** A chunk framed into {@code bytes}, which must be empty. */
        Chunk(long segment, long offset, long segmentSize, boolean fresh, Bytes bytes) {
            this.segment = segment;
            this.offset = offset;
            this.segmentSize = segmentSize;
            this.fresh = fresh;
            this.bytes = bytes;
        }
    }

    /** A byte buffer whose contents are written to the file as they are, without the copy {@code toByteArray} makes. */
    private static final class Bytes extends java.io.ByteArrayOutputStream {
        Bytes(int capacity) {
            super(Math.max(32, capacity));
        }

        ByteBuffer contents() {
            return ByteBuffer.wrap(buf, 0, count);
        }

        int capacity() {
            return buf.length;
        }
    }

    private WalWriter(Vfs vfs, String store, long segmentSize, FailureLatch latch, Publisher publisher,
                      VfsFile file, long segment, long offset, long fileSize) {
        this.vfs = vfs;
        this.store = store;
        this.segmentSize = segmentSize;
        this.latch = latch;
        this.publisher = publisher;
        this.file = file;
        this.fileSegment = segment;
        this.bufferSegment = segment;
        this.bufferOffset = offset;
        this.bufferSegmentSize = fileSize;
        this.spare = new SpareSegment(vfs, store, latch);
    }

    /**
     * Continues a log in an existing segment, or starts a new one.
     *
     * @param vfs the store's file system; segments live at its root
     * @param store the store, for messages
     * @param segmentSize the size new segments are preallocated to
     * @param latch the engine's failure latch
     * @param publisher told when records reach the OS
     * @param segment the segment to continue, or the number of a new segment to create
     * @param offset where the next record goes in it; 0 to create the segment
     * @param zeroFrom if at least 0, the bytes from there to the end of the segment are overwritten with
     *     zeros and forced first (what a torn tail left)
     * @return the writer, already preparing the next segment in the background (no segment numbered above
     *     {@code segment} may exist: recovery removed any)
     */
    public static WalWriter open(Vfs vfs, String store, long segmentSize, FailureLatch latch, Publisher publisher,
                                 long segment, long offset, long zeroFrom) {
        if (segmentSize < WalFormat.BLOCK_SIZE) {
            throw new IllegalArgumentException("a WAL segment of " + store + " must hold at least one block of "
                    + WalFormat.BLOCK_SIZE + " bytes, got " + segmentSize);
        }
        VfsFile f;
        long size;
        if (offset == 0) {
            size = segmentSize;
            f = createSegment(vfs, segment, size);
            offset = WalFormat.HEADER_SIZE;
        } else {
            f = vfs.openWrite(WalFormat.segmentName(segment));
            try {
                size = f.size();
                if (zeroFrom >= 0 && zeroFrom < size) {
                    f.write(zeroFrom, ByteBuffer.allocate((int) (size - zeroFrom)));
                    f.force();
                }
            } catch (RuntimeException e) {
                f.close();
                throw e;
            }
        }
        WalWriter w = new WalWriter(vfs, store, segmentSize, latch, publisher, f, segment, offset, size);
        w.spare.prepare(segment + 1, segmentSize);
        return w;
    }

    /**
     * Creates a segment: preallocated with zeros, its header written, forced, and its name made durable.
     * Until the header is written and forced the file has no valid header, so a crash in between leaves a
     * file recovery deletes as an interrupted creation.
     *
     * @param vfs the file system
     * @param number the segment number
     * @param size the size to preallocate
     * @return the open segment, which the caller closes
     */
    static VfsFile createSegment(Vfs vfs, long number, long size) {
        VfsFile f = vfs.create(WalFormat.segmentName(number));
        try {
            f.preallocate(size);
            f.write(0, WalFormat.header(number));
            f.force();
            vfs.syncDirectory("");
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * Frames a record into the buffer. Call in sequence-number order (under the engine's write lock).
     *
     * @param payload the record
     * @param lastSeq the last sequence number the record carries
     * @return the ticket to wait for: the log position just past the record
     */
    public long enqueue(byte[] payload, long lastSeq) {
        synchronized (bufferLock) {
            awaitedTotal = frameLocked(payload, lastSeq);
            return awaitedTotal;
        }
    }

    /**
     * Frames a record whose writer does not wait for it to reach the OS: it goes there with the next leader's
     * write (see the class comment). Call, under the engine's write lock, only after {@link #mayLeaveBuffered}
     * said so under the same hold of that lock.
     *
     * @param payload the record
     * @param lastSeq the last sequence number the record carries
     * @return the ticket a flush waits for: the log position just past the record
     */
    public long enqueueUnwaited(byte[] payload, long lastSeq) {
        synchronized (bufferLock) {
            long before = bufferedBytes;
            long ticket = frameLocked(payload, lastSeq);
            unwaitedBytes += bufferedBytes - before;
            return ticket;
        }
    }

    /**
     * Whether the next record may be left in the buffer ({@link #enqueueUnwaited}) and published at once: every
     * record a writer waits for was written, the buffer with this record framed in it holds at most
     * {@link #BUFFER_LIMIT} bytes (so a large record is written before its call returns), and the log neither
     * failed nor closed. Call under the engine's write lock, which orders every enqueue; a leader
     * meanwhile only writes more, which keeps the answer true.
     *
     * @param payloadLength the length of the record's payload
     * @return {@code true} if it may
     */
    public boolean mayLeaveBuffered(int payloadLength) {
        synchronized (bufferLock) {
            return failure == null && !closed && bufferedBytes + framedSize(bufferOffset, payloadLength) <= BUFFER_LIMIT
                    && awaitedTotal <= writtenTotal;
        }
    }

    /** Frames a record into the buffer; needs {@link #bufferLock}. */
    private long frameLocked(byte[] payload, long lastSeq) {
        long need = framedSize(bufferOffset, payload.length);
        Chunk c = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
        if (rollRequested || bufferOffset + need > bufferSegmentSize) {
            rollRequested = false;
            long fresh = framedSize(WalFormat.HEADER_SIZE, payload.length) + WalFormat.HEADER_SIZE;
            bufferSegment++;
            bufferSegmentSize = Math.max(segmentSize, roundToBlock(fresh));
            enqueuedTotal += bufferSegmentSize - bufferOffset; // the padding left at the end counts
            bufferOffset = WalFormat.HEADER_SIZE;
            need = framedSize(bufferOffset, payload.length);
            c = new Chunk(bufferSegment, bufferOffset, bufferSegmentSize, true, bufferLocked(need));
            chunks.add(c);
        } else if (c == null || c.segment != bufferSegment) {
            c = new Chunk(bufferSegment, bufferOffset, bufferSegmentSize, false, bufferLocked(need));
            chunks.add(c);
        }
        frame(c.bytes, bufferOffset, payload);
        c.lastSeq = lastSeq;
        bufferOffset += need;
        enqueuedTotal += need;
        bufferedBytes += need;
        enqueuedSeq = lastSeq;
        return enqueuedTotal;
    }

    /** An empty buffer for a new chunk: the kept one, else one of the first record's size; needs {@link #bufferLock}. */
    private Bytes bufferLocked(long need) {
        Bytes b = keptBuffer;
        if (b == null) {
            return new Bytes((int) need);
        }
        keptBuffer = null;
        b.reset();
        return b;
    }

    /**
     * Makes the next record start a new segment, so that every record enqueued before this call is in a
     * lower segment than every record enqueued after it. Call under the lock that orders enqueues.
     *
     * @return the number of the segment the next record goes to
     */
    public long roll() {
        synchronized (bufferLock) {
            rollRequested = true;
            return bufferSegment + 1;
        }
    }

    private static long roundToBlock(long n) {
        return (n + WalFormat.BLOCK_SIZE - 1) / WalFormat.BLOCK_SIZE * WalFormat.BLOCK_SIZE;
    }

    /**
     * Bytes a payload takes when framed from a file offset: fragment headers and block trailers included.
     *
     * @param offset the file offset the payload starts at
     * @param length the payload's length
     * @return the framed size
     */
    public static long framedSize(long offset, int length) {
        long pos = offset;
        int left = length;
        boolean first = true;
        while (first || left > 0) {
            long room = WalFormat.BLOCK_SIZE - pos % WalFormat.BLOCK_SIZE;
            if (room < WalFormat.FRAGMENT_HEADER) {
                pos += room;
                continue;
            }
            int n = (int) Math.min(left, room - WalFormat.FRAGMENT_HEADER);
            pos += WalFormat.FRAGMENT_HEADER + n;
            left -= n;
            first = false;
        }
        return pos - offset;
    }

    /**
     * Writes a payload's fragments (and any block trailer before them) as they land from a file offset.
     *
     * @param out where the framed bytes go
     * @param offset the file offset the first byte will have
     * @param payload the record
     */
    public static void frame(java.io.ByteArrayOutputStream out, long offset, byte[] payload) {
        long pos = offset;
        int done = 0;
        boolean first = true;
        while (first || done < payload.length) {
            long room = WalFormat.BLOCK_SIZE - pos % WalFormat.BLOCK_SIZE;
            if (room < WalFormat.FRAGMENT_HEADER) {
                out.write(new byte[(int) room], 0, (int) room);
                pos += room;
                continue;
            }
            int n = (int) Math.min(payload.length - done, room - WalFormat.FRAGMENT_HEADER);
            boolean last = done + n == payload.length;
            byte type = first ? (last ? WalFormat.FULL : WalFormat.FIRST) : (last ? WalFormat.LAST : WalFormat.MIDDLE);
            int crc = WalFormat.fragmentCrc(type, payload, done, n); // header: CRC (4, LE), length (2, LE), type
            out.write(crc);
            out.write(crc >>> 8);
            out.write(crc >>> 16);
            out.write(crc >>> 24);
            out.write(n);
            out.write(n >>> 8);
            out.write(type);
            out.write(payload, done, n);
            pos += WalFormat.FRAGMENT_HEADER + n;
            done += n;
            first = false;
        }
    }

    /**
     * Waits until the record of a ticket reached the OS (it then survives a killed process).
     *
     * @param ticket what {@link #enqueue} returned
     */
    public void awaitWritten(long ticket) {
        await(ticket, false);
    }

    /**
     * Waits until the record of a ticket is forced to stable storage.
     *
     * @param ticket what {@link #enqueue} returned
     */
    public void awaitSynced(long ticket) {
        await(ticket, true);
    }

    /** Forces everything enqueued so far. */
    public void sync() {
        long t;
        synchronized (bufferLock) {
            t = enqueuedTotal;
        }
        await(t, true);
    }

    /**
     * Bytes enqueued since the log was opened: records, their framing and segment padding.
     *
     * @return the count
     */
    public long enqueuedBytes() {
        synchronized (bufferLock) {
            return enqueuedTotal;
        }
    }

    /**
     * Bytes enqueued and not yet taken by a leader.
     *
     * @return the count
     */
    public long bufferedBytes() {
        synchronized (bufferLock) {
            return bufferedBytes;
        }
    }

    /**
     * Bytes enqueued by {@link #enqueueUnwaited} and not yet taken by a leader: records of batches whose writers
     * were answered without waiting, which only a later write of the log carries to the OS.
     *
     * @return the count
     */
    public long unwaitedBytes() {
        synchronized (bufferLock) {
            return unwaitedBytes;
        }
    }

    private void await(long ticket, boolean sync) {
        synchronized (monitor) {
            while (true) {
                if (failure != null) {
                    throw rethrow(failure);
                }
                if ((sync ? syncedTotal : writtenTotal) >= ticket) {
                    return;
                }
                if (closed) {
                    throw new IllegalStateException("the write-ahead log of " + store + " is closed");
                }
                if (!leaderActive) {
                    leaderActive = true;
                    break;
                }
                try {
                    monitor.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageIOException("a write to " + store + " was interrupted while waiting for the"
                            + " write-ahead log; whether it is durable is unknown until the store is reopened", e);
                }
            }
        }
        lead(sync);
    }

    /** One round as leader: write everything buffered, force if asked, publish, step down. */
    private void lead(boolean sync) {
        List<Chunk> taken;
        long total;
        long seq;
        synchronized (bufferLock) {
            taken = new ArrayList<>(chunks);
            chunks.clear();
            total = enqueuedTotal;
            seq = enqueuedSeq;
            bufferedBytes = 0;
            unwaitedBytes = 0;
        }
        RuntimeException failed = null;
        boolean synced = false;
        try {
            for (Chunk c : taken) {
                writeChunk(c);
            }
            if (!taken.isEmpty()) {
                // Written, and VfsFile.write keeps no hold on its buffer, so it is free to frame into again.
                Bytes last = taken.get(taken.size() - 1).bytes;
                if (last.capacity() <= KEPT_BUFFER_LIMIT) {
                    synchronized (bufferLock) {
                        keptBuffer = last;
                    }
                }
            }
            if (!taken.isEmpty()) {
                // Visible once in the OS: a reader may see a SYNC batch a moment before its force returns.
                publisher.published(seq);
                synchronized (monitor) {
                    writtenTotal = Math.max(writtenTotal, total);
                    monitor.notifyAll();
                }
            }
            if (sync) {
                file.forceData();
                synced = true;
            }
        } catch (RuntimeException e) {
            failed = e;
            latch.trip(e, "reopen the store once the cause is fixed; batches not acknowledged may be lost");
        }
        synchronized (monitor) {
            leaderActive = false;
            if (failed != null) {
                if (failure == null) {
                    failure = failed;
                }
            } else {
                writtenTotal = Math.max(writtenTotal, total);
                if (synced) {
                    syncedTotal = Math.max(syncedTotal, total);
                }
            }
            monitor.notifyAll();
            if (failed != null) {
                throw rethrow(failure);
            }
        }
    }

    private void writeChunk(Chunk c) {
        if (c.segment != fileSegment) {
            // The rule that makes recovery decidable: a segment is complete and forced before the next is used.
            file.forceData();
            VfsFile next = c.fresh ? spare.take(c.segment, c.segmentSize)
                    : vfs.openWrite(WalFormat.segmentName(c.segment));
            file.close();
            file = next;
            fileSegment = c.segment;
            spare.prepare(c.segment + 1, segmentSize);
        }
        file.write(c.offset, c.bytes.contents());
    }

    /** The failure again, as the same kind of exception, so that every waiter can act on its type. */
    private RuntimeException rethrow(RuntimeException e) {
        String m = "the write-ahead log of " + store + " failed (" + e.getMessage() + "); the batch is not"
                + " durable and the store accepts no more writes until it is reopened";
        if (e instanceof StorageFullException) {
            return new StorageFullException(m, e);
        }
        if (e instanceof PlinthException) {
            return new StorageIOException(m, e);
        }
        return new IllegalStateException(m, e);
    }

    /** The failure of a close that found records buffered in a log that had already failed. */
    private RuntimeException lostBuffered(long bytes, RuntimeException cause) {
        String m = "the write-ahead log of " + store + " failed before it was closed (" + cause.getMessage() + "); "
                + bytes + " bytes of records of batches acknowledged at NONE durability were still buffered and are"
                + " lost";
        return cause instanceof StorageFullException ? new StorageFullException(m, cause)
                : new StorageIOException(m, cause);
    }

    /** Waits until the spare segment is made; for tests that count file operations. */
    void awaitSpare() {
        spare.awaitIdle();
    }

    /**
     * The segment the next record goes to.
     *
     * @return its number
     */
    public long currentSegment() {
        synchronized (bufferLock) {
            return bufferSegment;
        }
    }

    /**
     * Writes and forces what is buffered (unless the log failed), then closes the segment. Idempotent.
     *
     * @throws RuntimeException if what was buffered could not be written: the write's failure, or, when the log
     *     had failed before and {@linkplain #unwaitedBytes records of acknowledged batches} were still buffered
     *     (now lost), an exception of the earlier failure's kind that says so
     */
    @Override
    public void close() {
        RuntimeException error = null;
        boolean closing = false;
        VfsFile last = null;
        try {
            RuntimeException failedBefore;
            boolean closedBefore;
            synchronized (monitor) {
                failedBefore = failure;
                closedBefore = closed;
            }
            if (failedBefore == null && !closedBefore) {
                sync();
            } else if (failedBefore != null && !closedBefore) {
                long lost = unwaitedBytes();
                if (lost > 0) {
                    error = lostBuffered(lost, failedBefore);
                }
            }
        } catch (RuntimeException e) {
            error = e;
        } finally {
            synchronized (monitor) {
                while (leaderActive) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                if (!closed) {
                    closed = true; // no leader comes after this, so the segment file is ours
                    last = file;
                    file = null;
                    closing = true;
                }
            }
            if (closing) {
                try {
                    spare.close(); // the spare's lock is never taken under the monitor
                } finally {
                    if (last != null) {
                        last.close();
                    }
                }
            }
        }
        if (error != null) {
            throw error;
        }
    }
}
