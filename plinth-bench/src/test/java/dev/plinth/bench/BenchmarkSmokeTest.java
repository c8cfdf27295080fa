package dev.plinth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.bench.peers.RocksDbTarget;
import dev.plinth.rocksdb.RocksDbOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Each benchmark state sets up on each target, each operation does what it says and returns the right
 * data, and tear-down removes the target's files. Runs each operation once: no timing here.
 */
class BenchmarkSmokeTest {
    private static final int KEYS = 2_000;
    private static final int VALUE_SIZE = 100;

    static Stream<String> all() {
        return Targets.ALL.stream();
    }

    static Stream<String> durable() {
        return Targets.DURABLE.stream();
    }

    private static KvBenchmark kv(String engine) {
        KvBenchmark b = new KvBenchmark();
        b.engine = engine;
        b.keyCount = KEYS;
        b.valueSize = VALUE_SIZE;
        return b;
    }

    @ParameterizedTest
    @MethodSource("all")
    void kvBenchmarkOperationsReadAndWriteTheLoadedData(String engine) {
        KvBenchmark b = kv(engine);
        b.setUp();
        Path dir;
        BenchData data = new BenchData(KEYS, VALUE_SIZE);
        try {
            KvTarget t = b.fixture().target();
            assertThat(t.get(BenchData.key(0))).isEqualTo(data.value(0));
            assertThat(t.get(BenchData.key(KEYS - 1))).isEqualTo(data.value(KEYS - 1));
            assertThat(t.get(BenchData.key(KEYS))).isNull();

            byte[] got = b.get();
            assertThat(got).hasSize(VALUE_SIZE);

            // A scan from key 10 reads 100 entries of VALUE_SIZE bytes (checksum 100 * (1 + VALUE_SIZE)), in
            // order, and hands each one to the sink.
            List<byte[]> seen = new ArrayList<>();
            assertThat(t.scan(BenchData.key(10), KvBenchmark.BATCH, (k, v) -> {
                assertThat(v).isEqualTo(data.value(10 + seen.size()));
                seen.add(k);
            })).isEqualTo(KvBenchmark.BATCH * (1L + VALUE_SIZE));
            assertThat(seen).hasSize(KvBenchmark.BATCH);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i)).isEqualTo(BenchData.key(10 + i));
            }
            // Near the end fewer entries remain.
            assertThat(t.scan(BenchData.key(KEYS - 3), KvBenchmark.BATCH, (k, v) -> { }))
                    .isEqualTo(3L * (1 + VALUE_SIZE));
            Blackhole blackhole = new Blackhole(
                    "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
            assertThat(b.scan(blackhole)).isEqualTo(KvBenchmark.BATCH * (1L + VALUE_SIZE));
            // The lending scan reads the same entries, as views (Plinth, raw LMDB) or arrays (the others).
            List<byte[]> lent = new ArrayList<>();
            assertThat(t.scanLending(BenchData.key(10), KvBenchmark.BATCH, (k, v) -> {
                assertThat(v).isEqualTo(data.value(10 + lent.size()));
                lent.add(k);
            }, (k, v) -> {
                byte[] value = new byte[v.remaining()];
                v.duplicate().get(value);
                assertThat(value).isEqualTo(data.value(10 + lent.size()));
                byte[] key = new byte[k.remaining()];
                k.duplicate().get(key);
                lent.add(key);
            })).isEqualTo(KvBenchmark.BATCH * (1L + VALUE_SIZE));
            for (int i = 0; i < lent.size(); i++) {
                assertThat(lent.get(i)).isEqualTo(BenchData.key(10 + i));
            }
            assertThat(lent).hasSize(KvBenchmark.BATCH);
            assertThat(b.scanLending(blackhole)).isEqualTo(KvBenchmark.BATCH * (1L + VALUE_SIZE));

            b.put();
            b.batchPut();
            byte[] fresh = new byte[VALUE_SIZE];
            fresh[0] = 42;
            t.put(BenchData.key(7), fresh);
            assertThat(t.get(BenchData.key(7))).isEqualTo(fresh);
            byte[][] keys = {BenchData.key(KEYS + 1), BenchData.key(KEYS + 2)};
            byte[][] values = {fresh, data.value(3)};
            t.putBatch(keys, values, 0, 2);
            assertThat(t.get(keys[0])).isEqualTo(fresh);
            assertThat(t.get(keys[1])).isEqualTo(data.value(3));
            assertThat(t.scan(BenchData.key(KEYS - 1), 10, (k, v) -> { })).isEqualTo(3L * (1 + VALUE_SIZE));
        } finally {
            dir = b.fixture() == null ? null : b.fixture().dir();
            b.tearDown();
        }
        if (dir != null) {
            assertThat(dir).doesNotExist();
        }
    }

    @ParameterizedTest
    @MethodSource("durable")
    void syncPutBenchmarkWritesDurablyAndTheValueIsThere(String engine) {
        SyncPutBenchmark b = new SyncPutBenchmark();
        b.engine = engine;
        b.keyCount = KEYS;
        b.valueSize = VALUE_SIZE;
        b.setUp();
        try {
            b.syncPut();
            byte[] fresh = new byte[VALUE_SIZE];
            fresh[1] = 7;
            b.fixture().target().put(BenchData.key(5), fresh);
            assertThat(b.fixture().target().get(BenchData.key(5))).isEqualTo(fresh);
            assertThat(b.fixture().target().get(BenchData.key(6))).isEqualTo(new BenchData(KEYS, VALUE_SIZE).value(6));
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @MethodSource("durable")
    void syncPut8WritesFromEveryThreadToTheLoadedStore(String engine) throws Exception {
        SyncPutBenchmark b = new SyncPutBenchmark();
        b.engine = engine;
        b.keyCount = KEYS;
        b.valueSize = VALUE_SIZE;
        b.setUp();
        try {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int w = 0; w < SyncPutBenchmark.WRITERS; w++) {
                SyncPutBenchmark.Writer writer = new SyncPutBenchmark.Writer();
                int index = w;
                writer.seed(index);
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < 5; i++) {
                            b.syncPut8(writer);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            // Every key still holds one of the values the data set cycles through.
            BenchData data = new BenchData(KEYS, VALUE_SIZE);
            Set<String> values = new HashSet<>();
            for (int i = 0; i < 64; i++) {
                values.add(Arrays.toString(data.value(i)));
            }
            for (int i = 0; i < KEYS; i += 97) {
                assertThat(values).contains(Arrays.toString(b.fixture().target().get(BenchData.key(i))));
            }
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @MethodSource("fillTargets")
    void fillrandomWritesEveryKeyOnceIntoAnEmptyStore(String engine) {
        FillBenchmark b = new FillBenchmark();
        b.engine = engine;
        b.keyCount = KEYS;
        b.valueSize = VALUE_SIZE;
        b.makeData();
        assertThat(b.order()).hasSize(KEYS).doesNotHaveDuplicates();
        assertThat(b.order()).isNotEqualTo(IntStream.range(0, KEYS).toArray());
        b.openEmpty();
        try {
            assertThat(b.target().get(BenchData.key(0))).isNull();
            b.fillrandom();
            BenchData data = new BenchData(KEYS, VALUE_SIZE);
            for (int i = 0; i < KEYS; i += 13) {
                assertThat(b.target().get(BenchData.key(i))).isEqualTo(data.value(i));
            }
            assertThat(b.target().scan(BenchData.key(0), KEYS + 1, (k, v) -> { })).isEqualTo(KEYS * (1L + VALUE_SIZE));
        } finally {
            b.closeAndDelete();
        }
    }

    static Stream<String> fillTargets() {
        return Stream.of(Targets.PLINTH_LSM, Targets.LEVELDB, Targets.ROCKSDB, Targets.LMDB, Targets.MVSTORE);
    }

    @Test
    void inMemoryTargetsRefuseSyncWrites() throws Exception {
        Path dir = Files.createTempDirectory("plinth-bench-test");
        try {
            assertThatThrownBy(() -> Targets.open(Targets.PLINTH_MEM, dir, KvTarget.Durable.SYNC))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fsync");
            assertThatThrownBy(() -> Targets.open("nosuch", dir, KvTarget.Durable.FAST))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plinth-rocksdb");
        } finally {
            Targets.deleteTree(dir);
        }
    }

    static Stream<String> rocksDbCandidates() {
        return Stream.concat(Stream.of(RocksDbTarget.Setup.values())
                        .map(setup -> Targets.ROCKSDB_SETUP + setup.name().toLowerCase(Locale.ROOT).replace('_', '-')),
                Stream.of(Targets.PLINTH_ROCKSDB_WITH + "indexAndFilters=cache&blockCacheSize=8m"));
    }

    @ParameterizedTest
    @MethodSource("rocksDbCandidates")
    void everyRocksDbCandidateOpensByNameAndReadsWhatItWrote(String engine) throws Exception {
        Path dir = Files.createTempDirectory("plinth-bench-test");
        try (KvTarget t = Targets.open(engine, dir, KvTarget.Durable.FAST)) {
            t.put(BenchData.key(1), new byte[] {7});
            assertThat(t.get(BenchData.key(1))).containsExactly(7);
            assertThat(t.nativeMemory()).contains("rocksdb.estimate-table-readers-mem=");
            if (!engine.equals(Targets.ROCKSDB_SETUP + "defaults")) {
                // Raw candidates are set up as Plinth's engine is, in the settings the comparison does not vary.
                assertThat(newestOptionsFile(dir)).as("RocksDB's OPTIONS file of %s", engine)
                        .contains("max_open_files=" + RocksDbOptions.DEFAULT_MAX_OPEN_FILES)
                        .contains("db_write_buffer_size=" + RocksDbOptions.MEMTABLE_BUDGET_FACTOR
                                * RocksDbOptions.DEFAULT_WRITE_BUFFER_SIZE)
                        .contains("write_buffer_size=" + RocksDbOptions.DEFAULT_WRITE_BUFFER_SIZE);
            }
        } finally {
            Targets.deleteTree(dir);
        }
        assertThatThrownBy(() -> Targets.open("rocksdb-no-such-setup", dir, KvTarget.Durable.FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CACHE_NO_POOL");
    }

    /** The text of the newest {@code OPTIONS-NNNNNN} file RocksDB wrote in {@code dir}. */
    private static String newestOptionsFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path newest = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
                    .max(Comparator.comparing(p -> Long.parseLong(p.getFileName().toString().substring(8))))
                    .orElseThrow(() -> new AssertionError("no OPTIONS file in " + dir));
            return Files.readString(newest);
        }
    }

    @Test
    void closeTwiceIsHarmless() throws Exception {
        for (String engine : Targets.ALL) {
            Path dir = Files.createTempDirectory("plinth-bench-test");
            try {
                KvTarget t = Targets.open(engine, dir, KvTarget.Durable.FAST);
                t.close();
                t.close();
            } finally {
                Targets.deleteTree(dir);
            }
        }
    }

}
