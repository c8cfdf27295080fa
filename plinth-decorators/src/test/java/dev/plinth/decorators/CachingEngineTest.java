package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.testkit.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cache's own contract: never a stale value after a committed write, through any kind of write. */
class CachingEngineTest {
    private final FakeClock clock = new FakeClock();
    private final List<Store> stores = new ArrayList<>();

    private Store open(long cacheBytes) {
        Store s = Plinth.builder("mem:").clock(clock)
                .decorate(EngineDecorators.builder().cache(cacheBytes).build()).open();
        stores.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        stores.forEach(Store::close);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void hitsAndMissesAreCountedAndAbsenceIsCached() {
        Store store = open(1 << 20);
        Keyspace ks = store.defaultKeyspace();
        ks.put(b("k"), b("v"));
        assertThat(s(ks.get(b("k")))).isEqualTo("v");
        assertThat(s(ks.get(b("k")))).isEqualTo("v");
        assertThat(ks.get(b("absent"))).isNull();
        assertThat(ks.get(b("absent"))).isNull();
        assertThat(store.stats().counter("cache.misses")).isEqualTo(2);
        assertThat(store.stats().counter("cache.hits")).isEqualTo(2);
        assertThat(store.stats().counter("cache.entries")).isEqualTo(2);
    }

    @Test
    void aPutDeleteOrCasReplacesTheCachedValue() {
        Keyspace ks = open(1 << 20).defaultKeyspace();
        ks.put(b("k"), b("v1"));
        assertThat(s(ks.get(b("k")))).isEqualTo("v1");
        ks.put(b("k"), b("v2"));
        assertThat(s(ks.get(b("k")))).isEqualTo("v2");
        assertThat(ks.compareAndSet(b("k"), b("v2"), b("v3"))).isTrue();
        assertThat(s(ks.get(b("k")))).isEqualTo("v3");
        ks.delete(b("k"));
        assertThat(ks.get(b("k"))).isNull();
        assertThat(ks.compareAndSet(b("k"), null, b("v4"))).isTrue();
        assertThat(s(ks.get(b("k")))).isEqualTo("v4");
    }

    @Test
    void aBatchAndARangeDeleteReplaceCachedValues() {
        Store store = open(1 << 20);
        Keyspace ks = store.defaultKeyspace();
        Keyspace other = store.createKeyspace("other");
        for (String k : List.of("a", "b", "c", "d")) {
            ks.put(b(k), b("old"));
            other.put(b(k), b("old"));
            assertThat(s(ks.get(b(k)))).isEqualTo("old");
            assertThat(s(other.get(b(k)))).isEqualTo("old");
        }
        store.write(new WriteBatch().put(ks, b("a"), b("new")).delete(other, b("a"))
                .deleteRange(ks, Range.of(b("b"), b("d"))));
        assertThat(s(ks.get(b("a")))).isEqualTo("new");
        assertThat(other.get(b("a"))).isNull();
        assertThat(ks.get(b("b"))).isNull();
        assertThat(ks.get(b("c"))).isNull();
        assertThat(s(ks.get(b("d")))).isEqualTo("old");
        assertThat(s(other.get(b("b")))).isEqualTo("old");
        ks.deleteRange(Range.all());
        assertThat(ks.get(b("d"))).isNull();
    }

    @Test
    void aTransactionCommitReplacesCachedValuesAndARollbackLeavesThem() {
        Store store = open(1 << 20);
        Keyspace ks = store.defaultKeyspace();
        ks.put(b("x"), b("1"));
        ks.put(b("y"), b("1"));
        assertThat(s(ks.get(b("x")))).isEqualTo("1");
        assertThat(s(ks.get(b("y")))).isEqualTo("1");
        try (Transaction tx = store.begin(Isolation.SERIALIZABLE)) {
            tx.put(ks, b("x"), b("2"));
            tx.delete(ks, b("y"));
            tx.rollback();
        }
        assertThat(s(ks.get(b("x")))).isEqualTo("1");
        try (Transaction tx = store.begin(Isolation.SNAPSHOT)) {
            tx.put(ks, b("x"), b("2"));
            tx.delete(ks, b("y"));
            tx.commit();
        }
        assertThat(s(ks.get(b("x")))).isEqualTo("2");
        assertThat(ks.get(b("y"))).isNull();
    }

    @Test
    void aSnapshotNeverSeesAValueCachedAfterIt() {
        Store store = open(1 << 20);
        Keyspace ks = store.defaultKeyspace();
        ks.put(b("k"), b("before"));
        assertThat(s(ks.get(b("k")))).isEqualTo("before");
        try (Snapshot snap = store.snapshot()) {
            ks.put(b("k"), b("after"));
            assertThat(s(ks.get(b("k")))).isEqualTo("after"); // now cached
            assertThat(s(snap.get(ks, b("k")))).isEqualTo("before");
            ks.put(b("new"), b("x"));
            assertThat(s(ks.get(b("new")))).isEqualTo("x");
            assertThat(snap.get(ks, b("new"))).isNull();
        }
    }

    @Test
    void aCachedEntryExpiresWithItsTimeToLive() {
        Store store = open(1 << 20);
        Keyspace ks = store.defaultKeyspace();
        ks.put(b("k"), b("v"), WriteOptions.ttl(Duration.ofSeconds(10)));
        assertThat(s(ks.get(b("k")))).isEqualTo("v");
        clock.advance(Duration.ofSeconds(10));
        assertThat(ks.get(b("k"))).isNull();
        assertThat(ks.contains(b("k"))).isFalse();
        store.compact();
        assertThat(ks.get(b("k"))).isNull();
    }

    @Test
    void aDroppedAndRecreatedKeyspaceDoesNotShowTheOldCachedValues() {
        Store store = open(1 << 20);
        Keyspace ks = store.createKeyspace("tmp");
        ks.put(b("k"), b("v"));
        assertThat(s(ks.get(b("k")))).isEqualTo("v");
        store.dropKeyspace("tmp");
        Keyspace again = store.createKeyspace("tmp");
        assertThat(again.get(b("k"))).isNull();
    }

    @Test
    void theCacheStaysWithinItsByteBound() {
        Store store = open(4096);
        Keyspace ks = store.defaultKeyspace();
        for (int i = 0; i < 200; i++) {
            ks.put(b("key" + i), new byte[100]);
            ks.get(b("key" + i));
        }
        assertThat(store.stats().counter("cache.bytes")).isBetween(1L, 4096L);
        assertThat(store.stats().counter("cache.evictions")).isPositive();
    }

    /** Holds a point read between reading the engine and returning, once armed. */
    static final class PausingGets extends ForwardingEngine {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch readDone = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        PausingGets(Engine delegate) {
            super(delegate);
        }

        @Override
        public byte[] get(EngineKeyspace keyspace, byte[] key) {
            byte[] v = super.get(keyspace, key);
            if (armed.compareAndSet(true, false)) {
                readDone.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return v;
        }
    }

    /**
     * The race a naive read cache loses: a reader reads the old value from the engine, a write commits and
     * invalidates, then the reader inserts the old value, which would be returned from then on.
     */
    @Test
    void aReadThatRacesAWriteNeverCachesTheOldValue() throws Exception {
        AtomicReference<PausingGets> pausing = new AtomicReference<>();
        Store store = Plinth.builder("mem:").clock(clock)
                .decorate(e -> {
                    pausing.set(new PausingGets(e));
                    return pausing.get();
                })
                .decorate(EngineDecorators.builder().cache(1 << 20).build()).open();
        stores.add(store);
        Keyspace ks = store.defaultKeyspace();
        ks.put(b("k"), b("old"));
        PausingGets p = pausing.get();
        p.armed.set(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<byte[]> slowRead = pool.submit(() -> ks.get(b("k")));
            assertThat(p.readDone.await(30, TimeUnit.SECONDS)).isTrue();
            ks.put(b("k"), b("new"));
            p.release.countDown();
            assertThat(s(slowRead.get(30, TimeUnit.SECONDS))).isEqualTo("old"); // it began before the write
        } finally {
            pool.shutdownNow();
        }
        assertThat(s(ks.get(b("k")))).isEqualTo("new");
        assertThat(s(ks.get(b("k")))).isEqualTo("new");
    }

    /**
     * Writers each own some keys and write increasing numbers; after each write returns, the writer reads its
     * key back through the cache, while readers keep refilling a cache of a few entries. A stale read is a
     * number below the one just written.
     */
    @Test
    void concurrentReadersNeverMakeAWriterReadAnOlderValue() throws Exception {
        Store store = open(1024);
        Keyspace ks = store.defaultKeyspace();
        int writers = 3;
        int keysPerWriter = 4;
        int rounds = 400;
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                pool.submit(() -> {
                    while (!done.get()) {
                        for (int w = 0; w < writers; w++) {
                            for (int k = 0; k < keysPerWriter; k++) {
                                ks.get(b("w" + w + "k" + k));
                            }
                        }
                    }
                    return null;
                });
            }
            for (int w = 0; w < writers; w++) {
                int writer = w;
                results.add(pool.submit(() -> {
                    for (int i = 1; i <= rounds; i++) {
                        byte[] key = b("w" + writer + "k" + (i % keysPerWriter));
                        if (i % 7 == 0) {
                            store.write(new WriteBatch().put(ks, key, b(Integer.toString(i))));
                        } else if (i % 11 == 0) {
                            assertThat(ks.compareAndSet(key, ks.get(key), b(Integer.toString(i)))).isTrue();
                        } else {
                            ks.put(key, b(Integer.toString(i)));
                        }
                        String seen = s(ks.get(key));
                        if (!Integer.toString(i).equals(seen)) {
                            return "writer " + writer + " wrote " + i + " and read back " + seen;
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> f : results) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isNull();
            }
        } finally {
            done.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(store.stats().counter("cache.hits")).isPositive();
    }
}
