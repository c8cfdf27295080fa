package dev.plinth.raftlog.internal;

import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.StoreClosedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Pipelined acknowledgement of appends of one file (or one shared log): an append writes its record to the
 * operating system on the caller's thread and registers here; a force on another thread then covers it and every
 * other record registered before the force began, and only then completes their futures. While one force runs, the
 * next records are written and wait for the next force, so a Raft leader that keeps several batches in flight shares
 * one force among them instead of waiting for a force per batch.
 *
 * <p>Thread safe. {@link #lock} guards every field below it; it is never held across the force, across the
 * completion of a future, or while calling {@link #onFailure}. The force runs as one task at a time on the
 * executor; each task forces once and hands any records registered meanwhile to a new task before completing its
 * own futures, so a future's dependent action that blocks (or appends again and waits for room) never stalls the
 * forces. Futures complete in the order of their records: a task queues its completions and whichever thread
 * finds no completion running completes the queue in order ({@link #complete}); a dependent action that waits for
 * a later append's future on the completing thread therefore waits for ever (use the future's async methods).
 *
 * <p>Protocol for a writer: {@link #reserve(long)} before writing the record (waits while too many bytes are
 * unforced; throws if the pipeline is failed or closed), then either {@link #registered(long, Object)} once the
 * write has returned, or {@link #release(long)} if it did not happen. A write that fails after reserving calls
 * {@link #fail(RuntimeException)} (the log is failed) and then release.
 *
 * <p>Failure: the first failed force, or a {@link #fail} by the log, fails every pending future and every later
 * reservation: a retried force proves nothing. After a failed force the log is told ({@link #onFailure}) before any
 * future fails. A future is completed normally only after a force that began after
 * its record was written returned without error.
 *
 * @param <T> what a future completes with (the last index an append wrote)
 */
public final class ForcePipeline<T> {

    /** Forces everything written so far; may run while the writing thread appends. */
    @FunctionalInterface
    public interface Force {
        /** Forces every record whose write returned before this call began. */
        void forceWritten();
    }

    private record Waiter<T>(CompletableFuture<T> future, T value, long bytes) {
    }

    /** Futures to complete, in order: normally with their values, or exceptionally if {@code error} is set. */
    private record Completion<T>(List<Waiter<T>> waiters, RuntimeException error) {
    }

    private final Force force;
    private final Executor executor;
    private final long maxBytesInFlight;
    private final Supplier<String> describe;
    private final Consumer<RuntimeException> onFailure;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when bytes are released, the pipeline fails, or the last force task ends. */
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Waiter<T>> waiting = new ArrayDeque<>();
    /** Bytes reserved and not yet covered by a completed force (or released). */
    private long bytesInFlight;
    /** Whether a force task is scheduled or running. */
    private boolean forcing;
    /** Completions not yet made, oldest first: taken by the one thread {@link #draining} them. */
    private final ArrayDeque<Completion<T>> toComplete = new ArrayDeque<>();
    /** Whether a thread is completing futures of {@link #toComplete}: {@link #close()} waits for it. */
    private boolean draining;
    /**
     * Completions taken (a force's records, or those a failure took) and not yet queued on {@link #toComplete}:
     * counted in the same hold of the lock that gives back their bytes, so {@link #close()} cannot miss them.
     */
    private int handingOver;
    private RuntimeException failure;
    private boolean closed;
    private long forces;

    /**
     * The threads of a log's force tasks: created when a force is due, daemon threads (a log left open does not keep
     * the JVM alive), gone a minute after their last task. The log shuts it down when it closes, after its pipelines.
     * Not bounded: each pipeline runs at most one force task at a time, but a log of many groups (the per-group log)
     * has a pipeline per group, so as many groups as force at once have a thread each (and as many forces run at once).
     *
     * @param name names the threads, for thread dumps
     * @return the executor
     */
    public static java.util.concurrent.ExecutorService threads(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-force-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates a pipeline.
     *
     * @param force            forces what was written
     * @param executor         runs the force tasks (one at a time per pipeline)
     * @param maxBytesInFlight the bytes of records written and not yet forced above which {@link #reserve} waits;
     *                         a record larger than this is let through alone when nothing else is in flight
     * @param describe         names the log, for messages
     * @param onFailure        told of a failed force (after the futures are failed), to fail the log for good
     */
    public ForcePipeline(Force force, Executor executor, long maxBytesInFlight, Supplier<String> describe,
            Consumer<RuntimeException> onFailure) {
        this.force = force;
        this.executor = executor;
        this.maxBytesInFlight = maxBytesInFlight;
        this.describe = describe;
        this.onFailure = onFailure;
    }

    /**
     * Reserves room for a record about to be written, waiting while the bytes in flight would pass the bound.
     *
     * @param bytes the record's size
     * @throws StorageIOException if a force failed (or the log failed) earlier
     * @throws StoreClosedException if the pipeline was closed
     */
    public void reserve(long bytes) {
        lock.lock();
        try {
            while (true) {
                checkUsable();
                if (bytesInFlight == 0 || bytesInFlight + bytes <= maxBytesInFlight) {
                    bytesInFlight += bytes;
                    return;
                }
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkUsable() {
        if (failure != null) {
            throw failedEarlier(failure);
        }
        if (closed) {
            throw new StoreClosedException("This " + describe.get() + " was closed.");
        }
    }

    /** Gives back room reserved for a record that was not written. */
    public void release(long bytes) {
        lock.lock();
        try {
            bytesInFlight -= bytes;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers a written record: the future completes with {@code value} after a force that begins after this call.
     *
     * @param bytes the room reserved for it
     * @param value what the future completes with
     * @return the future; failed at once if the pipeline failed between the reservation and now
     */
    public CompletableFuture<T> registered(long bytes, T value) {
        CompletableFuture<T> f = new CompletableFuture<>();
        boolean start;
        lock.lock();
        try {
            if (failure != null) {
                bytesInFlight -= bytes;
                changed.signalAll();
                f.completeExceptionally(notForced(failure));
                return f;
            }
            waiting.addLast(new Waiter<>(f, value, bytes));
            start = !forcing;
            forcing = true;
        } finally {
            lock.unlock();
        }
        if (start) {
            schedule();
        }
        return f;
    }

    private void schedule() {
        try {
            executor.execute(this::forceOnce);
        } catch (RejectedExecutionException e) {
            // Only after close, which waits for every pending force first: run it here rather than strand it.
            forceOnce();
        }
    }

    /** One force task: takes every registered record, forces once, completes their futures. */
    private void forceOnce() {
        List<Waiter<T>> batch;
        lock.lock();
        try {
            if (waiting.isEmpty()) {
                forcing = false;
                changed.signalAll();
                return;
            }
            batch = new ArrayList<>(waiting);
            waiting.clear();
        } finally {
            lock.unlock();
        }
        RuntimeException error = null;
        try {
            force.forceWritten();
        } catch (RuntimeException e) {
            error = e;
        } catch (Error e) {
            error = new StorageIOException("The force of " + describe.get() + " failed: " + e, e);
        }
        List<Waiter<T>> failedToo = List.of();
        boolean again;
        long covered = 0;
        for (Waiter<T> w : batch) {
            covered += w.bytes();
        }
        boolean drainHere = false;
        lock.lock();
        try {
            bytesInFlight -= covered;
            if (error != null) {
                failedToo = failLocked(error);
                handingOver++;
            } else {
                forces++;
                // Queued before the next force task can exist: that task's completion must come after this one's.
                // (Queued after scheduling it, a fast next force could queue its own first and complete later
                // records' futures before these: seen as 1, 3, 2 in ForcePipelineTest.)
                toComplete.addLast(new Completion<>(batch, null));
                drainHere = !draining;
                draining = true;
            }
            again = !waiting.isEmpty();
            forcing = again;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (again) {
            schedule();
        }
        if (error == null) {
            if (drainHere) {
                drain();
            }
        } else {
            List<Waiter<T>> all = new ArrayList<>(batch);
            all.addAll(failedToo);
            try {
                // The log first: a future's dependent action that looks at the log must find it failed.
                onFailure.accept(error);
            } finally {
                complete(new Completion<>(all, error));
            }
        }
    }

    /**
     * Queues a completion behind those not yet made and, unless another thread is making them, makes every queued
     * one in order on this thread.
     */
    private void complete(Completion<T> completion) {
        lock.lock();
        try {
            handingOver--;
            toComplete.addLast(completion);
            if (draining) {
                return;
            }
            draining = true;
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** Makes every queued completion in order on this thread, which set {@link #draining}. */
    private void drain() {
        COMPLETING.set(this);
        try {
            while (true) {
                Completion<T> next;
                lock.lock();
                try {
                    next = toComplete.pollFirst();
                    if (next == null) {
                        draining = false;
                        changed.signalAll();
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                if (next.error() == null) {
                    next.waiters().forEach(w -> w.future().complete(w.value()));
                } else {
                    RuntimeException e = notForced(next.error());
                    next.waiters().forEach(w -> w.future().completeExceptionally(e));
                }
            }
        } catch (RuntimeException | Error e) {
            lock.lock();
            try {
                draining = false; // never leave the queue without a thread to make it
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            throw e;
        } finally {
            COMPLETING.remove();
        }
    }

    /** The pipeline whose futures the current thread is completing, if any: its close must not wait for itself. */
    private static final ThreadLocal<ForcePipeline<?>> COMPLETING = new ThreadLocal<>();

    /**
     * Fails the pipeline: a write of the log failed. Every pending future fails; no force is tried for them, since
     * the log is failed and nothing after its failure is trusted.
     *
     * @param cause the log's failure
     */
    public void fail(RuntimeException cause) {
        List<Waiter<T>> pending;
        lock.lock();
        try {
            pending = failLocked(cause);
            handingOver++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        complete(new Completion<>(pending, cause));
    }

    /** With {@link #lock} held: records the first failure and takes every waiting record, giving back its room. */
    private List<Waiter<T>> failLocked(RuntimeException cause) {
        if (failure == null) {
            failure = cause;
        }
        List<Waiter<T>> taken = new ArrayList<>(waiting);
        for (Waiter<T> w : taken) {
            bytesInFlight -= w.bytes();
        }
        waiting.clear();
        return taken;
    }

    /**
     * Refuses new reservations and waits until every record reserved so far is forced (or failed) and its future
     * completed, so that no future is left pending. Called from a future's dependent action (on the thread completing
     * futures), it cannot wait for the completions queued behind that action: those futures' records are forced, and
     * they complete when the action returns. Safe to call twice.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            boolean completingHere = COMPLETING.get() == this;
            while (bytesInFlight > 0 || forcing || handingOver > 0 || (draining && !completingHere)) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The number of forces that completed: a test hook. */
    public long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    private StorageIOException notForced(RuntimeException cause) {
        String m = "The force of " + describe.get() + " failed, so these entries are not known to be durable; the log "
                + "accepts nothing more: " + cause.getMessage();
        return cause instanceof StorageFullException ? new StorageFullException(m, cause) : new StorageIOException(m, cause);
    }

    private StorageIOException failedEarlier(RuntimeException cause) {
        String m = "The " + describe.get() + " failed earlier and accepts nothing more: " + cause.getMessage();
        return cause instanceof StorageFullException ? new StorageFullException(m, cause) : new StorageIOException(m, cause);
    }
}
