package dev.plinth.bench;

import java.util.Set;
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
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Fsync'd overwrites on every target of {@link Targets#DURABLE}: Plinth with durability {@code SYNC}, and
 * each peer in the setting where a write returns only after an fsync. Same data as {@link KvBenchmark}.
 * {@link #syncPut} is one writer; {@link #syncPut8} is {@value #WRITERS} writers at once, where a library
 * with group commit shares one fsync among the writers waiting (its score counts every writer's puts).
 *
 * <p>Raw LMDB ({@link Targets#LMDB}) reuses one pair of buffers, so its writers take turns on a lock here;
 * LMDB admits one write transaction at a time anyway, so this is the order its own writer mutex imposes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class SyncPutBenchmark {
    /** Threads of {@link #syncPut8}. */
    public static final int WRITERS = 8;
    /** Targets whose {@code put} is not safe from several threads; their writers take turns. */
    private static final Set<String> ONE_WRITER_AT_A_TIME = Set.of(Targets.LMDB);

    /** Which library, by {@link Targets} name. */
    @Param({"plinth-rocksdb", "rocksdb", "rocksdb-defaults", "plinth-lmdb", "lmdb", "plinth-lsm", "leveldb", "mvstore", "mapdb",
        "xodus"})
    public String engine;

    /** Keys loaded before measuring. */
    @Param("100000")
    public int keyCount;

    /** Bytes per value. */
    @Param("100")
    public int valueSize;

    private TargetFixture fixture;
    /** The lock writers of a {@link #ONE_WRITER_AT_A_TIME} target take, else {@code null}. */
    private Object turn;

    /** One writer's key picker and value counter, seeded by its thread index. */
    @State(Scope.Thread)
    public static class Writer {
        private long rng;
        private int valueIndex;

        /** Seeds the picker: each thread its own sequence, the same for every target. */
        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            seed(thread.getThreadIndex());
        }

        void seed(int threadIndex) {
            rng = 0x2545F4914F6CDD1DL + 0x9E3779B97F4A7C15L * threadIndex;
            if (rng == 0) {
                rng = 1;
            }
        }

        int nextIndex(int bound) {
            long x = rng;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            rng = x;
            return (int) Long.remainderUnsigned(x, bound);
        }
    }

    /** Opens the target for fsync'd writes in a fresh temporary directory and loads every key. */
    @Setup(Level.Trial)
    public void setUp() {
        fixture = TargetFixture.open(engine, keyCount, valueSize, KvTarget.Durable.SYNC);
        turn = ONE_WRITER_AT_A_TIME.contains(engine) ? new Object() : null;
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

    /** Overwrites one random existing key and waits for the fsync. */
    @Benchmark
    public void syncPut() {
        fixture.target().put(fixture.randomKey(), fixture.nextValue());
    }

    /**
     * Overwrites one random existing key from each of {@value #WRITERS} threads at once, each waiting for
     * its fsync; the score is the puts of all writers together.
     */
    @Benchmark
    @Threads(WRITERS)
    public void syncPut8(Writer writer) {
        BenchData data = fixture.data();
        byte[] key = data.keyAt(writer.nextIndex(keyCount));
        byte[] value = data.value(writer.valueIndex++);
        if (turn == null) {
            fixture.target().put(key, value);
        } else {
            synchronized (turn) {
                fixture.target().put(key, value);
            }
        }
    }
}
