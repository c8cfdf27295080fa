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

/**
 * One fsync'd overwrite at a time, one thread, on every target of {@link Targets#DURABLE}: Plinth with
 * durability {@code SYNC}, and each peer in the setting where a write returns only after an fsync. Same
 * data and key choice as {@link KvBenchmark}.
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
    /** Which library, by {@link Targets} name. */
    @Param({"plinth-rocksdb", "rocksdb", "rocksdb-defaults", "plinth-lmdb", "lmdb", "mvstore", "mapdb", "xodus"})
    public String engine;

    /** Keys loaded before measuring. */
    @Param("100000")
    public int keyCount;

    /** Bytes per value. */
    @Param("100")
    public int valueSize;

    private TargetFixture fixture;

    /** Opens the target for fsync'd writes in a fresh temporary directory and loads every key. */
    @Setup(Level.Trial)
    public void setUp() {
        fixture = TargetFixture.open(engine, keyCount, valueSize, KvTarget.Durable.SYNC);
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
}
