package dev.plinth.rocksdb;

import static dev.plinth.rocksdb.RocksDbTestSupport.b;
import static dev.plinth.rocksdb.RocksDbTestSupport.keys;
import static dev.plinth.rocksdb.RocksDbTestSupport.open;
import static dev.plinth.rocksdb.RocksDbTestSupport.put;
import static dev.plinth.rocksdb.RocksDbTestSupport.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.ForeignFilesException;
import dev.plinth.KeyValue;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine-level behaviour of the RocksDB engine that the conformance kit does not reach. */
class RocksDbEngineTest {
    @TempDir
    Path dir;

    @Test
    void keyspacesAreColumnFamiliesThatSurviveReopen() {
        try (Engine e = open(dir)) {
            assertThat(e.keyspaceNames()).containsExactly(Store.DEFAULT_KEYSPACE);
            EngineKeyspace a = e.createKeyspace("a");
            EngineKeyspace bks = e.createKeyspace("b.2");
            assertThat(e.createKeyspace("a")).isSameAs(a);
            put(e, a, "k", "in-a");
            put(e, bks, "k", "in-b");
            put(e, e.keyspace(Store.DEFAULT_KEYSPACE), "k", "in-default");
            e.createKeyspace("gone");
            assertThat(e.dropKeyspace("gone")).isTrue();
            assertThat(e.dropKeyspace("gone")).isFalse();
        }
        try (Engine e = open(dir)) {
            assertThat(e.keyspaceNames()).containsExactlyInAnyOrder(Store.DEFAULT_KEYSPACE, "a", "b.2");
            assertThat(s(e.get(e.keyspace("a"), b("k")))).isEqualTo("in-a");
            assertThat(s(e.get(e.keyspace("b.2"), b("k")))).isEqualTo("in-b");
            assertThat(s(e.get(e.keyspace(Store.DEFAULT_KEYSPACE), b("k")))).isEqualTo("in-default");
            assertThat(e.keyspace("gone")).isNull();
        }
    }

    @Test
    void aDroppedKeyspaceRejectsItsStaleHandleButOpenCursorsKeepReading() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.createKeyspace("t");
            put(e, ks, "a", "1");
            put(e, ks, "b", "2");
            EngineSnapshot snap = e.snapshot();
            EngineCursor open = e.cursor(ks, ScanSpec.of(null, null));
            assertThat(e.dropKeyspace("t")).isTrue();

            assertThatThrownBy(() -> e.get(ks, b("a"))).isInstanceOf(NoSuchKeyspaceException.class)
                    .hasMessageContaining("'t'").hasMessageContaining(dir.toString());
            assertThatThrownBy(() -> e.cursor(ks, ScanSpec.of(null, null)))
                    .isInstanceOf(NoSuchKeyspaceException.class);
            assertThatThrownBy(() -> put(e, ks, "c", "3")).isInstanceOf(NoSuchKeyspaceException.class);
            assertThatThrownBy(() -> snap.get(ks, b("a"))).isInstanceOf(NoSuchKeyspaceException.class);

            assertThat(open.next()).isTrue();
            assertThat(s(open.key())).isEqualTo("a");
            assertThat(open.next()).isTrue();
            assertThat(s(open.value())).isEqualTo("2");
            assertThat(open.next()).isFalse();
            open.close();
            snap.close();

