package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.KeyValue;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random operations on the engine SPI, compared after every step with {@link TreeMap}s: batches of
 * puts, deletes and range deletes with open and closed ends (the unbounded end is this engine's own
 * construction), point and range preconditions that hold or not, cursors in both directions with seeks,
 * snapshots read after later writes, reopen, flush and compact, keyspace create and drop. A failure names
 * its seed; {@code -Dplinth.seed=N} replays one. The kit's model tester covers the public API; this one aims
 * at the engine's edge cases with short keys over a tiny alphabet, so ranges collide often.
 */
class RocksDbEngineModelTest {
    static final int SEEDS = 8;
    static final int STEPS = 300;

    @TempDir
    Path root;

    @Test
    void randomOperationsMatchTheModel() {
        String fixed = System.getProperty("plinth.seed", "");
        if (!fixed.isBlank()) {
            run(Long.parseLong(fixed.trim()));
            return;
        }
        for (long seed = 1; seed <= SEEDS; seed++) {
            run(seed);
        }
    }

    private void run(long seed) {
        try {
            new Run(seed, root.resolve("seed-" + seed)).go();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("rocksdb engine model run failed with seed " + seed
                    + " (replay with -Dplinth.seed=" + seed + ")", e);
        }
    }

    private static final class Run {
        private static final List<String> NAMES = List.of(Store.DEFAULT_KEYSPACE, "x", "y");

        private final Random rnd;
        private final Path dir;
        private final Map<String, NavigableMap<byte[], byte[]>> model = new HashMap<>();
        private Engine engine;
        private EngineSnapshot snapshot;
        private Map<String, NavigableMap<byte[], byte[]>> snapshotModel;

        Run(long seed, Path dir) {
            this.rnd = new Random(seed);
            this.dir = dir;
        }

        void go() {
            engine = RocksDbTestSupport.open(dir, Map.of("writeBufferSize", "64k"));
            model.put(Store.DEFAULT_KEYSPACE, new TreeMap<>(Arrays::compareUnsigned));
            try {
                for (int step = 0; step < STEPS; step++) {
                    step(step);
                }
            } finally {
                if (snapshot != null) {
                    snapshot.close();
                }
                engine.close();
            }
        }

        private void step(int step) {
            int op = rnd.nextInt(100);
            // Flush, compact, reopen and keyspace changes cost fsyncs: rarer, to keep the run short.
            if (op < 50) {
                batch();
            } else if (op < 66) {
                conditionalBatch();
            } else if (op < 80) {
                compareScan(engine, model, pickLive());
            } else if (op < 87) {
                snapshotStep();
            } else if (op < 90) {
                keyspaceStep();
            } else if (op < 92) {
                engine.flush();
            } else if (op < 93) {
                engine.compact();
            } else if (op < 95) {
                reopen();
            } else {
                String ks = pickLive();
                byte[] k = key();
                assertThat(engine.get(handle(ks), k)).as("step %d get %s", step, Arrays.toString(k))
                        .isEqualTo(model.get(ks).get(k));
            }
        }

        private void batch() {
            // SYNC (an fsync each) now and then only, to keep the run short.
            Durability d = rnd.nextInt(10) == 0 ? Durability.SYNC : rnd.nextBoolean() ? Durability.NONE : Durability.PROCESS;
            EngineBatch.Builder b = EngineBatch.builder(d);
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                addMutation(b);
            }
            assertThat(engine.apply(b.build())).isTrue();
        }

