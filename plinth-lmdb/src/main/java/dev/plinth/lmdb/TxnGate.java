package dev.plinth.lmdb;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the LMDB transactions (and other calls that touch the memory map) open in this process, so that
 * the map can be enlarged only when none is: {@code mdb_env_set_mapsize} remaps the file, and a
 * transaction open across it would read unmapped memory. Thread-safe.
 *
 * <p>Every native call that reads the map holds a permit: a <em>short</em> one ({@link #enter()} and
 * {@link #exit()} on one thread, for point reads, write transactions and environment queries) or a
 * <em>long</em> one ({@link #enterLong()}, released through {@link Permit#release()} from any thread, for
 * snapshots and cursors). {@link #runExclusive} runs an action once no permit is held, waiting a bounded
 * time; while it waits, new permits wait too (so a stream of short reads cannot starve it), except for
 * threads that themselves hold a long permit: they could never release it while blocked here.
 *
 * <p>Lock: {@link #lock} guards every field below it; it is the innermost lock of the engine, and the
 * actions run under it take no other lock.
 */
final class TxnGate {
    /** A long permit: one snapshot's or cursor's read transaction. Released once, from any thread. */
    final class Permit {
        private final Thread opener = Thread.currentThread();
        private boolean released;

        /** Releases the permit; idempotent. */
        void release() {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                longByOpener.computeIfPresent(opener, (t, n) -> n == 1 ? null : n - 1);
                exitLocked();
            } finally {
                lock.unlock();
            }
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Runs under the lock whenever the count drops to zero; may resize the map. */
    private final Runnable onIdle;

    // Guarded by lock.
    /** Permits held, short and long. */
    private int active;
    /** Long permits held, by the thread that took them. */
    private final Map<Thread, Integer> longByOpener = new HashMap<>();
    /** An exclusive action is waiting for {@link #active} to reach zero. */
    private boolean exclusivePending;

    /**
     * Makes a gate.
     *
     * @param onIdle run under the gate's lock each time the last permit is released; must take no lock
     */
    TxnGate(Runnable onIdle) {
        this.onIdle = onIdle;
    }

    /** Takes a short permit; pair with {@link #exit()} on the same thread, in a finally block. */
    void enter() {
        lock.lock();
        try {
            awaitNoExclusiveLocked();
            active++;
        } finally {
            lock.unlock();
        }
    }

    /** Releases a short permit. */
    void exit() {
        lock.lock();
        try {
            exitLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a long permit.
     *
     * @return the permit, which its holder releases once, from any thread
     */
    Permit enterLong() {
        lock.lock();
        try {
            awaitNoExclusiveLocked();
            Permit p = new Permit();
            longByOpener.merge(p.opener, 1, Integer::sum);
            active++;
            return p;
        } finally {
            lock.unlock();
        }
    }

    /** How {@link #runExclusive} ended. */
    enum Outcome {
        /** The action ran. */
        RAN,
        /** Permits were still held at the deadline. */
        TIMED_OUT,
        /**
         * Every permit still held is a long permit of the calling thread, which cannot release it while it
         * waits here: waiting would only run out the clock.
         */
        HELD_BY_CALLER
    }

    /**
     * Runs an action once no permit is held, waiting at most {@code timeoutMillis}. The action runs under
     * the gate's lock, so no permit can be taken while it runs.
     *
     * @param timeoutMillis the longest wait
     * @param action what to run
     * @return whether it ran, or why not
     */
    Outcome runExclusive(long timeoutMillis, Runnable action) {
        boolean interrupted = false;
        lock.lock();
        try {
            exclusivePending = true;
            long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (active > 0) {
                if (active == longByOpener.getOrDefault(Thread.currentThread(), 0)) {
                    return Outcome.HELD_BY_CALLER;
                }
                if (remaining <= 0) {
                    return Outcome.TIMED_OUT;
                }
                try {
                    remaining = changed.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            action.run();
            return Outcome.RAN;
        } finally {
            exclusivePending = false;
            changed.signalAll();
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs an action now if no permit is held.
     *
     * @param action what to run, under the gate's lock
     * @return {@code true} if it ran
     */
    boolean tryRunExclusive(Runnable action) {
        lock.lock();
        try {
            if (active > 0) {
                return false;
            }
            action.run();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Permits held now, for stats.
     *
     * @return the count
     */
    int active() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    private void awaitNoExclusiveLocked() {
        // A thread holding a long permit must not wait: the exclusive action waits for that permit.
        while (exclusivePending && !longByOpener.containsKey(Thread.currentThread())) {
            changed.awaitUninterruptibly();
        }
    }

    private void exitLocked() {
        active--;
        assert active >= 0 : "more permits released than taken";
        if (active == 0) {
            changed.signalAll();
            if (!exclusivePending) {
                onIdle.run();
            }
        }
    }
}
