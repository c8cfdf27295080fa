package dev.plinth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @Param({"plinth-mem", "skiplist", "plinth-rocksdb", "rocksdb", "plinth-lmdb", "lmdb", "mvstore", "mapdb", "xodus"})
    public String engine;

    /** Keys loaded before measuring. */
    @Param("100000")
    public int keyCount;

    /** Bytes per value (keys are {@link BenchData#KEY_SIZE} bytes). */
    @Param("100")
    public int valueSize;

    private Path dir;
    private KvTarget target;
    private BenchData data;
    private long rng = 0x2545F4914F6CDD1DL;
    private int valueIndex;
    private final byte[][] batchKeys = new byte[BATCH][];
    private final byte[][] batchValues = new byte[BATCH][];

    /** Opens the target in a fresh temporary directory and loads every key. */
    @Setup(Level.Trial)
    public void setUp() {
        try {
            dir = Files.createTempDirectory("plinth-bench-" + engine + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory", e);
        }
        data = new BenchData(keyCount, valueSize);
        target = Targets.open(engine, dir, KvTarget.Durable.FAST);
        data.load(target);
    }

    /** Closes the target and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (target != null) {
            target.close();
        }
        Targets.deleteTree(dir);
    }

    private int nextIndex(int bound) {
        long x = rng;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rng = x;
        return (int) Long.remainderUnsigned(x, bound);
    }

    /** The target, for the smoke tests. */
    KvTarget target() {
        return target;
    }

    /** The target's directory, for the smoke tests. */
    Path dir() {
        return dir;
    }

    /** Reads one random existing key. */
    @Benchmark
    public byte[] get() {
        return target.get(data.keyAt(nextIndex(keyCount)));
    }

    /** Overwrites one random existing key. */
    @Benchmark
    public void put() {
        target.put(data.keyAt(nextIndex(keyCount)), data.value(valueIndex++));
    }

    /** Writes {@link #BATCH} random existing keys as one batch; one operation is one batch. */
    @Benchmark
    public void batchPut() {
        for (int i = 0; i < BATCH; i++) {
            batchKeys[i] = data.keyAt(nextIndex(keyCount));
            batchValues[i] = data.value(valueIndex++);
        }
        target.putBatch(batchKeys, batchValues, 0, BATCH);
    }

    /** Reads {@link #BATCH} entries in order from a random existing key; one operation is one scan. */
    @Benchmark
    public long scan() {
        return target.scan(data.keyAt(nextIndex(keyCount - BATCH)), BATCH);
    }
}