        /** Adds a random mutation to the batch and applies it to the model at once (later ones see it). */
        private void addMutation(EngineBatch.Builder b) {
            String ks = pickLive();
            NavigableMap<byte[], byte[]> m = model.get(ks);
            int kind = rnd.nextInt(10);
            if (kind < 6) {
                byte[] k = key();
                byte[] v = new byte[] {(byte) rnd.nextInt(256), (byte) rnd.nextInt(256)};
                b.put(handle(ks), k, v);
                m.put(k, v);
            } else if (kind < 8) {
                byte[] k = key();
                b.delete(handle(ks), k);
                m.remove(k);
            } else {
                byte[] start = rnd.nextInt(3) == 0 ? null : key();
                byte[] end = rnd.nextInt(3) == 0 ? null : key();
                if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
                    byte[] t = start;
                    start = end;
                    end = t;
                }
                b.deleteRange(handle(ks), start, end);
                sub(m, start, end).clear();
            }
        }

        private void conditionalBatch() {
            String ks = pickLive();
            NavigableMap<byte[], byte[]> m = model.get(ks);
            boolean shouldHold = rnd.nextBoolean();
            EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
            if (rnd.nextBoolean()) {
                byte[] k = key();
                byte[] expected = m.get(k);
                if (!shouldHold) {
                    expected = expected == null ? new byte[] {9} : null;
                }
                b.requireValue(handle(ks), k, expected);
            } else {
                byte[] start = rnd.nextBoolean() ? null : key();
                byte[] end = start == null || rnd.nextBoolean() ? null : successor(start);
                List<KeyValue> expected = new ArrayList<>();
                sub(m, start, end).forEach((k, v) -> expected.add(new KeyValue(k, v)));
                if (!shouldHold) {
                    if (expected.isEmpty()) {
                        expected.add(new KeyValue(start == null ? new byte[] {1} : start, new byte[] {7}));
                    } else {
                        expected.remove(expected.size() - 1);
                    }
                }
                b.requireRange(handle(ks), start, end, expected);
            }
            Map<String, NavigableMap<byte[], byte[]>> before = copy(model);
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                addMutation(b);
            }
            boolean applied = engine.apply(b.build());
            assertThat(applied).as("conditional batch outcome").isEqualTo(shouldHold);
            if (!applied) {
                model.clear();
                model.putAll(before);
            }
        }

        private void snapshotStep() {
            if (snapshot != null) {
                for (String ks : snapshotModel.keySet()) {
                    if (model.containsKey(ks)) {
                        compareScan(snapshot, snapshotModel, ks);
                    }
                }
                snapshot.close();
                snapshot = null;
                snapshotModel = null;
            } else {
                snapshot = engine.snapshot();
                snapshotModel = copy(model);
            }
        }

        private void keyspaceStep() {
            String name = NAMES.get(1 + rnd.nextInt(NAMES.size() - 1));
            if (model.containsKey(name) && rnd.nextBoolean()) {
                assertThat(engine.dropKeyspace(name)).isTrue();
                model.remove(name);
                if (snapshotModel != null) {
                    snapshotModel.remove(name);
                }
            } else {
                engine.createKeyspace(name);
                model.putIfAbsent(name, new TreeMap<>(Arrays::compareUnsigned));
            }
            assertThat(engine.keyspaceNames()).containsExactlyInAnyOrderElementsOf(model.keySet());
        }

        private void reopen() {
            if (snapshot != null) {
                snapshot.close();
                snapshot = null;
                snapshotModel = null;
            }
            engine.close();
            engine = RocksDbTestSupport.open(dir, Map.of("writeBufferSize", "64k"));
            assertThat(engine.keyspaceNames()).containsExactlyInAnyOrderElementsOf(model.keySet());
            for (String ks : model.keySet()) {
                compareScan(engine, model, ks);
            }
        }

        /** Scans a random range both ways, with a seek half of the time, and compares with the model. */
        private void compareScan(EngineReader reader, Map<String, NavigableMap<byte[], byte[]>> state, String ks) {
            byte[] start = rnd.nextInt(3) == 0 ? null : key();
            byte[] end = rnd.nextInt(3) == 0 ? null : key();
            if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
                byte[] t = start;
                start = end;
                end = t;
            }
            boolean reverse = rnd.nextBoolean();
            byte[] seek = rnd.nextBoolean() ? key() : null;
            NavigableMap<byte[], byte[]> expected = sub(state.get(ks), start, end);
            if (reverse) {
                expected = expected.descendingMap();
            }
            List<String> want = new ArrayList<>();
            expected.forEach((k, v) -> {
                int c = seek == null ? 0 : Arrays.compareUnsigned(k, seek);
                if (reverse ? c <= 0 : c >= 0) {
                    want.add(Arrays.toString(k) + "=" + Arrays.toString(v));
                }
            });
            List<String> got = new ArrayList<>();
            try (EngineCursor c = reader.cursor(handle(ks), ScanSpec.of(start, end).reverse(reverse))) {
                if (seek != null) {
                    c.seek(seek);
                }
                while (c.next()) {
                    got.add(Arrays.toString(c.key()) + "=" + Arrays.toString(c.value()));
                }
            }
            assertThat(got).as("scan of %s [%s, %s) reverse=%s seek=%s", ks, Arrays.toString(start),
                    Arrays.toString(end), reverse, Arrays.toString(seek)).isEqualTo(want);
        }

        private EngineKeyspace handle(String ks) {
            EngineKeyspace h = engine.keyspace(ks);
            assertThat(h).as("keyspace %s", ks).isNotNull();
            return h;
        }

        private String pickLive() {
            List<String> live = new ArrayList<>(model.keySet());
            live.sort(null);
            return live.get(rnd.nextInt(live.size()));
        }

        /** Keys of one to three bytes over a tiny alphabet that includes 0x00 and 0xFF. */
        private byte[] key() {
            byte[] alphabet = {0x00, 0x01, 0x41, (byte) 0x80, (byte) 0xFF};
            byte[] k = new byte[1 + rnd.nextInt(3)];
            for (int i = 0; i < k.length; i++) {
                k[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            return k;
        }

        private static byte[] successor(byte[] k) {
            return Arrays.copyOf(k, k.length + 1);
        }

        private static NavigableMap<byte[], byte[]> sub(NavigableMap<byte[], byte[]> m, byte[] start, byte[] end) {
            if (start == null && end == null) {
                return m;
            }
            if (start == null) {
                return m.headMap(end, false);
            }
            if (end == null) {
                return m.tailMap(start, true);
            }
            return m.subMap(start, true, end, false);
        }

        private static Map<String, NavigableMap<byte[], byte[]>> copy(Map<String, NavigableMap<byte[], byte[]>> m) {
            Map<String, NavigableMap<byte[], byte[]>> c = new HashMap<>();
            m.forEach((k, v) -> {
                TreeMap<byte[], byte[]> t = new TreeMap<>(Arrays::compareUnsigned);
                t.putAll(v);
                c.put(k, t);
            });
            return c;
        }
    }
}
