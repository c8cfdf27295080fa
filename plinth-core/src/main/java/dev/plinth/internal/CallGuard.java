package dev.plinth.internal;

import dev.plinth.StoreClosedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Keeps calls out of an engine (or out of one engine snapshot) once its owner is closing, and lets close
 * wait for calls in progress, so that no engine (native ones especially) sees a call during or after the
 * close of what the call uses. Thread-safe.
 *
 * <p>Invariant: a call increments {@link #inFlight} before it reads {@link #closed}; close sets
 * {@link #closed} before it reads {@link #inFlight}. Both are volatile, so either the call sees the
 * owner closed, or close sees the call and waits for it.
 */
final class CallGuard {
    private final Supplier<RuntimeException> closedError;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /**
     * A guard for a store: calls after close throw {@link StoreClosedException}.
     *
     * @param context the store, for messages
     */
    CallGuard(String context) {
        this(() -> new StoreClosedException("store " + context + " is closed"));
    }

    /**
     * A guard whose calls after close throw what {@code closedError} makes.
     *
     * @param closedError makes the exception for a call after close
     */
    CallGuard(Supplier<RuntimeException> closedError) {
        this.closedError = closedError;
    }

    /** Enters a call; pair with {@link #exit()} in a finally block. */
    void enter() {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            throw closedError.get();
        }
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    /** Throws if closed, without entering; for calls that do not reach the engine. */
    void checkOpen() {
        if (closed) {
            throw closedError.get();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Marks the owner closed and waits until no call is in progress.
     *
     * @return {@code false} if already closed
     */
    boolean closeAndDrain() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        int spins = 0;
        while (inFlight.get() != 0) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return true;
    }
}
