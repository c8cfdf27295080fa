package dev.plinth.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Point reads, overwrites, batched writes and short scans, one thread, on every target of
 * {@link Targets#ALL} loaded with the same {@link BenchData}. Writes use each library's cheapest durability
 * (no fsync per write); {@link SyncPutBenchmark} measures fsync'd writes. Keys are picked uniformly at
 * random by a xorshift generator seeded the same way for every target.
 *
 * <p>Each fork runs with a fixed, pre-touched heap and the add-opens flags lmdbjava needs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class KvBenchmark {
    /** Entries per {@link #batchPut} and per {@link #scan}. */
    public static final int BATCH = 100;

    /** Which library, by {@link Targets} name. */
    @Param({"plinth-mem", "plinth-mem-checked", "skiplist", "skiplist-copying", "plinth-rocksdb", "rocksdb",
        "rocksdb-defaults", "plinth-lmdb", "plinth-lmdb-unchecked", "lmdb", "plinth-lsm", "leveldb", "mvstore", "mapdb",
        "xodus"})
    public String engine;

    /** Keys loaded before measuring. */
    @Param("100000")
    public int keyCount;

    /** Bytes per value (keys are {@link BenchData#KEY_SIZE} bytes). */
    @Param("100")
    public int valueSize;

    /**
     * Whether to measure the data at rest: memtables flushed and compactions done after the load
     * ({@link KvTarget#settle()}). Without it an LSM engine is measured mid-compaction, with much of the data
     * still in pinned L0 files, which hides what reads cost once the data has settled into deeper levels.
     */
    @Param("false")
    public boolean settle;

    private TargetFixture fixture;
    private KvTarget target;
    private final byte[][] batchKeys = new byte[BATCH][];
    private final byte[][] batchValues = new byte[BATCH][];
    /** Feeds scanned entries to the run's blackhole; made on the first scan, which is when JMH hands it over. */
    private KvTarget.Sink sink;
    /** Feeds lent entries to the run's blackhole, for {@link #scanLending}. */
    private KvTarget.ViewSink viewSink;

    /** Opens the target in a fresh temporary directory and loads every key. */
    @Setup(Level.Trial)
    public void setUp() {
        fixture = TargetFixture.open(engine, keyCount, valueSize, KvTarget.Durable.FAST, settle);
        target = fixture.target();
    }

    /** Closes the target and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The fixture, for the smoke tests. */
    TargetFixture fixture() {
        return fixture;
    }

    /** Reads one random existing key. */
    @Benchmark
    public byte[] get() {
        return target.get(fixture.randomKey());
    }

    /** Overwrites one random existing key. */
    @Benchmark
    public void put() {
        target.put(fixture.randomKey(), fixture.nextValue());
    }

    /** Writes {@link #BATCH} random existing keys as one batch; one operation is one batch. */
    @Benchmark
    public void batchPut() {
        for (int i = 0; i < BATCH; i++) {
            batchKeys[i] = fixture.randomKey();
            batchValues[i] = fixture.nextValue();
        }
        target.putBatch(batchKeys, batchValues, 0, BATCH);
    }

    /**
     * Reads {@link #BATCH} entries in order from a random existing key, each key and value going into the
     * blackhole; one operation is one scan.
     */
    @Benchmark
    public long scan(Blackhole blackhole) {
        if (sink == null) {
            sink = (k, v) -> {
                blackhole.consume(k);
                blackhole.consume(v);
            };
        }
        return target.scan(fixture.data().keyAt(fixture.nextIndex(keyCount - BATCH)), BATCH, sink);
    }

    /**
     * {@link #scan}, with keys and values lent where the target can lend them
     * ({@link KvTarget#scanLending}): Plinth's {@code keyView()}/{@code valueView()}, raw lmdbjava's buffers
     * into the map; the other targets run {@link #scan} (the skip list hands out its own arrays in both).
     * Each view goes into the blackhole before the next step.
     */
    @Benchmark
    public long scanLending(Blackhole blackhole) {
        if (sink == null) {
            sink = (k, v) -> {
                blackhole.consume(k);
                blackhole.consume(v);
            };
        }
        if (viewSink == null) {
            viewSink = (k, v) -> {
                blackhole.consume(k);
                blackhole.consume(v);
            };
        }
        return target.scanLending(fixture.data().keyAt(fixture.nextIndex(keyCount - BATCH)), BATCH, sink, viewSink);
    }
}
