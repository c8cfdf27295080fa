package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.testkit.io.MemVfs;
import java.nio.charset.StandardCharsets;
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
}
