package dev.plinth.lmdb;

import dev.plinth.StoreClosedException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the LMDB transactions (and other calls that touch the memory map) open in this process, so that
 * the map is resized only when none is: {@code mdb_env_set_mapsize} remaps the file, and a transaction
 * open across it would read unmapped memory. Thread-safe.
 *
 * <p>Every native call that reads the map holds a permit: a <em>short</em> one ({@link #enter()} and
 * {@link #exit()} on one thread, around point reads, write transactions and environment queries) or a
 * <em>long</em> one ({@link #enterLong()}, released through {@link Permit#release()} from any thread, for
 * snapshots and cursors). {@link #runExclusive} runs an action once no permit is held, waiting a bounded
 * time. While it waits, new permits wait too, so a stream of short reads cannot starve it; except that a
 * thread already holding a long permit is let through, since the exclusive action is waiting for that
 * very permit and the thread could not release it while blocked here.
 *
 * <p>Closing the environment uses it too: {@link #shut()} refuses every later permit, and
 * {@link #runWhenDrained} closes the environment once the permits already held are released. So a call
 * that is still inside LMDB when another thread closes the engine (possible through the SPI, where no
 * store drains calls first) finishes before the environment goes, and a later one fails with
 * {@link StoreClosedException} instead of touching a closed environment.
 *
 * <p>Lock: {@link #lock} guards every field below it. It is the innermost lock of the engine: the actions
 * run under it take no other lock.
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
                longCount--;
                exitLocked();
            } finally {
                lock.unlock();
            }
        }
    }

    /** How {@link #runExclusive} ended. */
    enum Outcome {
        /** The action ran. */
        RAN,
        /** Permits were still held at the deadline. */
        TIMED_OUT,
        /**
         * The calling thread holds a long permit itself, which it cannot release while it waits here:
         * waiting could only run out the clock.
         */
        HELD_BY_CALLER,
        /** A long permit was open and the caller asked not to wait for those. */
        LONG_PERMITS_OPEN,
        /** The gate was {@link #shut()}: the environment is closing, and nothing may change it. */
        SHUT
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** The store's URI, for the message of a refused permit. */
    private final String uri;
    /** Runs under the lock whenever the count drops to zero and no exclusive action waits. */
    private final Runnable onIdle;

    // Guarded by lock.
    /** Permits held, short and long. */
    private int active;
    /** Long permits held. */
    private int longCount;
    /** Long permits held, by the thread that took them. */
    private final Map<Thread, Integer> longByOpener = new HashMap<>();
    /** Exclusive actions waiting for {@link #active} to reach zero. */
    private int exclusiveWaiters;
    /** Set by {@link #shut()}: no permit is granted and no exclusive action runs any more. */
    private boolean shut;
    /** Whether {@link #runWhenDrained} is waiting for permits; for tests. */
    private boolean draining;

    /**
     * Makes a gate.
     *
     * @param uri the store's URI, for messages
     * @param onIdle run under the gate's lock each time the last permit is released; must take no lock
     *     and throw nothing
     */
    TxnGate(String uri, Runnable onIdle) {
        this.uri = uri;
        this.onIdle = onIdle;
    }

    /**
     * Takes a short permit; pair with {@link #exit()} on the same thread, in a finally block.
     *
     * @throws StoreClosedException if the gate is shut
     */
    void enter() {
        lock.lock();
        try {
            awaitNoExclusiveLocked();
            requireNotShutLocked();
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
     * @throws StoreClosedException if the gate is shut
     */
    Permit enterLong() {
        lock.lock();
        try {
            awaitNoExclusiveLocked();
            requireNotShutLocked();
            Permit p = new Permit();
            longByOpener.merge(p.opener, 1, Integer::sum);
            longCount++;
            active++;
            return p;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How {@link #runExclusive} ended, and who held permits if the action did not run.
     *
     * @param outcome how it ended
     * @param holders the permits still held, for messages; empty if it ran
     */
    record Result(Outcome outcome, String holders) {
        boolean ran() {
            return outcome == Outcome.RAN;
        }
    }

    /**
     * Runs an action once no permit is held, waiting at most {@code timeoutMillis}. The action runs under
     * the gate's lock, so no permit can be taken while it runs. The caller must hold no short permit. Once
     * the gate is shut the action does not run.
     *
     * @param timeoutMillis the longest wait
     * @param shortOnly give up as soon as a long permit is open, waiting only for short permits to drain
     * @param action what to run
     * @return whether it ran, or why not
     */
    Result runExclusive(long timeoutMillis, boolean shortOnly, Runnable action) {
        boolean interrupted = false;
        lock.lock();
        try {
            if (longByOpener.containsKey(Thread.currentThread())) {
                return new Result(Outcome.HELD_BY_CALLER, holdersLocked());
            }
            exclusiveWaiters++;
            try {
                long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
                while (active > 0 || shut) {
                    if (shut) {
                        return new Result(Outcome.SHUT, holdersLocked());
                    }
                    if (shortOnly && longCount > 0) {
                        return new Result(Outcome.LONG_PERMITS_OPEN, holdersLocked());
                    }
                    if (remaining <= 0) {
                        return new Result(Outcome.TIMED_OUT, holdersLocked());
                    }
                    try {
                        remaining = changed.awaitNanos(remaining);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                action.run();
                return new Result(Outcome.RAN, "");
            } finally {
                exclusiveWaiters--;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs an action now if no permit is held and the gate is not shut.
     *
     * @param action what to run, under the gate's lock
     * @return {@code true} if it ran
     */
    boolean tryRunExclusive(Runnable action) {
        lock.lock();
        try {
            if (active > 0 || shut) {
                return false;
            }
            action.run();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses every later permit and exclusive action, for close; permits already held stay valid until
     * released. Idempotent.
     */
    void shut() {
        lock.lock();
        try {
            shut = true;
            changed.signalAll(); // waiting exclusive actions give up, and waiting permits fail
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every permit is released, however long that takes, then runs an action under the
     * gate's lock; for closing the environment, after {@link #shut()}. Short permits end by themselves; the
     * caller must first release the long ones that would not (snapshots and cursors left open).
     *
     * @param action what to run once nothing uses the environment; its exception is thrown from here
     * @throws IllegalStateException if the gate is not shut
     */
    void runWhenDrained(Runnable action) {
        boolean interrupted = false;
        lock.lock();
        try {
            if (!shut) {
                throw new IllegalStateException("the gate of " + uri + " must be shut before it is drained");
            }
            draining = true;
            while (active > 0) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    // The environment cannot be closed under a call still using it; wait on regardless.
                    interrupted = true;
                }
            }
            draining = false;
            action.run();
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether {@link #runWhenDrained} is waiting for permits to be released; a test hook.
     *
     * @return {@code true} while it waits
     */
    boolean draining() {
        lock.lock();
        try {
            return draining;
        } finally {
            lock.unlock();
        }
    }

    private void requireNotShutLocked() {
        if (shut) {
            throw new StoreClosedException("the lmdb store " + uri + " is closed");
        }
    }

    /** Who holds permits: the long ones by the thread that opened them, and the count of short ones. */
    private String holdersLocked() {
        StringBuilder sb = new StringBuilder();
        sb.append(longCount).append(" snapshot(s) or cursor(s)");
        if (!longByOpener.isEmpty()) {
            sb.append(" opened by ");
            String sep = "";
            for (Map.Entry<Thread, Integer> e : longByOpener.entrySet()) {
                sb.append(sep).append("thread '").append(e.getKey().getName()).append("' (").append(e.getValue()).append(')');
                sep = ", ";
            }
        }
        sb.append(", and ").append(active - longCount).append(" read(s) or write(s) in progress");
        return sb.toString();
    }

    private void awaitNoExclusiveLocked() {
        // A thread holding a long permit must not wait: the exclusive action waits for that permit.
        while (exclusiveWaiters > 0 && !shut && !longByOpener.containsKey(Thread.currentThread())) {
            changed.awaitUninterruptibly();
        }
    }

    private void exitLocked() {
        active--;
        assert active >= 0 : "more permits released than taken";
        if (active == 0) {
            changed.signalAll();
            if (exclusiveWaiters == 0 && !shut) {
                onIdle.run();
            }
        }
    }
}
