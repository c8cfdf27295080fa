package dev.plinth.spi;

import dev.plinth.StoreClosedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Keeps calls away from something once it is being closed or freed (an engine, a snapshot, a native
 * handle), and lets the closer wait for the calls already in progress, so that nothing is freed under a
 * running call. Every call that uses the guarded thing brackets itself with {@link #enter()} (or
 * {@link #tryEnter()}) and {@link #exit()}; the closer calls {@link #closeAndDrain()} and only then
 * releases what the calls use. Thread-safe; lock-free for callers.
 *
 * <p>Invariant: a call increments the count of calls in progress before it reads the closed flag; the
 * closer sets the flag before it reads the count. Both are volatile, so either the call sees the guard
 * closed and backs out, or the closer sees the call and waits for it.
 *
 * <p>The core already brackets every engine call with a guard of its own (see the package
 * documentation), so an engine needs one only for what it frees while the engine stays open: a dropped
 * keyspace's native handle, a snapshot closed while another thread reads it.
 */
public final class CallGuard {
    private final Supplier<? extends RuntimeException> closedError;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Makes one closer the closer; held only to test and set {@link #closed}. */
    private final Object closeLock = new Object();
    private volatile boolean closed;

    /**
     * A guard whose calls after close throw {@link StoreClosedException} naming {@code store}.
     *
     * @param store the store, for messages
     */
    public CallGuard(String store) {
        this(() -> new StoreClosedException("store " + store + " is closed"));
    }

    /**
     * A guard whose calls after close throw what {@code closedError} makes.
     *
     * @param closedError makes the exception for a call after close, a sentence naming what is closed
     */
    public CallGuard(Supplier<? extends RuntimeException> closedError) {
        this.closedError = closedError;
    }

    /**
     * Enters a call; pair with {@link #exit()} in a {@code finally} block.
     *
     * @throws RuntimeException the exception made by this guard's {@code closedError} if it is closed;
     *     nothing was entered then
     */
    public void enter() {
        if (!tryEnter()) {
            throw closedError.get();
        }
    }

    /**
     * Enters a call unless the guard is closed.
     *
     * @return {@code true} if entered (pair with {@link #exit()}); {@code false} if closed, nothing entered
     */
    public boolean tryEnter() {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Leaves a call entered with {@link #enter()} or a successful {@link #tryEnter()}. */
    public void exit() {
        inFlight.decrementAndGet();
    }

    /**
     * Throws if closed, without entering; for calls that do not use the guarded thing.
     *
     * @throws RuntimeException the exception made by this guard's {@code closedError} if it is closed
     */
    public void checkOpen() {
        if (closed) {
            throw closedError.get();
        }
    }

    /**
     * Whether {@link #closeAndDrain()} has begun.
     *
     * @return {@code true} once closing began
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Opens the guard again after {@link #closeAndDrain()}, when the release it drained for failed and the
     * guarded thing stays in use (a column family whose drop the engine refused). Only the thread that
     * closed the guard may call this, and only before anything was released.
     */
    public void reopen() {
        synchronized (closeLock) {
            closed = false;
        }
    }

    /**
     * Closes the guard and waits until no call is in progress. New calls are turned away from the moment
     * it begins. It keeps waiting if the thread is interrupted (releasing what a running call uses could
     * crash a native library) and restores the interrupt flag before it returns. Must not be called by a
     * thread that is itself inside a call on this guard: it would wait for itself.
     *
     * @return {@code true} if this call closed the guard; {@code false} if it was already closed, in which
     *     case another thread is or was the closer and this one must not release anything
     */
    public boolean closeAndDrain() {
        synchronized (closeLock) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        int spins = 0;
        boolean interrupted = false;
        while (inFlight.get() != 0) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
