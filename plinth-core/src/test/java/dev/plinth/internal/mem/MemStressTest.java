package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.batch;
import static dev.plinth.internal.mem.MemTestSupport.defaultKs;
import static dev.plinth.internal.mem.MemTestSupport.hex;
import static dev.plinth.internal.mem.MemTestSupport.stat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.KeyValue;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers, readers, snapshot churn and compaction, checked against per-writer models.
 *
 * <p>Each writer owns one partition (a one-byte key prefix) and keeps a {@link TreeMap} model of it.
 * Every batch also writes the partition's generation number to a key sorting before the items, and
 * before applying the batch the writer records the model it will produce under that generation. Any
 * consistent view of the partition (snapshot or cursor) must therefore equal exactly the recorded model
 * of the generation it shows. The seed is printed and replayable with {@code -Dplinth.seed=N}; thread
 * interleavings are not.
 */
class MemStressTest {
    private static final int WRITERS = 3;
    private static final int BATCHES_PER_WRITER = 5000;
    private static final int READERS = 3;
    private static final int READS_PER_READER = 3000;
    /** Item key suffixes: low bytes, both sides of 0x7f/0x80, and 0xff. */
    private static final int[] ITEM_BYTES = {0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x20, 0x30, 0x40, 0x50,
        0x60, 0x7e, 0x7f, 0x80, 0x81, 0xa0, 0xc0, 0xe0, 0xfe, 0xff};

