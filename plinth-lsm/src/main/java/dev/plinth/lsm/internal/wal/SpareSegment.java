package dev.plinth.lsm.internal.wal;

import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.spi.FailureLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The next write-ahead log segment, made ahead of need on a thread of its own: created under its final
 * name, filled with zeros, given its header, forced, and its directory synced, exactly as the writer used to
 * make it when it moved to it. So moving the log to a new segment (a memtable sealed, a segment full) costs
 * the writer no file creation, no zero-filling and no force beyond the one of the segment it leaves.
 * Thread-safe.
 *
 * <p>One spare at a time: {@link #prepare} starts one, {@link #take} waits for it and hands its open file
 * over. A spare is a valid empty segment once its directory sync returned, which is before anyone may take
 * it, so a crash at any point leaves either no file, a file without a valid header (recovery deletes it as an
 * interrupted creation), or a valid empty segment after the last one holding records (recovery resumes
 * writing in it, or deletes it if a torn tail comes before it). See {@code docs/format/wal.md}.
 *
 * <p>A failure while preparing trips the engine's {@link FailureLatch} at once, with the error as cause: the
 * engine accepts no more writes and every later write reports it; the writer that comes to take the spare gets
 * it too. Nothing acknowledged is lost, since a spare holds no record. Nothing is retried.
 *
 * <p>Locks: {@link #lock} guards the fields below it and is never held during file I/O; the writer takes it
 * holding no other lock of the log.
 */
final class SpareSegment implements AutoCloseable {
    private final Vfs vfs;
    private final String store;
    private final FailureLatch latch;
    private final ExecutorService executor;

    // Guarded by lock.
    private final Object lock = new Object();
    /** The segment being prepared or ready; 0 when there is none. */
    private long number;
    private boolean preparing;
    private VfsFile ready;
    private RuntimeException failure;
    private boolean closed;

    SpareSegment(Vfs vfs, String store, FailureLatch latch) {
        this.vfs = vfs;
        this.store = store;
        this.latch = latch;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plinth-lsm-wal-spare " + store);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts preparing a segment in the background. Does nothing once closed or failed.
     *
     * @param segment its number: the one after the segment being written
     * @param size the size to preallocate it to
     * @throws IllegalStateException if a spare is still prepared or ready and not taken
     */
    void prepare(long segment, long size) {
        synchronized (lock) {
            if (closed || failure != null) {
                return;
            }
            if (number != 0) {
                throw new IllegalStateException("the write-ahead log of " + store + " prepares segment " + segment
                        + " while segment " + number + " was not taken yet");
            }
            number = segment;
            preparing = true;
        }
        executor.execute(() -> run(segment, size));
    }

    private void run(long segment, long size) {
        VfsFile f = null;
        RuntimeException error = null;
        try {
            f = WalWriter.createSegment(vfs, segment, size);
        } catch (RuntimeException e) {
            error = e;
        }
        if (error != null) {
            latch.trip(error, "preparing write-ahead log segment " + segment + " of " + store + " failed; nothing"
                    + " acknowledged is lost; reopen the store once the cause is fixed");
        }
        VfsFile unwanted = null;
        synchronized (lock) {
            preparing = false;
            if (error != null) {
                failure = error;
            } else if (closed) {
                unwanted = f; // the log closed meanwhile: the spare stays on disk, an empty segment
            } else {
                ready = f;
            }
            lock.notifyAll();
        }
        if (unwanted != null) {
            unwanted.close();
        }
    }

    /**
     * Takes the spare: waits until it is ready and hands over its open file, grown first if a record needs a
     * larger segment.
     *
     * @param segment the segment wanted, which {@link #prepare} must have been asked for
     * @param size the least size it must have
     * @return the open segment, which the caller closes
     * @throws StorageIOException (or {@link StorageFullException}) if preparing it failed
     * @throws IllegalStateException if another segment, or none, was prepared
     */
    VfsFile take(long segment, long size) {
        VfsFile f;
        boolean interrupted = false;
        synchronized (lock) {
            while (preparing) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true; // the spare's fate decides the writer's; finish waiting for it
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                String m = "preparing write-ahead log segment " + number + " of " + store + " failed ("
                        + failure.getMessage() + ")";
                throw failure instanceof StorageFullException ? new StorageFullException(m, failure)
                        : new StorageIOException(m, failure);
            }
            if (number != segment || ready == null) {
                throw new IllegalStateException("the write-ahead log of " + store + " moves to segment " + segment
                        + " but the spare prepared is " + (number == 0 ? "none" : "segment " + number));
            }
            f = ready;
            ready = null;
            number = 0;
        }
        if (f.size() < size) {
            try {
                f.preallocate(size);
                f.force();
            } catch (RuntimeException e) {
                f.close();
                throw e;
            }
        }
        return f;
    }

    /** Waits until no spare is being prepared; for tests that count file operations. */
    void awaitIdle() {
        synchronized (lock) {
            while (preparing) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Waits for a preparation under way, closes a spare not taken (it stays on disk, a valid empty segment),
     * and stops the thread. Idempotent.
     */
    @Override
    public void close() {
        VfsFile f;
        synchronized (lock) {
            closed = true;
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
            f = ready;
            ready = null;
        }
        if (f != null) {
            f.close();
        }
        executor.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
