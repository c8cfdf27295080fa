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
 * engine closes. Writers are held before they take any engine lock.
 *
 * <p>A backlog the store already had when it was opened (a store written before leveled compaction, whose
 * every table is in level 0, or one opened with lower triggers than it was written with) was not made by
 * the writers now running, and holding them back would not make compaction go faster: it would only hold
 * every write of the open until compaction had worked the whole backlog off. So the triggers count only
 * what writers add on top of it: a level-0 allowance starts at the level-0 table count found at open (when
 * that reached the slowdown trigger) and a byte allowance at the pending compaction bytes found at open
 * (when those reached the limit). Each allowance only ever shrinks, to the lowest count or byte total seen
 * since, so that as compaction works the backlog off, the triggers come back to their configured values,
 * and writers can never add more than the configured room on top of what is left of it. Thread-safe: its
 * lock is a leaf; the allowances are atomics.
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
    /** Level-0 tables of the backlog found at open not counted against the triggers; only ever shrinks. */
    private final AtomicInteger l0Allowance = new AtomicInteger();
    /** Pending compaction bytes of the backlog found at open not counted against the limit; only shrinks. */
    private final AtomicLong pendingAllowance = new AtomicLong();

    WriteThrottle(String uri, CompactionOptions options, FailureLatch latch, Supplier<LevelSet> levels) {
        this.uri = uri;
        this.options = options;
        this.latch = latch;
        this.levels = levels;
    }

    /**
     * Takes the backlog of the levels found at open as allowances (see the class comment). Called once, before
     * the first write.
     *
     * @param atOpen the levels the store was opened with
     */
    void allowBacklog(LevelSet atOpen) {
        int l0 = atOpen.level(0).size();
        if (l0 >= options.l0SlowdownTrigger()) {
            l0Allowance.set(l0);
        }
        long pending = atOpen.pendingCompactionBytes(options);
        if (pending >= options.pendingCompactionLimit()) {
            pendingAllowance.set(pending);
        }
    }

    /** Level-0 tables counted against the triggers: those beyond what is left of the backlog found at open. */
    private int level0Tables(LevelSet s) {
        int n = s.level(0).size();
        if (l0Allowance.get() == 0) {
            return n;
        }
        return n - l0Allowance.accumulateAndGet(n, Math::min);
    }

    /** Pending compaction bytes counted against the limit: those beyond what is left of the backlog at open. */
    private long pendingBytes(LevelSet s) {
        long pending = s.pendingCompactionBytes(options);
        if (pendingAllowance.get() == 0) {
            return pending;
        }
        return pending - pendingAllowance.accumulateAndGet(pending, Math::min);
    }

    private boolean mustStop(LevelSet s) {
        return level0Tables(s) >= options.l0StopTrigger() || pendingBytes(s) >= options.pendingCompactionLimit();
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
        if (level0Tables(s) >= options.l0SlowdownTrigger()) {
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

    /** What is left of the level-0 allowance for the backlog found at open; for tests. */
    int level0Allowance() {
        return l0Allowance.get();
    }

    /** What is left of the pending-bytes allowance for the backlog found at open; for tests. */
    long pendingAllowance() {
        return pendingAllowance.get();
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
