package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.b;
import static dev.plinth.internal.mem.MemTestSupport.batch;
import static dev.plinth.internal.mem.MemTestSupport.defaultKs;
import static dev.plinth.internal.mem.MemTestSupport.stat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batch atomicity and point-read correctness while writers race readers and reclamation. */
class MemConcurrencyTest {
    private final MemEngine engine = MemTestSupport.newEngine();
    private final EngineKeyspace ks = defaultKs(engine);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        engine.close();
    }

    static byte[] num(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    static long num(byte[] b) {
        return ByteBuffer.wrap(b).getLong();
    }

    /** Runs tasks at once and rethrows the first failure; a task that hangs fails the test. */
    static void runAll(ExecutorService pool, List<Callable<Void>> tasks) throws Exception {
        List<Future<Void>> futures = new ArrayList<>();
        for (Callable<Void> t : tasks) {
            futures.add(pool.submit(t));
        }
        for (Future<Void> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void readersNeverSeeHalfABatch() throws Exception {
        EngineKeyspace other = engine.createKeyspace("other");
        int readers = 3;
        int checksPerReader = 20_000;
        int maxBatches = 1_000_000;
        AtomicInteger readersDone = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        List<Callable<Void>> tasks = new ArrayList<>();
        tasks.add(() -> {
            for (long i = 1; i <= maxBatches && readersDone.get() < readers; i++) {
                // a and b in one keyspace, c in another, all to i; plus a range delete and re-put of d*.
                engine.apply(batch().put(ks, b("a"), num(i)).deleteRange(ks, b("d"), b("e"))
                        .put(ks, b("b"), num(i)).put(other, b("c"), num(i))
                        .put(ks, b("d1"), num(i)).put(ks, b("d2"), num(i)).build());
                written.set((int) i);
            }
            return null;
        });
        for (int r = 0; r < readers; r++) {
            int id = r;
            tasks.add(() -> {
                try {
                    long last = 0;
                    for (int n = 0; n < checksPerReader; n++) {
                        long seen;
                        if (id == 0 || n % 2 == 0) {
                            try (EngineSnapshot s = engine.snapshot()) {
                                byte[] a = s.get(ks, b("a"));
                                byte[] bb = s.get(ks, b("b"));
                                byte[] c = s.get(other, b("c"));
                                if (a == null) {
                                    assertThat(bb).isNull();
                                    assertThat(c).isNull();
                                    seen = 0;
                                } else {
                                    seen = num(a);
                                    assertThat(num(bb)).isEqualTo(seen);
                                    assertThat(num(c)).isEqualTo(seen);
                                }
                            }
                        } else {
                            // One engine cursor over the whole keyspace: a, b, d1, d2 all equal or all absent.
                            List<Long> values = new ArrayList<>();
                            try (EngineCursor cur = engine.cursor(ks, ScanSpec.of(null, null).reverse(id == 2))) {
                                while (cur.next()) {
                                    values.add(num(cur.value()));
                                }
                            }
                            if (values.isEmpty()) {
                                seen = 0;
                            } else {
                                assertThat(values).hasSize(4);
                                seen = values.get(0);
                                assertThat(values).containsOnly(seen);
                            }
                        }
                        assertThat(seen).isGreaterThanOrEqualTo(last);
                        last = seen;
                    }
                } finally {
                    readersDone.incrementAndGet();
                }
                return null;
            });
        }
        runAll(pool, tasks);
        assertThat(written.get()).isPositive();
        assertThat(stat(engine, "mem.snapshots")).isZero();
        engine.compact();
        assertThat(stat(engine, "mem.keys")).isEqualTo(5);
        assertThat(stat(engine, "mem.versions")).isEqualTo(5);
    }

    @Test
    void pointReadsStayCorrectWhileEveryWriteReclaims() throws Exception {
        // No snapshots are open, so each batch prunes the chains it touches and removes deleted keys:
        // a point read that read lastCommitted just before must still answer correctly.
        int readers = 3;
        int readsPerReader = 200_000;
        AtomicBoolean readersDone = new AtomicBoolean();
        AtomicInteger done = new AtomicInteger();
        List<Callable<Void>> tasks = new ArrayList<>();
        tasks.add(() -> {
            for (long i = 1; i <= 2_000_000 && !readersDone.get(); i++) {
                // "k" only grows; "x" is re-created and removed every other batch.
                var bt = batch().put(ks, b("k"), num(i));
                if (i % 2 == 0) {
                    bt.put(ks, b("x"), num(i));
                } else {
                    bt.delete(ks, b("x"));
                }
                engine.apply(bt.build());
            }
            return null;
        });
        for (int r = 0; r < readers; r++) {
            tasks.add(() -> {
                try {
                    long lastK = 0;
                    long lastX = 0;
                    for (int n = 0; n < readsPerReader; n++) {
                        byte[] k = engine.get(ks, b("k"));
                        if (k != null) {
                            assertThat(num(k)).isGreaterThanOrEqualTo(lastK);
                            lastK = num(k);
                        } else {
                            assertThat(lastK).as("k vanished after it was seen").isZero();
                        }
                        byte[] x = engine.get(ks, b("x"));
                        if (x != null) {
                            long v = num(x);
                            assertThat(v % 2).isZero();
                            assertThat(v).isGreaterThanOrEqualTo(lastX);
                            lastX = v;
                        }
                    }
                } finally {
                    if (done.incrementAndGet() == readers) {
                        readersDone.set(true);
                    }
                }
                return null;
            });
        }
        runAll(pool, tasks);
        System.out.println("mem point reads that met a reclaimed version and read again: "
                + stat(engine, "mem.readRetries"));
        assertThat(stat(engine, "mem.versions")).isLessThanOrEqualTo(2);
    }
}
