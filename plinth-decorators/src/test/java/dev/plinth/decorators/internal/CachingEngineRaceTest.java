package dev.plinth.decorators.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.Store;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The race that a write's "is it cached?" question would lose without {@link CachingEngine}'s count of
 * inserts: a miss passes its check just before a write opens its window, and its entry is not yet in the map
 * when the write looks. The write must then remove the key (waiting for the insert) instead of skipping it.
 * The miss is held inside its insert by the test hook while the write runs.
 */
class CachingEngineRaceTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aPutNeverLeavesTheValueOfAnInsertInFlight() throws Exception {
        assertThat(afterRacingWrite(ks -> ks.put(b("k"), b("new")))).isEqualTo("new");
    }

    @Test
    void aRangeDeleteNeverLeavesTheValueOfAnInsertInFlight() throws Exception {
        assertThat(afterRacingWrite(ks -> ks.deleteRange(Range.of(b("a"), b("z"))))).isNull();
    }

    /** Holds a miss of "k" inside its insert, runs the write on another thread, and reads "k" after both. */
    private static String afterRacingWrite(Consumer<Keyspace> write) throws Exception {
        AtomicReference<CachingEngine> cache = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Store store = Plinth.builder("mem:").decorate(e -> {
            cache.set(new CachingEngine(e, 1 << 20));
            return cache.get();
        }).open()) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("k"), b("old"));
            CountDownLatch checked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            cache.get().insertHook = () -> {
                checked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            Future<byte[]> read = pool.submit(() -> ks.get(b("k")));
            assertThat(checked.await(30, TimeUnit.SECONDS)).isTrue();
            cache.get().insertHook = null;
            Future<?> writer = pool.submit(() -> write.accept(ks));
            // A correct write cannot finish while the insert is held; a write that skipped the key would,
            // and is given a moment to. No assertion depends on how long anything took.
            try {
                writer.get(200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException stillWaiting) {
                // expected: the write waits for the held insert
            }
            release.countDown();
            writer.get(30, TimeUnit.SECONDS);
            assertThat(s(read.get(30, TimeUnit.SECONDS))).isEqualTo("old");
            return s(ks.get(b("k")));
        } finally {
            pool.shutdownNow();
        }
    }
}
