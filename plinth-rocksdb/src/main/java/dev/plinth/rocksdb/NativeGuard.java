package dev.plinth.rocksdb;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps native calls away from a native object once it is being released: a column family handle being
 * dropped, a snapshot being closed. Every call that passes the object to native code brackets itself with
 * {@link #tryEnter()} and {@link #exit()}; the releaser calls {@link #closeAndDrain()}, which waits for
 * calls in progress, and only then frees the object. Thread-safe and lock-free for callers.
 *
 * <p>Invariant (as in the core's call guard): a caller increments {@link #users} before it reads
 * {@link #closed}; the releaser sets {@link #closed} before it reads {@link #users}. Both are volatile, so
 * either the caller sees the object closed, or the releaser sees the caller and waits for it.
 */
final class NativeGuard {
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Enters a call.
     *
     * @return {@code false} if the object is closed (nothing entered); else pair with {@link #exit()}
     */
    boolean tryEnter() {
        users.incrementAndGet();
        if (closed) {
            users.decrementAndGet();
            return false;
        }
        return true;
    }

    void exit() {
        users.decrementAndGet();
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Opens the guard again after {@link #closeAndDrain()}, when the release it drained for failed and the
     * object stays in use (a column family whose drop RocksDB refused). Only the thread that closed it may
     * call this, before anything was freed.
     */
    void reopen() {
        synchronized (this) {
            closed = false;
        }
    }

    /**
     * Marks the object closed and waits until no call is in progress. Must not be called by a thread that
     * is itself inside a call on this guard.
     *
     * @return {@code false} if it was already closed, so another thread releases it
     */
    boolean closeAndDrain() {
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
        }
        int spins = 0;
        boolean interrupted = false;
        while (users.get() != 0) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    // Freeing the object under a running native call would crash the JVM: keep waiting.
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