    private final MemEngine engine = MemTestSupport.newEngine();
    private final EngineKeyspace ks = defaultKs(engine);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    /** Per partition: generation to the expected "key=value" list of its items, ascending. */
    private final List<Map<Long, List<String>>> expected = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        engine.close();
    }

    private static byte[] genKey(int p) {
        return new byte[] {(byte) (p + 1), 0x00};
    }

    private static byte[] itemKey(int p, int item) {
        return new byte[] {(byte) (p + 1), 0x01, (byte) item};
    }

    private static byte[] partitionStart(int p) {
        return new byte[] {(byte) (p + 1)};
    }

    private static byte[] partitionEnd(int p) {
        return new byte[] {(byte) (p + 2)};
    }

    private static byte[] num(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    private static List<String> render(TreeMap<Integer, String> model, int p) {
        List<String> out = new ArrayList<>(model.size());
        for (var e : model.entrySet()) {
            out.add(hex(itemKey(p, e.getKey())) + "=" + e.getValue());
        }
        return out;
    }

    @Test
    void concurrentWorkloadMatchesTheModels() throws Exception {
        long seed = Long.getLong("plinth.seed", System.nanoTime());
        System.out.println("MemStressTest seed " + seed + " (replay the operations with -Dplinth.seed=" + seed + ")");
        List<TreeMap<Integer, String>> finalModels = Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < WRITERS; p++) {
            Map<Long, List<String>> m = new ConcurrentHashMap<>();
            m.put(0L, List.of());
            expected.add(m);
            finalModels.add(null);
        }
        AtomicBoolean writersDone = new AtomicBoolean();
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int p = 0; p < WRITERS; p++) {
            int part = p;
            tasks.add(() -> {
                finalModels.set(part, write(part, new Random(seed * 31 + part)));
                return null;
            });
        }
        for (int r = 0; r < READERS; r++) {
            Random rnd = new Random(seed * 17 + r);
            tasks.add(() -> {
                for (int n = 0; n < READS_PER_READER; n++) {
                    readAndCheck(rnd);
                }
                return null;
            });
        }
        Random churnRnd = new Random(seed * 13);
        tasks.add(() -> {
            // Holds up to four snapshots at a time, so reclamation keeps meeting old readers.
            ArrayDeque<EngineSnapshot> held = new ArrayDeque<>();
            for (int n = 0; n < 20_000 && !writersDone.get(); n++) {
                held.addLast(engine.snapshot());
                if (held.size() > churnRnd.nextInt(5)) {
                    EngineSnapshot s = held.pollFirst();
                    checkPartition(s, churnRnd.nextInt(WRITERS), churnRnd);
                    s.close();
                }
                if (n % 50 == 0) {
                    engine.compact();
                }
            }
            held.forEach(EngineSnapshot::close);
            return null;
        });
        List<Future<Void>> futures = new ArrayList<>();
        for (Callable<Void> t : tasks) {
            futures.add(pool.submit(t));
        }
        for (int i = 0; i < futures.size(); i++) {
            futures.get(i).get(60, TimeUnit.SECONDS);
            if (i == WRITERS - 1) {
                writersDone.set(true);
            }
        }

        assertThat(stat(engine, "mem.snapshots")).isZero();
        long keys = 0;
        for (int p = 0; p < WRITERS; p++) {
            TreeMap<Integer, String> model = finalModels.get(p);
            List<String> actual = new ArrayList<>();
            try (EngineCursor c = engine.cursor(ks, ScanSpec.of(itemKey(p, 0), partitionEnd(p)))) {
                while (c.next()) {
                    actual.add(hex(c.key()) + "=" + hex(c.value()));
                }
            }
            assertThat(actual).as("partition %d", p).isEqualTo(render(model, p));
            for (int item : ITEM_BYTES) {
                String v = model.get(item);
                assertThat(hex(engine.get(ks, itemKey(p, item)))).isEqualTo(v);
            }
            keys += model.size() + 1;
        }
        engine.compact();
        assertThat(stat(engine, "mem.keys")).isEqualTo(keys);
        // With no reader left, every chain is one live version and nothing waits for reclamation.
        assertThat(stat(engine, "mem.versions")).isEqualTo(keys);
        assertThat(stat(engine, "mem.pendingReclaim")).isZero();
    }

    /** One writer's run; returns its final model. */
    private TreeMap<Integer, String> write(int p, Random rnd) {
        TreeMap<Integer, String> model = new TreeMap<>();
        long gen = 0;
        for (int n = 0; n < BATCHES_PER_WRITER; n++) {
            TreeMap<Integer, String> next = new TreeMap<>(model);
            EngineBatch.Builder b = batch();
            boolean mustFail = false;
            int ops = 1 + rnd.nextInt(6);
            for (int i = 0; i < ops; i++) {
                int item = ITEM_BYTES[rnd.nextInt(ITEM_BYTES.length)];
                int dice = rnd.nextInt(100);
                if (dice < 60) {
                    byte[] value = num(rnd.nextLong());
                    b.put(ks, itemKey(p, item), value);
                    next.put(item, hex(value));
                } else if (dice < 80) {
                    b.delete(ks, itemKey(p, item));
                    next.remove(item);
                } else if (dice < 90) {
                    int other = ITEM_BYTES[rnd.nextInt(ITEM_BYTES.length)];
                    int lo = Math.min(item, other);
                    int hi = Math.max(item, other);
                    b.deleteRange(ks, itemKey(p, lo), hi == 0xff ? partitionEnd(p) : itemKey(p, hi));
                    next.subMap(lo, true, hi, hi == 0xff).clear();
                } else if (dice < 95) {
                    // A precondition on the state before the batch: right, or deliberately wrong.
                    String current = model.get(item);
                    boolean wrong = rnd.nextInt(4) == 0;
                    byte[] expectedValue = current == null ? null : HexFormat.of().parseHex(current);
                    if (wrong) {
                        expectedValue = expectedValue == null ? new byte[] {1} : null;
                        mustFail = true;
                    }
                    b.requireValue(ks, itemKey(p, item), expectedValue);
                } else {
                    List<KeyValue> range = new ArrayList<>();
                    for (var e : model.entrySet()) {
                        range.add(new KeyValue(itemKey(p, e.getKey()),
                                HexFormat.of().parseHex(e.getValue())));
                    }
                    b.requireRange(ks, itemKey(p, 0), partitionEnd(p), range);
                }
            }
            long nextGen = gen + 1;
            b.put(ks, genKey(p), num(nextGen));
            // Recorded before the apply, so any reader that sees nextGen finds it.
            expected.get(p).put(nextGen, render(next, p));
            boolean applied = engine.apply(b.build());
            assertThat(applied).as("batch %d of writer %d", n, p).isEqualTo(!mustFail);
            if (applied) {
                model = next;
                gen = nextGen;
            }
            if (n % 16 == 0) {
                // Read-your-writes on the latest state, through point reads.
                for (int item : ITEM_BYTES) {
                    assertThat(hex(engine.get(ks, itemKey(p, item)))).isEqualTo(model.get(item));
                }
            }
        }
        return model;
    }

    private void readAndCheck(Random rnd) {
        int p = rnd.nextInt(WRITERS);
        if (rnd.nextBoolean()) {
            // An engine cursor over the whole partition: generation first, then the items it implies.
            boolean reverse = rnd.nextBoolean();
            List<String> items = new ArrayList<>();
            Long gen = null;
            try (EngineCursor c = engine.cursor(ks, ScanSpec.of(partitionStart(p), partitionEnd(p)).reverse(reverse))) {
                while (c.next()) {
                    if (c.key().length == 2) {
                        gen = ByteBuffer.wrap(c.value()).getLong();
                    } else {
                        items.add(hex(c.key()) + "=" + hex(c.value()));
                    }
                }
            }
            if (reverse) {
                Collections.reverse(items);
            }
            assertThat(items).as("partition %d at generation %s", p, gen).isEqualTo(expected.get(p).get(gen == null ? 0L : gen));
        } else {
            try (EngineSnapshot s = engine.snapshot()) {
                checkPartition(s, p, rnd);
            }
        }
    }

    /** Checks a snapshot's view of a partition three ways: forward, reverse with a seek, point reads. */
    private void checkPartition(EngineReader view, int p, Random rnd) {
        byte[] g = view.get(ks, genKey(p));
        long gen = g == null ? 0 : ByteBuffer.wrap(g).getLong();
        List<String> want = expected.get(p).get(gen);
        assertThat(scanItems(view, p, false, null)).as("partition %d at generation %d", p, gen).isEqualTo(want);
        int seekTo = ITEM_BYTES[rnd.nextInt(ITEM_BYTES.length)];
        List<String> reversed = scanItems(view, p, true, itemKey(p, seekTo));
        List<String> wantReversed = new ArrayList<>();
        String bound = hex(itemKey(p, seekTo));
        for (String e : want) {
            if (e.substring(0, e.indexOf('=')).compareTo(bound) <= 0) {
                wantReversed.add(0, e);
            }
        }
        assertThat(reversed).isEqualTo(wantReversed);
        for (int i = 0; i < 4; i++) {
            int item = ITEM_BYTES[rnd.nextInt(ITEM_BYTES.length)];
            String key = hex(itemKey(p, item));
            String found = null;
            for (String e : want) {
                if (e.startsWith(key + "=")) {
                    found = e.substring(key.length() + 1);
                }
            }
            assertThat(hex(view.get(ks, itemKey(p, item)))).isEqualTo(found);
        }
    }

    private List<String> scanItems(EngineReader view, int p, boolean reverse, byte[] seek) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = view.cursor(ks, ScanSpec.of(itemKey(p, 0), partitionEnd(p)).reverse(reverse))) {
            if (seek != null) {
                c.seek(seek);
            }
            while (c.next()) {
                out.add(hex(c.key()) + "=" + hex(c.value()));
            }
        }
        return out;
    }
}
