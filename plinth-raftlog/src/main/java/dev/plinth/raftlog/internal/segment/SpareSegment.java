package dev.plinth.raftlog.internal.segment;

import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The next segment of a log, made ahead of need on a background thread: created under the name {@link #NAME} in
 * the log's directory, given its header, filled with zeros up to the segment size in steps of at most
 * {@link #STEP_BYTES}, each forced before the next is written (so the log's own forces never queue behind the writeback
 * of a whole segment of zeros), and its directory synced.
 * When the log closes its segment it takes the spare: renames it to the new segment's in-progress name and syncs the
 * directory, and appends to it with no zeros left to write (every append inside the forced size needs only an
 * fdatasync). So the zeros of a segment, about as many bytes as its records, are written off the appending thread.
 *
 * <p>Crash safety: a file named {@link #NAME} is never read as records; the log deletes it at open (whole, half
 * made: some steps forced, the last perhaps torn, or with its name not yet durable). Once renamed, it is an
 * in-progress segment with a header and zeros and no record, which is exactly what a segment created on the appending
 * thread is before its first record: the open's rules for such a segment apply unchanged.
 *
 * <p>Thread safe. {@link #lock} guards the fields below it and is never held during file I/O; the log calls in
 * holding its own locks (the spare takes none of the log's), so it adds no lock-order edge. Waits: {@link #take}
 * never waits for a spare still being made (the log makes that segment itself, and the spare is taken at a later
 * roll), so no lock of the log is held waiting for the background thread while appending. A log that can wait
 * holding no lock a reader needs (the shared log's leader, before its files lock) calls {@link #awaitMade()} before
 * it rolls; {@link #close()} waits too. The making takes no lock of the log, so none of these waits can deadlock. A
 * failure while making the spare (an {@link Error} too: an out-of-memory error starting the thread, say) is kept and
 * thrown by the log's next call of {@link #check()} or {@link #take}, which fail the log as any failed write does.
 * Nothing acknowledged is lost by it: a spare holds no record.
 */
public final class SpareSegment implements AutoCloseable {
    /** The spare's file name in the log's directory (the root for the shared log, a group's for the per-group log). */
    public static final String NAME = "spare";

    private final Vfs vfs;
    private final String dir;
    private final String path;
    private final long size;
    private final int version;
    private final Executor executor;
    private final String owner;

    private final Object lock = new Object();
    // Guarded by lock.
    private boolean preparing;
    private VfsFile ready;
    private boolean closed;
    /** Written under lock; read without it by {@link #check()}. */
    private volatile RuntimeException failure;

    /**
     * A spare maker for one log directory; nothing is made until {@link #prepareIfDue}.
     *
     * @param vfs      the file system
     * @param dir      the log's directory ("" for the root)
     * @param size     the segment size: what the spare is preallocated to
     * @param version  the format version of the spare's header
     * @param executor the background threads that make it
     * @param owner    names the log, for messages ("the shared Raft log at ...")
     */
    public SpareSegment(Vfs vfs, String dir, long size, int version, Executor executor, String owner) {
        this.vfs = vfs;
        this.dir = dir;
        this.path = path(dir);
        this.size = size;
        this.version = version;
        this.executor = executor;
        this.owner = owner;
    }

    /**
     * The bytes of zeros a spare is made in, at most: each step is written and forced before the next is written, so
     * that a force of the log's own, on the same disk, never waits behind the writeback of more than one step. Made
     * whole and forced once, a 64 MiB spare kept a purge's small force waiting 50 to 100 ms once per segment.
     */
    static final long STEP_BYTES = 1 << 20;

    /**
     * The step a spare of {@code segmentBytes} is made in: {@link #STEP_BYTES}, or half of a smaller segment, and never
     * less than {@link SegmentWriter#FIRST_PREALLOCATION} (so a segment just over it is made in two steps).
     */
    static long stepBytes(long segmentBytes) {
        return Math.max(SegmentWriter.FIRST_PREALLOCATION, Math.min(STEP_BYTES, segmentBytes / 2));
    }

    private static String path(String dir) {
        return dir.isEmpty() ? NAME : dir + "/" + NAME;
    }

    /**
     * Whether a log of this segment size makes spares: only when its segments are larger than the first preallocation
     * of a segment made on the appending thread ({@link SegmentWriter#FIRST_PREALLOCATION}); a smaller segment is
     * preallocated whole, in one write, when it is made.
     */
    public static boolean worthwhile(long segmentBytes) {
        return segmentBytes > SegmentWriter.FIRST_PREALLOCATION;
    }

    /**
     * Deletes a spare left in a log's directory by an earlier run: it holds no record, whether it was made whole, half
     * made, or its name never became durable. Called at open before anything is written: a write may start making
     * this run's spare ({@link #prepareIfDue}), which the deletion must not meet.
     */
    public static void removeLeftover(Vfs vfs, String dir) {
        vfs.delete(path(dir));
    }

    /**
     * Starts making the spare in the background once the segment being written reaches half its size, unless one is
     * under way or ready, the log is closing, or an earlier one failed.
     *
     * @param position the end of the segment being written
     */
    public void prepareIfDue(long position) {
        if (position < size / 2 || !worthwhile(size)) {
            return;
        }
        synchronized (lock) {
            if (preparing || ready != null || closed || failure != null) {
                return;
            }
            preparing = true;
        }
        try {
            executor.execute(this::make);
        } catch (RejectedExecutionException e) {
            // The log is closing: its executor is shut down. No spare; the next segment is made when needed.
            finish(null, null);
        } catch (Throwable t) {
            // An out-of-memory error starting a thread, say: kept as the spare's failure, never left preparing, or
            // close would wait for good.
            finish(null, failure(t));
        }
    }

    private static RuntimeException failure(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t.toString(), t);
    }

    private void make() {
        VfsFile f = null;
        RuntimeException error = null;
        try {
            // None should be there (the open deleted any left over, the last one was taken); if one is, it holds no
            // record and must not fail the log.
            vfs.delete(path);
            f = vfs.create(path);
            f.write(0, SegmentFormat.header(version));
            long step = stepBytes(size);
            for (long end = Math.min(size, step); ; end = Math.min(size, end + step)) {
                f.preallocate(end);
                f.force(); // before the next step is written: see STEP_BYTES
                if (end >= size) {
                    break;
                }
                if (closing()) {
                    // Half made: the file stays until the next open deletes it, as a spare made whole and not taken.
                    f.close();
                    finish(null, null);
                    return;
                }
            }
            vfs.syncDirectory(dir);
        } catch (Throwable t) {
            // An Error too (out of memory, an assertion): the spare fails, and preparing is reset below, or close
            // would wait for good.
            error = failure(t);
            if (f != null) {
                try {
                    f.close();
                } catch (Throwable ignored) {
                    // The failure above is the one the log reports.
                }
                f = null;
            }
        }
        finish(f, error);
    }

    /** Whether the log began to close: a spare still being made is left half made, not finished for nobody. */
    private boolean closing() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Ends the making of a spare: {@code made} is the spare (or null), {@code error} why it failed (or null). A spare
     * made after the log began to close is closed here before {@link #preparing} is reset, so that {@link #close()},
     * which waits for that, returns with no handle of the spare left open.
     */
    private void finish(VfsFile made, RuntimeException error) {
        boolean discard;
        synchronized (lock) {
            discard = made != null && error == null && closed;
        }
        if (discard) {
            made.close(); // the file stays until the next open deletes it
        }
        synchronized (lock) {
            preparing = false;
            if (error != null) {
                failure = error;
            } else if (!discard) {
                ready = made; // a close begun meanwhile takes and closes it
            }
            lock.notifyAll();
        }
    }

    /**
     * Throws if making the spare failed: the log must fail as after a failed write of its own.
     *
     * @throws StorageIOException (a {@link StorageFullException} for a full disk) naming the log and the cause
     */
    public void check() {
        RuntimeException e = failure;
        if (e != null) {
            String m = "Making the next segment of " + owner + " ahead of need (" + vfs.location(path) + ") failed: "
                    + e.getMessage();
            throw e instanceof StorageFullException ? new StorageFullException(m, e) : new StorageIOException(m, e);
        }
    }

    /**
     * Takes the spare as the segment {@code name}: renames it, syncs the directory, opens it by its new name (so every
     * message and file filter names the segment, not a {@code spare} no longer there) and returns a writer positioned
     * after its header. Returns {@code null} if no spare is ready (none was started, or one is still being made: it
     * is not waited for, and is taken at a later roll); the caller makes the segment itself.
     *
     * @param name the in-progress name of the new segment, in the same directory, not existing yet
     * @throws StorageIOException if making the spare failed, or the rename or directory sync fails
     */
    public SegmentWriter take(String name) {
        VfsFile f;
        synchronized (lock) {
            check();
            f = ready;
            ready = null;
        }
        if (f == null) {
            return null;
        }
        VfsFile renamed;
        try {
            vfs.rename(path, name);
            vfs.syncDirectory(dir);
            renamed = vfs.openWrite(name);
        } finally {
            // Everything written through it was forced when it was made: nothing is lost by closing it.
            f.close();
        }
        return SegmentWriter.adopt(vfs, name, renamed, size, version);
    }

    /**
     * Waits until no spare is being made, so that the next {@link #take} finds it if it was started. Call holding no
     * lock that a reader of the log needs: the making is file I/O of a whole segment. An interrupt does not cut the
     * wait short and is kept for the caller.
     */
    public void awaitMade() {
        synchronized (lock) {
            awaitMadeLocked();
        }
    }

    /**
     * Waits, holding {@link #lock}, until no spare is being made. An interrupt does not cut the wait short (the
     * spare's fate decides the log's) and is kept for the caller.
     */
    private void awaitMadeLocked() {
        boolean interrupted = false;
        while (preparing) {
            try {
                lock.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for a spare under way (its making stops after the step being written, leaving it half made) and closes a
     * spare not taken; its file stays on disk until the log's next open deletes it (deleting it here could reach a disk
     * that a crash already replaced). Idempotent.
     */
    @Override
    public void close() {
        VfsFile f;
        synchronized (lock) {
            closed = true;
            awaitMadeLocked();
            f = ready;
            ready = null;
        }
        if (f != null) {
            f.close();
        }
    }
}
