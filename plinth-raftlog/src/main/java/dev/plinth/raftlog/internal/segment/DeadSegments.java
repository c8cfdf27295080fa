package dev.plinth.raftlog.internal.segment;

import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * The dead segments of one group of the per-group log whose files are still to go, and the task that deletes them on a
 * background thread (see {@link SegmentDeletion}): every queued segment is first taken out of the log's names
 * (retired, or deleted at once if small), then the old {@code boundary} file goes if it is due, and only then are the
 * retired files freed, a step at a time, the oldest first; a segment queued meanwhile is retired before the next step.
 * So {@link #awaitOutOfNames()} waits for renames, never for the freeing.
 *
 * <p>Locking: every field below is guarded by {@link #lock}, the group's own monitor, which the group holds when it
 * calls {@link #add}, {@link #dropLegacyBoundary} and {@link #start}. The task holds it only to read and change that
 * state and to close a handle, never during other file I/O; the waits release it. Sharing the group's monitor keeps
 * one lock order: the group never waits here holding another lock the task needs.
 */
final class DeadSegments {
    private final Vfs vfs;
    private final String dir;
    private final long step;
    private final Executor background;
    private final Object lock;
    /** Called holding {@link #lock} when a deletion fails: fails the group, as it would have failed the call. */
    private final Consumer<RuntimeException> onFailure;
    private final String owner;

    /** Dead segments (gone from the group's closed segments) to be taken out of the names, oldest first. */
    private final ArrayDeque<String> queued = new ArrayDeque<>();
    /** Whether a task is running (or handed to {@link #background}). */
    private boolean running;
    /** Set by the close, so that the task frees no more steps. */
    private boolean stopFreeing;
    /** Whether the old {@code boundary} file is to be deleted. */
    private boolean legacyBoundaryDue;

    /**
     * @param vfs          the file system
     * @param dir          the group's directory
     * @param segmentBytes the group's segment size, which sets the step ({@link SegmentDeletion#stepBytes})
     * @param background   the threads the task runs on
     * @param lock         the group's monitor
     * @param onFailure    fails the group; called holding {@code lock}
     * @param owner        names the log, for messages
     */
    DeadSegments(Vfs vfs, String dir, long segmentBytes, Executor background, Object lock,
            Consumer<RuntimeException> onFailure, String owner) {
        this.vfs = vfs;
        this.dir = dir;
        this.step = SegmentDeletion.stepBytes(segmentBytes);
        this.background = background;
        this.lock = lock;
        this.onFailure = onFailure;
        this.owner = owner;
    }

    /** Queues a dead segment's file, by name in the group's directory. Call holding the lock, then {@link #start}. */
    void add(String name) {
        queued.addLast(name);
    }

    /**
     * Has the old {@code boundary} file deleted once every queued dead segment's name is durably gone: a dead segment
     * of the older format, found without it, would be replayed with the wrong boundary. Call holding the lock, then
     * {@link #start}.
     */
    void dropLegacyBoundary() {
        legacyBoundaryDue = true;
    }

    /**
     * Starts the task if there is work and none runs; if the threads are shut down (the log closing), runs it here.
     * Call holding the lock.
     */
    void start() {
        if ((!queued.isEmpty() || legacyBoundaryDue) && !running) {
            running = true;
            try {
                background.execute(this::run);
            } catch (RejectedExecutionException e) {
                running = false;
                run();
            }
        }
    }

    private void run() {
        ArrayDeque<SegmentDeletion.Retired> freeing = new ArrayDeque<>();
        try {
            while (true) {
                String name;
                boolean boundary;
                int waiting;
                synchronized (lock) {
                    name = queued.peekFirst();
                    boundary = name == null && legacyBoundaryDue;
                    if (name == null && !boundary && (freeing.isEmpty() || stopFreeing)) {
                        // Done, or the log is closing: what is left of a retired file is deleted by the next open.
                        freeing.forEach(SegmentDeletion.Retired::close);
                        running = false;
                        lock.notifyAll();
                        return;
                    }
                    waiting = queued.size() + freeing.size() - 1;
                }
                if (name != null) {
                    SegmentDeletion.Retired r = SegmentDeletion.retire(vfs, dir, name, step);
                    if (r != null) {
                        freeing.addLast(r);
                    }
                    synchronized (lock) {
                        queued.pollFirst();
                        lock.notifyAll();
                    }
                } else if (boundary) {
                    // The directory sync makes the unlinks of small dead segments durable too.
                    vfs.syncDirectory(dir);
                    vfs.delete(dir + "/" + GroupFiles.BOUNDARY);
                    synchronized (lock) {
                        legacyBoundaryDue = false;
                        lock.notifyAll();
                    }
                } else if (freeing.peekFirst().freeStep(step * (1 + waiting))) {
                    freeing.pollFirst();
                }
            }
        } catch (RuntimeException e) {
            for (SegmentDeletion.Retired r : freeing) {
                try {
                    r.close();
                } catch (RuntimeException ignored) {
                    // The failure above is the one the group reports.
                }
            }
            synchronized (lock) {
                queued.clear();
                legacyBoundaryDue = false;
                running = false;
                onFailure.accept(e);
                lock.notifyAll();
            }
        }
    }

    /**
     * Waits until the dead segments queued so far are out of the log's names (deleted, or retired and perhaps still
     * being freed in steps), and an old {@code boundary} file due to go is gone.
     */
    void awaitOutOfNames() {
        synchronized (lock) {
            while (!queued.isEmpty() || legacyBoundaryDue) {
                await();
            }
        }
    }

    /**
     * Stops the freeing of retired segments after the step in hand, and waits until the task has taken every dead
     * segment out of the log's names and ended: a step of the close. What is left of a retired file is deleted by the
     * next open.
     */
    void stop() {
        synchronized (lock) {
            stopFreeing = true;
            while (running || !queued.isEmpty() || legacyBoundaryDue) {
                await();
            }
        }
    }

    private void await() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageIOException("Interrupted while " + owner + " deleted old segments.");
        }
    }
}
