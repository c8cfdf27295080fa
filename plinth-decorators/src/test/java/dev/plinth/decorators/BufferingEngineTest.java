package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Held writes are visible to reads, cursors and checks, and reach the engine at each threshold. */
class BufferingEngineTest {
    /** Records the size of every batch that reaches the engine. */
    static class Recording extends ForwardingEngine {
        final List<Integer> sizes = new ArrayList<>();

        Recording(Engine delegate) {
            super(delegate);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            synchronized (sizes) {
                sizes.add(batch.mutations().size());
            }
            return super.apply(batch);
        }
    }

    private final AtomicLong nanos = new AtomicLong();
    private final Recording[] engine = new Recording[1];
    private final List<Store> stores = new ArrayList<>();

    private Keyspace open(int maxOps) {
        Store s = Plinth.builder("mem:").decorate(e -> engine[0] = new Recording(e))
                .decorate(EngineDecorators.builder().writeBuffer(maxOps, 1 << 20, Duration.ofSeconds(1), nanos::get)
                        .build())
                .open();
        stores.add(s);
        return s.defaultKeyspace();
    }

    @AfterEach
    void close() {
        stores.forEach(Store::close);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> new String(kv.key(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void heldWritesAreVisibleToPointReadsBeforeTheyReachTheEngine() {
        Keyspace ks = open(100);
        ks.put(b("a"), b("1"));
        ks.put(b("b"), b("2"));
        ks.delete(b("a"));
        assertThat(engine[0].sizes).isEmpty();
        assertThat(ks.get(b("a"))).isNull();
        assertThat(ks.get(b("b"))).isEqualTo(b("2"));
        ks.deleteRange(Range.of(b("a"), b("c")));
        ks.put(b("bb"), b("3")); // after the range delete: visible
        assertThat(ks.get(b("b"))).isNull();
        assertThat(ks.get(b("bb"))).isEqualTo(b("3"));
        assertThat(engine[0].sizes).isEmpty();
        assertThat(ks.store().stats().counter("buffer.heldOps")).isEqualTo(5);
    }

    /** The peer's bug: buffered writes invisible to range reads. */
    @Test
    void cursorsInBothDirectionsSeeHeldWrites() {
        Keyspace ks = open(100);
        ks.put(b("x"), b("engine"));
        ks.store().flush();
        ks.put(b("a"), b("1"));
        ks.put(b("m"), b("2"));
        ks.delete(b("x"));
        assertThat(keys(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("a", "m");
        ks.put(b("z"), b("3"));
        assertThat(keys(ks.scan(Range.all(), ScanOptions.reverse()))).containsExactly("z", "m", "a");
    }

    @Test
    void heldBatchesReachTheEngineAsOneBatchAtTheCountThreshold() {
        Keyspace ks = open(5);
        ks.put(b("a"), b("1"));
        ks.store().write(new WriteBatch().put(ks, b("b"), b("2")).put(ks, b("c"), b("3")));
        ks.put(b("d"), b("4"));
        assertThat(engine[0].sizes).isEmpty();
        ks.store().write(new WriteBatch().put(ks, b("e"), b("5")).put(ks, b("f"), b("6"))); // would be 6
        assertThat(engine[0].sizes).containsExactly(4);
        ks.put(b("g"), b("7"));
        ks.put(b("h"), b("8"));
        ks.put(b("i"), b("9")); // 5 held: written at once
        assertThat(engine[0].sizes).containsExactly(4, 5);
    }

    /** The held writes of all keyspaces share one overlay: a held range delete clears only its own keyspace. */
    @Test
    void aHeldRangeDeleteHidesOnlyItsOwnKeyspacesHeldWrites() {
        Keyspace ks = open(100);
        Keyspace other = stores.get(0).createKeyspace("other");
        ks.put(b("a"), b("1"));
        other.put(b("a"), b("2"));
        other.put(b("b"), b("3"));
        ks.deleteRange(dev.plinth.Range.of(b("a"), b("c")));
        ks.put(b("b"), b("4"));
        assertThat(engine[0].sizes).isEmpty(); // all of it still held
        assertThat(ks.get(b("a"))).isNull();
        assertThat(ks.get(b("b"))).isEqualTo(b("4"));
        assertThat(other.get(b("a"))).isEqualTo(b("2"));
        assertThat(other.get(b("b"))).isEqualTo(b("3"));
        assertThat(engine[0].sizes).isEmpty();
    }

    @Test
    void theAgeThresholdWritesOnTheNextCall() {
        Keyspace ks = open(100);
        ks.put(b("a"), b("1"));
        nanos.addAndGet(999_000_000L);
        ks.get(b("a"));
        assertThat(engine[0].sizes).isEmpty();
        nanos.addAndGet(1_000_000L);
        ks.get(b("a"));
        assertThat(engine[0].sizes).containsExactly(1);
    }

    @Test
    void anIdleStoresHeldWritesAreWrittenByTheTimer() throws InterruptedException {
        Store s = Plinth.builder("mem:").decorate(e -> engine[0] = new Recording(e))
                .decorate(EngineDecorators.builder().writeBuffer(100, 1 << 20, Duration.ofMillis(200)).build())
                .open();
        stores.add(s);
        Keyspace ks = s.defaultKeyspace();
        // Held as one. The age is long enough that the write's own age check (right after it is held) never
        // finds it due, even when a loaded machine pauses the thread for a few milliseconds in between.
        s.write(new WriteBatch().put(ks, b("a"), b("1")).put(ks, b("b"), b("2")));
        // No further call to the store: only stats, which never write. Waits for the timer, not for a time.
        for (int i = 0; i < 600 && s.stats().counter("buffer.heldOps") > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(s.stats().counter("buffer.heldOps")).isZero();
        assertThat(s.stats().counter("buffer.timerFlushes")).isEqualTo(1);
        assertThat(s.stats().counter("buffer.flushes")).isEqualTo(1);
        synchronized (engine[0].sizes) {
            assertThat(engine[0].sizes).containsExactly(2);
        }
    }

    @Test
    void aFailedTimerWriteIsReportedByTheNextWriteAndTriedAgain() throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        Store s = Plinth.builder("mem:").decorate(e -> engine[0] = new Recording(e) {
                    @Override
                    public boolean apply(EngineBatch batch) {
                        if (failing.get()) {
                            throw new dev.plinth.StorageIOException("The test engine refuses every write for now.");
                        }
                        return super.apply(batch);
                    }
                })
                .decorate(EngineDecorators.builder().writeBuffer(100, 1 << 20, Duration.ofMillis(200)).build())
                .open();
        stores.add(s);
        Keyspace ks = s.defaultKeyspace();
        failing.set(true);
        ks.put(b("a"), b("1"));
        for (int i = 0; i < 600 && s.stats().counter("buffer.timerFailures") == 0; i++) {
            Thread.sleep(50);
        }
        assertThat(s.stats().counter("buffer.timerFailures")).isPositive();
        // The held write is overdue: the next write writes it first, gets the engine's error, and is not held.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ks.put(b("b"), b("2")))
                .hasMessageContaining("refuses every write");
        assertThat(s.stats().counter("buffer.heldOps")).as("only the first write is held").isEqualTo(1);
        // Once the engine takes writes again the timer's retry writes what is held, with no call to the store.
        failing.set(false);
        for (int i = 0; i < 600 && s.stats().counter("buffer.heldOps") > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(s.stats().counter("buffer.heldOps")).isZero();
        assertThat(s.stats().counter("buffer.timerFlushes")).isEqualTo(1);
        assertThat(ks.get(b("a"))).isEqualTo(b("1"));
        assertThat(ks.get(b("b"))).isNull();
    }

    @Test
    void compareAndSetAndTransactionsSeeHeldWrites() {
        Keyspace ks = open(100);
        ks.put(b("k"), b("held"));
        assertThat(ks.compareAndSet(b("k"), b("held"), b("swapped"))).isTrue();
        assertThat(ks.get(b("k"))).isEqualTo(b("swapped"));
        ks.put(b("t"), b("held"));
        try (Transaction tx = ks.store().begin(Isolation.SERIALIZABLE)) {
            assertThat(tx.get(ks, b("t"))).isEqualTo(b("held"));
            tx.put(ks, b("t"), b("committed"));
            tx.commit();
        }
        assertThat(ks.get(b("t"))).isEqualTo(b("committed"));
    }

    @Test
    void strongerDurabilityWritesWhatIsHeldFirstAndIsNotHeld() {
        Store s = Plinth.builder("lmdb:" + tempDir()).decorate(e -> engine[0] = new Recording(e))
                .decorate(EngineDecorators.builder().writeBuffer(100, 1 << 20, Duration.ofDays(1), nanos::get).build())
                .open();
        stores.add(s);
        Keyspace ks = s.defaultKeyspace();
        engine[0].sizes.clear();
        ks.put(b("a"), b("1"), WriteOptions.durability(Durability.NONE));
        ks.put(b("b"), b("2"), WriteOptions.durability(Durability.NONE));
        assertThat(engine[0].sizes).isEmpty();
        ks.put(b("c"), b("3"), WriteOptions.durability(Durability.SYNC));
        assertThat(engine[0].sizes).containsExactly(2, 1);
        assertThat(s.stats().counter("buffer.passedBatches")).isEqualTo(1);
    }

    @Test
    void closeWritesWhatIsHeld() throws Exception {
        java.nio.file.Path dir = tempDir();
        try (Store s = Plinth.builder("lmdb:" + dir)
                .decorate(EngineDecorators.builder().writeBuffer(100, 1 << 20, Duration.ofDays(1)).build()).open()) {
            s.defaultKeyspace().put(b("k"), b("v"), WriteOptions.durability(Durability.NONE));
        }
        try (Store s = Plinth.open("lmdb:" + dir)) {
            assertThat(s.defaultKeyspace().get(b("k"))).isEqualTo(b("v"));
        }
    }

    private static java.nio.file.Path tempDir() {
        try {
            java.nio.file.Path d = java.nio.file.Files.createTempDirectory("plinth-buffer-test");
            d.toFile().deleteOnExit();
            return d.resolve("store");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
