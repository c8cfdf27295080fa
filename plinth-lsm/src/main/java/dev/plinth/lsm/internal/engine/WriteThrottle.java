package dev.plinth.lsm.internal.engine;

import dev.plinth.StoreClosedException;
import dev.plinth.spi.FailureLatch;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Holds writers back when compaction falls behind, instead of letting level 0 (and with it every read) grow
 * without bound: at {@link CompactionOptions#l0SlowdownTrigger()} level-0 tables each write first sleeps
 * {@link CompactionOptions#SLOWDOWN_MILLIS}; at {@link CompactionOptions#l0StopTrigger()} tables, or once
 * {@link LevelSet#pendingCompactionBytes} reaches {@link CompactionOptions#pendingCompactionLimit()}, writers
 * wait until a compaction brings it below. A waiting writer never waits forever: it fails with the engine's
 * failure once the latch is tripped (a failed compaction), and with a {@link StoreClosedException} once the
 * engine closes. Writers are held before they take any engine lock. Thread-safe: its lock is a leaf.
 */
final class WriteThrottle {
    /** How long a waiting writer sleeps before it looks again even if nothing signalled it. */
    private static final long RECHECK_MILLIS = 50;

    private final String uri;
    private final CompactionOptions options;
    private final FailureLatch latch;
    private final Supplier<LevelSet> levels;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the levels changed, the engine failed or it is closing. */
    private final Condition changed = lock.newCondition();
    private volatile boolean closing;
    private final AtomicLong slowdowns = new AtomicLong();
    private final AtomicLong stops = new AtomicLong();
    /** Nanoseconds writers spent held: sleeping at the slowdown trigger, waiting at the stop trigger. */
    private final AtomicLong slowdownNanos = new AtomicLong();
    private final AtomicLong stopNanos = new AtomicLong();
    private final AtomicInteger waiting = new AtomicInteger();

    WriteThrottle(String uri, CompactionOptions options, FailureLatch latch, Supplier<LevelSet> levels) {
        this.uri = uri;
        this.options = options;
        this.latch = latch;
        this.levels = levels;
    }

    private boolean mustStop(LevelSet s) {
        return s.level(0).size() >= options.l0StopTrigger()
                || s.pendingCompactionBytes(options) >= options.pendingCompactionLimit();
    }

    /**
     * Lets a write go ahead, after a short sleep or a wait for compaction if it is behind.
     *
     * @param operation the operation, for messages
     * @throws StoreClosedException if the engine closed while the write waited
     * @throws dev.plinth.PlinthException the engine's failure, if it failed while the write waited
     */
    void admit(String operation) {
        LevelSet s = levels.get();
        if (mustStop(s)) {
            stops.incrementAndGet();
            waiting.incrementAndGet();
            long since = System.nanoTime();
            lock.lock();
            try {
                while (mustStop(levels.get())) {
                    if (closing) {
                        throw new StoreClosedException(operation + " on " + uri + ": the lsm store was closed while"
                                + " the write waited for compaction to catch up; nothing was applied");
                    }
                    latch.check(operation);
                    changed.await(RECHECK_MILLIS, TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.plinth.StorageIOException(operation + " on " + uri + " was interrupted while it waited for"
                        + " compaction to catch up; nothing was applied", e);
            } finally {
                lock.unlock();
                waiting.decrementAndGet();
                stopNanos.addAndGet(System.nanoTime() - since);
            }
            s = levels.get();
        }
        if (s.level(0).size() >= options.l0SlowdownTrigger()) {
            slowdowns.incrementAndGet();
            long since = System.nanoTime();
            try {
                Thread.sleep(CompactionOptions.SLOWDOWN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                slowdownNanos.addAndGet(System.nanoTime() - since);
            }
        }
    }

    /** Wakes waiting writers to look again: the levels changed, or the engine failed. */
    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Releases every waiting writer with a {@link StoreClosedException}, and every later one. Idempotent. */
    void close() {
        closing = true;
        signal();
    }

    /** Writers waiting now; for tests. */
    int waiting() {
        return waiting.get();
    }

    /**
     * Adds the counters since open: {@code lsm.writeSlowdowns} (writes delayed) and {@code lsm.writeStops}
     * (writes that waited for compaction), and the time writers spent held by each,
     * {@code lsm.writeSlowdownMillis} and {@code lsm.writeStopMillis} (summed over writers).
     */
    void report(Map<String, Long> stats) {
        stats.put("lsm.writeSlowdowns", slowdowns.get());
        stats.put("lsm.writeStops", stops.get());
        stats.put("lsm.writeSlowdownMillis", slowdownNanos.get() / 1_000_000);
        stats.put("lsm.writeStopMillis", stopNanos.get() / 1_000_000);
    }
}
