package dev.plinth.bench.raftlog;

import dev.plinth.Durability;
import dev.plinth.bench.Targets;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
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
 * The latencies issue 13 names, as JMH sample-time percentiles, one thread, 128-byte entries, on every log side
 * by side: {@code entry()} of a random index and {@code lastIndex} on a group holding {@link #entries} entries
 * (loaded only for those two cases),
 * and {@code purge}, {@code truncate} and {@code reset} of 10,000 entries (each invocation first appends 10,000
 * entries at {@code NONE}, outside the measured time, then makes the change at {@code SYNC}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 2)
public class RaftLogOpsBenchmark {
    /** Bytes of payload per entry. */
    public static final int ENTRY_BYTES = 128;
    /** Entries removed by the purge, truncate and reset cases. */
    public static final int CHANGE = 10_000;
    static final long GROUP = 1;
    static final long OTHER = 2;

    /** Which log. */
    @Param({"shared", "segmented", "plinth-lsm", "plinth-rocksdb"})
    public String log;

    /** Entries in the read group. */
    @Param({"1000000"})
    public int entries;

    private Path dir;
    private RaftStorage storage;
    private final byte[] payload = new byte[ENTRY_BYTES];
    private final SplittableRandom rnd = new SplittableRandom(1);

    /** Opens the log and loads the read group. */
    @Setup(Level.Trial)
    public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) throws Exception {
        ForkHeap.warnUnlessPretouched();
        new Random(1).nextBytes(payload);
        dir = Files.createTempDirectory("plinth-bench-raftops-" + log + "-");
        storage = switch (log) {
            case "shared" -> RaftLogs.openShared(dir.resolve("log"));
            case "segmented" -> RaftLogs.openSegmented(dir.resolve("log"));
            case "plinth-lsm" -> RaftLogs.open("lsm:" + dir.resolve("log"));
            case "plinth-rocksdb" -> RaftLogs.open("rocksdb:" + dir.resolve("log"));
            default -> throw new IllegalArgumentException("unknown log " + log);
        };
        boolean reads = params.getBenchmark().endsWith(".entry") || params.getBenchmark().endsWith(".lastIndex");
        for (long i = 1; reads && i <= entries; i += 1000) {
            storage.append(GROUP, run(i, (int) Math.min(1000, entries - i + 1)), Durability.NONE);
        }
        storage.flush();
    }

    private List<LogEntry> run(long from, int n) {
        List<LogEntry> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(new LogEntry(from + i, 1, payload));
        }
        return l;
    }

    /** Closes the log and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        storage.close();
        Targets.deleteTree(dir);
    }

    /** Appends 10,000 entries to the other group before each invocation of the change cases. */
    @State(Scope.Thread)
    public static class Filled {
        long from;

        /** Appends the entries the next change removes. */
        @Setup(Level.Invocation)
        public void fill(RaftLogOpsBenchmark b) {
            from = b.storage.lastIndex(OTHER) + 1;
            for (long i = from; i < from + CHANGE; i += 1000) {
                b.storage.append(OTHER, b.run(i, 1000), Durability.NONE);
            }
        }
    }

    /** One entry at a random index of the read group. */
    @Benchmark
    public LogEntry entry() {
        return storage.entry(GROUP, 1 + rnd.nextLong(entries));
    }

    /** The read group's last index. */
    @Benchmark
    public long lastIndex() {
        return storage.lastIndex(GROUP);
    }

    /** Purges the 10,000 entries just appended (and any before them). */
    @Benchmark
    public long purge10k(Filled f) {
        return storage.purge(OTHER, f.from + CHANGE - 1, Durability.SYNC);
    }

    /** Truncates the 10,000 entries just appended. */
    @Benchmark
    public void truncate10k(Filled f) {
        storage.truncate(OTHER, f.from, Durability.SYNC);
    }

    /** Resets the group holding the 10,000 entries just appended. */
    @Benchmark
    public void reset10k(Filled f) {
        storage.reset(OTHER, f.from + CHANGE + 5, 1, Durability.SYNC);
    }
}
