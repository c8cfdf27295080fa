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
 * LevelDB's {@code fillrandom}: {@code keyCount} single puts, each key once, in a seeded random order the
 * same for every target, into a new empty store, with each library's cheapest durability (no fsync per
 * write). One operation is the whole fill; the score is seconds per fill (single-shot), so entries per
 * second are {@code keyCount} divided by it. Opening the empty store and closing it afterwards (with
 * whatever the library does at close) are not timed. Same data as {@link KvBenchmark}; targets as
 * {@link Targets}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class FillBenchmark {
    /** Which library, by {@link Targets} name. */
    @Param({"plinth-rocksdb", "rocksdb", "plinth-lmdb", "lmdb", "plinth-lsm", "leveldb", "mvstore", "mapdb", "xodus"})
    public String engine;

    /** Keys written by one fill. */
    @Param("1000000")
    public int keyCount;

    /** Bytes per value. */
    @Param("100")
    public int valueSize;

    private BenchData data;
    /** The fill order: a permutation of {@code [0, keyCount)}. */
    private int[] order;
    private Path dir;
    private KvTarget target;

    /** Makes the data and the order. */
    @Setup(Level.Trial)
    public void makeData() {
        data = new BenchData(keyCount, valueSize);
        order = new int[keyCount];
        for (int i = 0; i < keyCount; i++) {
            order[i] = i;
        }
        long x = 0x2545F4914F6CDD1DL;
        for (int i = keyCount - 1; i > 0; i--) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            int j = (int) Long.remainderUnsigned(x, i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Opens the target, empty, in a new temporary directory. */
    @Setup(Level.Iteration)
    public void openEmpty() {
        try {
            dir = Files.createTempDirectory("plinth-bench-fill-" + engine + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory", e);
        }
        try {
            target = Targets.open(engine, dir, KvTarget.Durable.FAST);
        } catch (RuntimeException e) {
            Targets.deleteTree(dir);
            throw e;
        }
    }

    /** Closes the target and deletes its files. */
    @TearDown(Level.Iteration)
    public void closeAndDelete() {
        try {
            if (target != null) {
                target.close();
            }
        } finally {
            target = null;
            Targets.deleteTree(dir);
        }
    }

    /** The target of the current iteration, for the smoke tests. */
    KvTarget target() {
        return target;
    }

    /** The fill order, for the smoke tests. */
    int[] order() {
        return order;
    }

    /** Puts every key once, in {@link #order}. */
    @Benchmark
    public void fillrandom() {
        KvTarget t = target;
        for (int i : order) {
            t.put(data.keyAt(i), data.value(i));
        }
    }
}
