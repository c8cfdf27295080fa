package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.FailureLatch;
import dev.plinth.testkit.io.MemVfs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The slowdown and stop triggers, with the background compaction held back (or failed) on purpose by its
 * test hook: writes are delayed from {@code l0SlowdownTrigger} level-0 tables on; from {@code l0StopTrigger}
 * a writer waits, and goes on once compaction runs, fails with the engine's failure if compaction fails, and
 * fails with a {@link StoreClosedException} if the store closes. No timing is asserted: the tests wait for
 * the writer to be waiting, however long that takes.
 */
@Timeout(120)
class LsmWriteThrottleTest {
    /** Compaction at 2 level-0 tables, slowdown at 3, stop at 5. */
    private static final LsmOptions OPTIONS = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE, 1 << 20, true,
            new CompactionOptions(2, 3, 5, 64 * 1024, 10, 4 * 1024, 1L << 30));
    private static final byte[] FILLER = "x".repeat(300).getBytes(StandardCharsets.UTF_8);

    private static void put(LsmEngine e, int i) {
        EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
        e.apply(EngineBatch.builder(Durability.NONE).put(ks, String.format("k%05d", i).getBytes(StandardCharsets.UTF_8),
                FILLER).build());
    }

    /** Writes on a thread of its own until a write fails or {@code count} are done. */
    private static Thread writer(LsmEngine e, int count, AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    put(e, i);
                }
            } catch (Throwable x) {
                failure.set(x);
            }
        }, "throttled writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until a writer waits for compaction (no time limit but the test's). */
    private static void awaitWaitingWriter(LsmEngine e) throws InterruptedException {
        while (e.throttle().waiting() == 0) {
            Thread.sleep(1);
        }
    }

    /** A hook that blocks the background compaction until {@code go} opens, then runs {@code then}. */
    private static Runnable holdUntil(CountDownLatch go, Runnable then) {
        return () -> {
            try {
                go.await();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
            then.run();
        };
    }

    @Test
    void writesSlowDownThenWaitWhileCompactionIsHeldBackAndGoOnOnceItRuns() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (LsmEngine e = LsmEngine.open("lsm-throttle", new MemVfs(1), OPTIONS, true)) {
            e.compactor().beforeBackgroundCompaction = holdUntil(go, () -> { });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread w = writer(e, 2000, failure);
            awaitWaitingWriter(e);
            assertThat(e.stats()).as("level 0 reached the stop trigger, and writes were slowed on the way")
                    .hasEntrySatisfying("lsm.level0.tables", n -> assertThat(n).isGreaterThanOrEqualTo(5))
                    .hasEntrySatisfying("lsm.writeSlowdowns", n -> assertThat(n).isPositive())
                    .hasEntrySatisfying("lsm.writeStops", n -> assertThat(n).isPositive());
            assertThat(w.isAlive()).isTrue();
            go.countDown();
            w.join();
            assertThat(failure.get()).isNull();
            Map<String, Long> held = e.stats();
            assertThat(held.get("lsm.writeSlowdownMillis")).as("each slowdown sleeps a millisecond")
                    .isGreaterThanOrEqualTo(held.get("lsm.writeSlowdowns"));
            assertThat(held.get("lsm.writeStopMillis")).as("the writer waited while compaction was held").isPositive();
            assertThat(e.stats().get("lsm.compactions")).isPositive();
            assertThat(e.get(e.keyspace(Store.DEFAULT_KEYSPACE), "k01999".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(FILLER);
        }
    }

    @Test
    void aWriterWaitingForACompactionThatFailsFailsWithTheEnginesFailure() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (LsmEngine e = LsmEngine.open("lsm-throttle", new MemVfs(2), OPTIONS, true)) {
            e.compactor().beforeBackgroundCompaction = holdUntil(go, () -> {
                throw new StorageIOException("compaction failed on purpose");
            });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread w = writer(e, 2000, failure);
            awaitWaitingWriter(e);
            go.countDown();
            w.join();
            assertThat(failure.get()).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("lsm-throttle").hasMessageContaining("compaction failed on purpose");
        }
    }

    @Test
    void closingTheStoreReleasesAWaitingWriterWithAClearException() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        LsmEngine e = LsmEngine.open("lsm-throttle", new MemVfs(3), OPTIONS, true);
        e.compactor().beforeBackgroundCompaction = holdUntil(go, () -> { });
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread w = writer(e, 2000, failure);
        awaitWaitingWriter(e);
        Thread closer = new Thread(e::close, "closer");
        closer.start();
        w.join(); // released by the close, while the compaction is still held
        assertThat(failure.get()).isInstanceOf(StoreClosedException.class).hasMessageContaining("lsm-throttle")
                .hasMessageContaining("closed while the write waited for compaction");
        go.countDown();
        closer.join();
    }

    /** Triggers and limit out of reach: the engine itself never slows, stops or compacts. */
    private static final LsmOptions NO_TRIGGERS = OPTIONS.withCompaction(new CompactionOptions(100, 100, 100,
            64 * 1024, 10, 4 * 1024, 1L << 30));

    /** The levels of an engine opened with {@link #NO_TRIGGERS} after one put was flushed: one level-0 table. */
    private static LevelSet afterOneFlush(LsmEngine e) {
        put(e, 1);
        e.seal();
        e.backgroundFlush();
        LevelSet one = e.levels();
        assertThat(one.level(0)).hasSize(1);
        return one;
    }

    /** Level 0 of {@code base} with its first table added again until it holds {@code n} tables. */
    private static LevelSet level0Of(LevelSet base, int n) {
        List<LevelSet.LeveledTable> l0 = new ArrayList<>(base.level(0));
        LevelSet s = base.replace(base.tables(), 0, List.of());
        for (int i = 0; i < n; i++) {
            s = s.withFlushed(l0.get(i % l0.size()));
        }
        return s;
    }

    @Test
    void aBacklogOfLevelZeroTablesFoundAtOpenHoldsNoWriterBackButWhatWritersAddOnTopOfItDoes() throws Exception {
        try (LsmEngine e = LsmEngine.open("lsm-backlog", new MemVfs(4), NO_TRIGGERS, true)) {
            LevelSet one = afterOneFlush(e);
            AtomicReference<LevelSet> current = new AtomicReference<>(level0Of(one, 8));
            WriteThrottle throttle = new WriteThrottle("lsm-backlog", OPTIONS.compaction(), new FailureLatch("lsm-backlog"),
                    current::get);
            throttle.allowBacklog(current.get()); // 8 level-0 tables at open: past the stop trigger of 5
            Map<String, Long> stats = new HashMap<>();

            throttle.admit("apply");
            throttle.report(stats);
            assertThat(stats).as("the backlog found at open neither slows nor stops a write")
                    .containsEntry("lsm.writeSlowdowns", 0L).containsEntry("lsm.writeStops", 0L);

            current.set(level0Of(one, 11)); // writers added 3 tables on top of it: the slowdown trigger
            throttle.admit("apply");
            throttle.report(stats);
            assertThat(stats).containsEntry("lsm.writeSlowdowns", 1L).containsEntry("lsm.writeStops", 0L);

            current.set(level0Of(one, 13)); // 5 on top of it: the stop trigger
            // a compaction took level 0, 2 tables were flushed meanwhile
            admitHeldUntil(throttle, () -> current.set(level0Of(one, 2)));
            assertThat(throttle.level0Allowance()).as("the allowance shrinks to the smallest level 0 seen").isEqualTo(2);

            current.set(level0Of(one, 5)); // 3 on top of what is left: slowed again, as configured from here on
            throttle.admit("apply");
            throttle.report(stats);
            assertThat(stats).containsEntry("lsm.writeSlowdowns", 2L).containsEntry("lsm.writeStops", 1L);
            current.set(level0Of(one, 0));
            throttle.admit("apply");
            assertThat(throttle.level0Allowance()).isZero();
            current.set(level0Of(one, 3)); // the backlog is gone: the configured triggers hold as they are
            throttle.admit("apply");
            throttle.report(stats);
            assertThat(stats).containsEntry("lsm.writeSlowdowns", 3L);
        }
    }

    @Test
    void aStoreOpenedWithMoreLevelZeroTablesThanTheStopTriggerTakesWritesAtOnce() throws Exception {
        MemVfs vfs = new MemVfs(5);
        try (LsmEngine e = LsmEngine.open("lsm-backlog", vfs, NO_TRIGGERS, true)) {
            for (int t = 0; t < 8; t++) {
                for (int i = 0; i < 5; i++) {
                    put(e, t * 5 + i);
                }
                e.seal();
                e.backgroundFlush();
            }
            assertThat(e.levels().level(0)).hasSize(8);
        }
        try (LsmEngine e = LsmEngine.open("lsm-backlog", vfs, OPTIONS, false)) {
            put(e, 1000);
            assertThat(e.stats()).containsEntry("lsm.writeStops", 0L);
            e.compact();
            assertThat(e.levels().level(0)).isEmpty();
            for (int i = 0; i < 40; i++) {
                assertThat(e.get(e.keyspace(Store.DEFAULT_KEYSPACE), String.format("k%05d", i)
                        .getBytes(StandardCharsets.UTF_8))).isEqualTo(FILLER);
            }
        }
    }

    /** Holds {@code admit} on a thread of its own until it waits, then lets {@code release} free it; fails on a failure. */
    private static void admitHeldUntil(WriteThrottle throttle, Runnable release) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread w = new Thread(() -> {
            try {
                throttle.admit("apply");
            } catch (Throwable x) {
                failure.set(x);
            }
        }, "held writer");
        w.start();
        while (throttle.waiting() == 0) {
            Thread.sleep(1);
        }
        release.run();
        throttle.signal();
        w.join();
        assertThat(failure.get()).isNull();
    }

    @Test
    void aBacklogOfPendingCompactionBytesFoundAtOpenHoldsNoWriterBackButWhatWritersAddOnTopOfItDoes() throws Exception {
        try (LsmEngine e = LsmEngine.open("lsm-backlog", new MemVfs(6), NO_TRIGGERS, true)) {
            LevelSet one = afterOneFlush(e);
            long table = one.level(0).get(0).table().size();
            // Level 0 counts as pending from its first table; the limit is three tables' bytes (at least 1 KiB),
            // and the level-0 triggers are out of reach, so only the bytes can slow or stop a write.
            int limitTables = (int) Math.max(3, (CompactionOptions.MIN_SIZE + table - 1) / table);
            CompactionOptions bytesOnly = new CompactionOptions(1, 1000, 1000, 1L << 40, 10, 4 * 1024,
                    limitTables * table);
            AtomicReference<LevelSet> current = new AtomicReference<>(level0Of(one, 2 * limitTables));
            WriteThrottle throttle = new WriteThrottle("lsm-backlog", bytesOnly, new FailureLatch("lsm-backlog"),
                    current::get);
            throttle.allowBacklog(current.get()); // twice the limit pending at open
            assertThat(throttle.pendingAllowance()).isEqualTo(2 * limitTables * table);
            Map<String, Long> stats = new HashMap<>();

            throttle.admit("apply");
            current.set(level0Of(one, 3 * limitTables - 1)); // writers added one table less than the limit
            throttle.admit("apply");
            throttle.report(stats);
            assertThat(stats).as("the backlog found at open does not stop a write").containsEntry("lsm.writeStops", 0L);

            current.set(level0Of(one, 3 * limitTables)); // the limit on top of the backlog: the writer waits
            admitHeldUntil(throttle, () -> current.set(level0Of(one, 1))); // a compaction took most of level 0
            throttle.report(stats);
            assertThat(stats).containsEntry("lsm.writeStops", 1L).containsEntry("lsm.writeSlowdowns", 0L);
            assertThat(throttle.pendingAllowance()).as("the allowance shrinks to the fewest bytes seen")
                    .isEqualTo(table);

            current.set(level0Of(one, 0));
            throttle.admit("apply");
            assertThat(throttle.pendingAllowance()).isZero();
            current.set(level0Of(one, limitTables)); // the backlog is gone: the configured limit holds as it is
            admitHeldUntil(throttle, () -> current.set(level0Of(one, 0)));
            throttle.report(stats);
            assertThat(stats).containsEntry("lsm.writeStops", 2L);
        }
    }

    @Test
    void writersWaitOnceCompactionIsBehindByPendingCompactionLimitBytes() throws Exception {
        // Level-0 triggers out of reach: only the 1 KiB limit on pending compaction bytes can stop the writer.
        LsmOptions tinyLimit = OPTIONS.withCompaction(new CompactionOptions(2, 1000, 1000, 64 * 1024, 10, 4 * 1024,
                CompactionOptions.MIN_SIZE));
        CountDownLatch go = new CountDownLatch(1);
        try (LsmEngine e = LsmEngine.open("lsm-pending", new MemVfs(7), tinyLimit, true)) {
            e.compactor().beforeBackgroundCompaction = holdUntil(go, () -> { });
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread w = writer(e, 2000, failure);
            awaitWaitingWriter(e);
            assertThat(e.stats()).as("stopped by the bytes, far below the level-0 stop trigger")
                    .hasEntrySatisfying("lsm.level0.tables", n -> assertThat(n).isBetween(2L, 999L))
                    .containsEntry("lsm.writeSlowdowns", 0L)
                    .hasEntrySatisfying("lsm.writeStops", n -> assertThat(n).isPositive());
            assertThat(w.isAlive()).isTrue();
            go.countDown();
            w.join();
            assertThat(failure.get()).isNull();
            assertThat(e.get(e.keyspace(Store.DEFAULT_KEYSPACE), "k01999".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(FILLER);
        }
    }
}
