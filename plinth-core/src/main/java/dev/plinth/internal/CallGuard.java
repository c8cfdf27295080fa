package dev.plinth.internal;

import dev.plinth.StoreClosedException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps calls out of an engine once its store is closing, and lets close wait for calls in progress, so
 * that no engine (native ones especially) sees a call during or after its close. Thread-safe.
 *
 * <p>Invariant: a call increments {@link #inFlight} before it reads {@link #closed}; close sets
 * {@link #closed} before it reads {@link #inFlight}. Both are volatile, so either the call sees the
 * store closed, or close sees the call and waits for it.
 */
final class CallGuard {
    private final String context;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    CallGuard(String context) {
        this.context = context;
    }

    /** Enters a call; pair with {@link #exit()} in a finally block. */
    void enter() {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            throw new StoreClosedException("store " + context + " is closed");
        }
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    /** Throws if closed, without entering; for calls that do not reach the engine. */
    void checkOpen() {
        if (closed) {
            throw new StoreClosedException("store " + context + " is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Marks the store closed and waits until no call is in progress.
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