            EngineKeyspace again = e.createKeyspace("t");
            assertThat(again).isNotSameAs(ks);
            assertThat(e.get(again, b("a"))).isNull();
            assertThatThrownBy(() -> e.get(ks, b("a"))).isInstanceOf(NoSuchKeyspaceException.class);
        }
    }

    @Test
    void theDefaultKeyspaceCannotBeDropped() {
        try (Engine e = open(dir)) {
            assertThatThrownBy(() -> e.dropKeyspace(Store.DEFAULT_KEYSPACE)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rangeDeletesWithOpenEndsCoverKeysPutEarlierInTheSameBatchAndNotLaterOnes() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            EngineKeyspace other = e.createKeyspace("other");
            for (String k : List.of("a", "b", "c", "d")) {
                put(e, ks, k, k);
            }
            put(e, other, "x", "x");
            e.apply(EngineBatch.builder(Durability.NONE)
                    .put(ks, b("zz\u007f"), b("beyond the last key"))
                    .deleteRange(ks, b("c"), null)
                    .put(ks, b("e"), b("after the delete"))
                    .build());
            assertThat(keys(e, ks, null, null, false)).containsExactly("a", "b", "e");
            e.apply(EngineBatch.builder(Durability.NONE).deleteRange(ks, null, b("b")).build());
            assertThat(keys(e, ks, null, null, false)).containsExactly("b", "e");
            e.apply(EngineBatch.builder(Durability.NONE).deleteRange(ks, null, null).build());
            assertThat(keys(e, ks, null, null, false)).isEmpty();
            // A range delete in an empty keyspace, and one starting past the last key, write nothing and fail nothing.
            e.apply(EngineBatch.builder(Durability.NONE).deleteRange(ks, null, null).deleteRange(ks, b("q"), null).build());
            assertThat(keys(e, other, null, null, false)).containsExactly("x");
        }
    }

    @Test
    void cursorsHonourBoundsDirectionAndSeekOverOneView() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            for (String k : List.of("a", "b", "c", "d", "e")) {
                put(e, ks, k, k);
            }
            assertThat(keys(e, ks, "b", "d", false)).containsExactly("b", "c");
            assertThat(keys(e, ks, "b", "d", true)).containsExactly("c", "b");
            assertThat(keys(e, ks, null, "c", true)).containsExactly("b", "a");
            assertThat(keys(e, ks, "d", null, false)).containsExactly("d", "e");
            assertThat(keys(e, ks, "c", "c", false)).isEmpty();
            try (EngineCursor c = e.cursor(ks, ScanSpec.of(b("b"), b("e")))) {
                put(e, ks, "bb", "written after the cursor opened");
                c.seek(b("a"));
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("b");
                c.seek(b("c1"));
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("d");
                assertThat(c.next()).isFalse();
                assertThat(c.next()).isFalse();
                c.seek(b("z"));
                assertThat(c.next()).isFalse();
            }
            try (EngineCursor c = e.cursor(ks, ScanSpec.of(b("b"), b("e")).reverse(true))) {
                c.seek(b("z"));
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("d");
                c.seek(b("c1"));
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("c");
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("bb"); // written before this cursor opened
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("b");
                assertThat(c.next()).isFalse();
                c.seek(b("a"));
                assertThat(c.next()).isFalse();
                assertThatThrownBy(c::key).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Test
    void snapshotsSeeTheStateWhenTaken() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            put(e, ks, "a", "old");
            try (EngineSnapshot snap = e.snapshot()) {
                put(e, ks, "a", "new");
                put(e, ks, "b", "new");
                assertThat(s(snap.get(ks, b("a")))).isEqualTo("old");
                assertThat(snap.get(ks, b("b"))).isNull();
                assertThat(keys(snap, ks, null, null, false)).containsExactly("a");
                assertThat(keys(snap, ks, null, null, true)).containsExactly("a");
                assertThat(s(e.get(ks, b("a")))).isEqualTo("new");
                snap.close();
                assertThatThrownBy(() -> snap.get(ks, b("a"))).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Test
    void preconditionsAreCheckedAgainstTheLatestStateIncludingRanges() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            put(e, ks, "a", "1");
            assertThat(e.apply(EngineBatch.builder(Durability.NONE).requireValue(ks, b("a"), b("2"))
                    .put(ks, b("x"), b("x")).build())).isFalse();
            assertThat(e.get(ks, b("x"))).isNull();
            assertThat(e.apply(EngineBatch.builder(Durability.SYNC).requireValue(ks, b("a"), b("1"))
                    .requireValue(ks, b("nope"), null).put(ks, b("x"), b("x")).build())).isTrue();
            List<KeyValue> seen = List.of(new KeyValue(b("a"), b("1")), new KeyValue(b("x"), b("x")));
            assertThat(e.apply(EngineBatch.builder(Durability.NONE).requireRange(ks, null, null, seen)
                    .put(ks, b("y"), b("y")).build())).isTrue();
            // "y" is now a phantom for the same range condition.
            assertThat(e.apply(EngineBatch.builder(Durability.NONE).requireRange(ks, null, null, seen)
                    .put(ks, b("z"), b("z")).build())).isFalse();
            assertThat(e.get(ks, b("z"))).isNull();
        }
    }

    @Test
    void conditionalAndUnconditionalWritersRacingLoseNoUpdate() throws Exception {
        int threads = 4;
        int perThread = 200;
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            put(e, ks, "counter", "0");
            ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
            try {
                CountDownLatch go = new CountDownLatch(1);
                AtomicInteger wins = new AtomicInteger();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    fs.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            while (true) {
                                byte[] cur = e.get(ks, b("counter"));
                                byte[] next = b(Integer.toString(Integer.parseInt(s(cur)) + 1));
                                if (e.apply(EngineBatch.builder(Durability.NONE).requireValue(ks, b("counter"), cur)
                                        .put(ks, b("counter"), next).build())) {
                                    wins.incrementAndGet();
                                    break;
                                }
                            }
                        }
                        return null;
                    }));
                    int id = t;
                    fs.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            put(e, ks, "other-" + id + "-" + i, "v");
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : fs) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertThat(wins.get()).isEqualTo(threads * perThread);
                assertThat(s(e.get(ks, b("counter")))).isEqualTo(Integer.toString(threads * perThread));
                assertThat(keys(e, ks, "other-", "other.", false)).hasSize(threads * perThread);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Dropping a keyspace frees its column family handle while other threads read, scan and write through
     * it: each call either completes or fails with NoSuchKeyspaceException; none reaches native code with a
     * freed handle (which would crash the JVM, not fail the test). Same for a snapshot closed under readers.
     */
    @Test
    void handlesAndSnapshotsFreedUnderConcurrentUseFailCleanly() throws Exception {
        try (Engine e = open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                for (int round = 0; round < 30; round++) {
                    EngineKeyspace ks = e.createKeyspace("busy");
                    put(e, ks, "a", "1");
                    EngineSnapshot snap = e.snapshot();
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Integer>> fs = new ArrayList<>();
                    for (int t = 0; t < 3; t++) {
                        int kind = t;
                        fs.add(pool.submit(() -> {
                            go.await();
                            int ok = 0;
                            for (int i = 0; i < 2000; i++) {
                                try {
                                    switch (kind) {
                                        case 0 -> e.get(ks, b("a"));
                                        case 1 -> keys(e, ks, null, null, i % 2 == 0);
                                        default -> {
                                            put(e, ks, "k" + i, "v");
                                            snap.get(e.keyspace(Store.DEFAULT_KEYSPACE), b("a"));
                                        }
                                    }
                                    ok++;
                                } catch (NoSuchKeyspaceException | IllegalStateException expected) {
                                    // dropped or closed meanwhile
                                }
                            }
                            return ok;
                        }));
                    }
                    go.countDown();
                    Thread.sleep(round % 5);
                    snap.close();
                    assertThat(e.dropKeyspace("busy")).isTrue();
                    for (Future<Integer> f : fs) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(e.stats().get("rocksdb.open-snapshots")).isZero();
            assertThat(e.stats().get("rocksdb.open-cursors")).isZero();
        }
    }

    /**
     * Snapshots and stats taken through the SPI while the engine closes (the core never does this: it drains
     * its calls first): each call either completes before the close frees anything, or fails with
     * StoreClosedException. A snapshot taken after close had collected the open ones would never be released
     * (RocksDB then refuses to close the database) or would touch a freed database (crashing the JVM).
     */
    @Test
    void snapshotsRacingCloseAreEitherRefusedOrReleasedByIt() throws Exception {
        raceOpensAgainstClose(e -> {
            EngineSnapshot snap = e.snapshot();
            e.stats();
            return snap;
        }, (left, ks) -> assertThatThrownBy(() -> ((EngineSnapshot) left).get(ks, b("a")))
                .isInstanceOf(StoreClosedException.class));
    }

    @Test
    void aCursorAskedForAValuePrefixCopiesOnlyThatMuchOutOfRocksDb() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            byte[] big = new byte[10_000];
            Arrays.fill(big, (byte) 7);
            e.apply(EngineBatch.builder(Durability.NONE).put(ks, b("big"), big).put(ks, b("small"), b("xy")).build());
            try (EngineCursor c = e.cursor(ks, ScanSpec.all().valuesUpTo(9))) {
                assertThat(c.next()).isTrue();
                assertThat(c.value()).hasSize(9).containsOnly(7);
                assertThat(c.next()).isTrue();
                assertThat(c.value()).isEqualTo(b("xy"));
            }
            try (EngineCursor c = e.cursor(ks, ScanSpec.all())) {
                assertThat(c.next()).isTrue();
                assertThat(c.value()).isEqualTo(big);
            }
        }
    }

    /**
     * A value prefix is copied out through the cursor's reused value buffer: for every prefix size (below, at and
     * above the buffer's sizes) and every value length around it, the prefix comes back exactly, at most the
     * value's length, in an array of its own that later steps do not change.
     */
    @Test
    void valuePrefixesOfEverySizeComeBackExactAndInArraysOfTheirOwn() {
        int[] lengths = {0, 1, 8, 9, 10, 255, 256, 257, 300, 70_000, 70_001};
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            EngineBatch.Builder batch = EngineBatch.builder(Durability.NONE);
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < lengths.length; i++) {
                byte[] value = new byte[lengths[i]];
                for (int j = 0; j < value.length; j++) {
                    value[j] = (byte) (i * 31 + j);
                }
                values.add(value);
                batch.put(ks, new byte[] {(byte) i}, value);
            }
            e.apply(batch.build());
            for (int prefix : new int[] {1, 9, RocksDbCursor.INITIAL_VALUE_BUFFER, 300,
                RocksDbCursor.MAX_REUSED_BUFFER + 1, 70_000}) {
                List<byte[]> seen = new ArrayList<>();
                try (EngineCursor c = e.cursor(ks, ScanSpec.all().valuesUpTo(prefix))) {
                    while (c.next()) {
                        seen.add(c.value());
                    }
                }
                assertThat(seen).hasSize(lengths.length);
                for (int i = 0; i < lengths.length; i++) {
                    byte[] v = values.get(i);
                    assertThat(seen.get(i)).as("value of %d bytes, prefix %d", v.length, prefix)
                            .isEqualTo(Arrays.copyOf(v, Math.min(v.length, prefix)));
                }
            }
        }
    }

    /** A cursor's messages name its keyspace, the store's path and, for a snapshot's cursor, the snapshot. */
    @Test
    void aCursorNamesItsKeyspacePathAndView() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            try (EngineCursor c = e.cursor(ks, ScanSpec.all())) {
                assertThat(c.toString()).isEqualTo("rocksdb cursor over keyspace '" + Store.DEFAULT_KEYSPACE + "' of "
                        + dir);
            }
            try (EngineSnapshot snap = e.snapshot(); EngineCursor c = snap.cursor(ks, ScanSpec.all().reverse(true))) {
                assertThat(c.toString()).isEqualTo("rocksdb cursor over keyspace '" + Store.DEFAULT_KEYSPACE
                        + "' of a snapshot of " + dir + ", reverse");
            }
        }
    }

    /**
     * A cursor copies keys and values out through buffers it reuses and grows: every size around their limits
     * (the first sizes, a grown buffer, past {@link RocksDbCursor#MAX_REUSED_BUFFER}), in both directions, must
     * come back whole, in an array of its own that a later step does not change.
     */
    @Test
    void cursorsCopyKeysAndValuesOfEverySizeAroundTheirReusedBuffersWhole() {
        int[] sizes = {1, RocksDbCursor.INITIAL_KEY_BUFFER - 1, RocksDbCursor.INITIAL_KEY_BUFFER,
            RocksDbCursor.INITIAL_KEY_BUFFER + 1, 100, RocksDbCursor.INITIAL_VALUE_BUFFER,
            RocksDbCursor.INITIAL_VALUE_BUFFER + 1, 3_000, RocksDbCursor.MAX_REUSED_BUFFER,
            RocksDbCursor.MAX_REUSED_BUFFER + 1, 5, 200_000, 2};
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            EngineBatch.Builder batch = EngineBatch.builder(Durability.NONE);
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < sizes.length; i++) {
                // Keys in order of i: a first byte of i, then filler up to the size (at most the 64 KiB limit).
                byte[] key = new byte[Math.min(sizes[i], 64 * 1024)];
                Arrays.fill(key, (byte) (0x41 + i));
                key[0] = (byte) i;
                byte[] value = new byte[sizes[sizes.length - 1 - i]];
                Arrays.fill(value, (byte) (0x61 + i));
                keys.add(key);
                values.add(value);
                batch.put(ks, key, value);
            }
            e.apply(batch.build());
            for (boolean reverse : new boolean[] {false, true}) {
                List<byte[]> seenKeys = new ArrayList<>();
                List<byte[]> seenValues = new ArrayList<>();
                try (EngineCursor c = e.cursor(ks, ScanSpec.all().reverse(reverse))) {
                    while (c.next()) {
                        seenKeys.add(c.key());
                        seenValues.add(c.value());
                    }
                }
                assertThat(seenKeys).hasSize(sizes.length);
                for (int n = 0; n < sizes.length; n++) {
                    int i = reverse ? sizes.length - 1 - n : n;
                    assertThat(seenKeys.get(n)).as("key %d, reverse %s", i, reverse).isEqualTo(keys.get(i));
                    assertThat(seenValues.get(n)).as("value %d, reverse %s", i, reverse).isEqualTo(values.get(i));
                }
            }
        }
    }

    /** As for snapshots: a cursor closed by its owner while the engine closes never frees its iterator late. */
    @Test
    void cursorsRacingCloseAreEitherRefusedOrFreedByIt() throws Exception {
        raceOpensAgainstClose(e -> e.cursor(e.keyspace(Store.DEFAULT_KEYSPACE), ScanSpec.all()),
                (left, ks) -> assertThatThrownBy(((EngineCursor) left)::next).isInstanceOf(IllegalStateException.class));
    }

    /**
     * Two threads open things on an engine in a loop while it closes: one keeps everything open, the other
     * closes each one as it opens the next, racing the engine's close. Each thread stops at its first
     * StoreClosedException; what each left open must then refuse use ({@code check}) and close quietly.
     */
    private void raceOpensAgainstClose(Function<Engine, AutoCloseable> opener,
                                       BiConsumer<AutoCloseable, EngineKeyspace> check) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 40; round++) {
                Engine e = open(dir);
                EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
                put(e, ks, "a", "1");
                CountDownLatch running = new CountDownLatch(2);
                List<Future<AutoCloseable>> fs = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    boolean keepLast = t == 0;
                    fs.add(pool.submit(() -> {
                        AutoCloseable last = null;
                        try {
                            while (true) {
                                AutoCloseable opened = opener.apply(e);
                                if (last == null) {
                                    running.countDown();
                                } else if (!keepLast) {
                                    last.close(); // races the engine's close, which frees what is still open
                                }
                                last = opened;
                            }
                        } catch (StoreClosedException expected) {
                            return last; // left open, for close to have freed
                        }
                    }));
                }
                running.await(60, TimeUnit.SECONDS);
                e.close();
                for (Future<AutoCloseable> f : fs) {
                    AutoCloseable left = f.get(60, TimeUnit.SECONDS);
                    check.accept(left, ks);
                    left.close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyDurabilityLevelIsWrittenToTheWalAndSurvivesReopen() {
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            for (Durability d : Durability.values()) {
                e.apply(EngineBatch.builder(d).put(ks, b(d.name()), b("v")).build());
            }
            assertThat(e.capabilities().durabilities()).containsExactlyInAnyOrder(Durability.values());
            assertThat(e.capabilities().defaultDurability()).isEqualTo(Durability.SYNC);
        }
        try (Engine e = open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            for (Durability d : Durability.values()) {
                assertThat(e.get(ks, b(d.name()))).isNotNull();
            }
        }
    }

    @Test
    void statsSumColumnFamiliesUnderRocksdbNames() {
        try (Engine e = open(dir)) {
            EngineKeyspace a = e.createKeyspace("a");
            for (int i = 0; i < 100; i++) {
                put(e, a, "k" + i, "v");
                put(e, e.keyspace(Store.DEFAULT_KEYSPACE), "k" + i, "v");
            }
            e.flush();
            Map<String, Long> stats = e.stats();
            assertThat(stats).containsKeys("rocksdb.keyspaces", "rocksdb.estimate-num-keys",
                    "rocksdb.total-sst-files-size", "rocksdb.live-sst-files-size", "rocksdb.cur-size-all-mem-tables",
                    "rocksdb.block-cache-usage", "rocksdb.block-cache-pinned-usage", "rocksdb.num-snapshots",
                    "rocksdb.open-cursors", "rocksdb.open-snapshots", "rocksdb.estimate-table-readers-mem");
            assertThat(stats.get("rocksdb.keyspaces")).isEqualTo(2L);
            assertThat(stats.get("rocksdb.estimate-num-keys")).isEqualTo(200L);
            assertThat(stats.get("rocksdb.total-sst-files-size")).isPositive();
            e.compact();
        }
    }

    @Test
    void closingTheEngineFreesCursorsAndSnapshotsLeftOpen() {
        Engine e = open(dir);
        EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
        put(e, ks, "a", "1");
        EngineSnapshot snap = e.snapshot();
        EngineCursor c1 = e.cursor(ks, ScanSpec.of(null, null));
        EngineCursor c2 = snap.cursor(ks, ScanSpec.of(b("a"), b("b")).reverse(true));
        assertThat(c2.next()).isTrue();
        e.close();
        e.close();
        assertThatThrownBy(c1::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> e.get(ks, b("a"))).isInstanceOf(StoreClosedException.class);
        c1.close();
        c2.close();
        snap.close();
        try (Engine again = open(dir)) {
            assertThat(s(again.get(again.keyspace(Store.DEFAULT_KEYSPACE), b("a")))).isEqualTo("1");
        }
    }

    @Test
    void errorsNameThePathAndTheOperation() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        assertThatThrownBy(() -> open(file)).isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining(file.toString());
        Path store = dir.resolve("store");
        try (Engine first = open(store)) {
            assertThatThrownBy(() -> open(store)).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining(store.toString()).hasMessageContaining("open");
            assertThat(first.keyspaceNames()).contains(Store.DEFAULT_KEYSPACE);
        }
    }

    @Test
    void aForeignKeyspaceHandleIsRejected() {
        try (Engine e1 = open(dir.resolve("one")); Engine e2 = open(dir.resolve("two"))) {
            EngineKeyspace foreign = e2.keyspace(Store.DEFAULT_KEYSPACE);
            assertThatThrownBy(() -> e1.get(foreign, b("a"))).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
