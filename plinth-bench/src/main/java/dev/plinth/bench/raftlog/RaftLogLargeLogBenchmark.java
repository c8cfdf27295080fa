package dev.plinth.bench.raftlog;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogReader;
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
 * The latency goals of issue 13 on a log of {@link #ENTRIES} (10 million) entries of 128 bytes, one thread:
 * {@code entry()} of a random index, {@code entries(from, to)} of 10,000 consecutive entries from a random index and
 * {@code lastIndex} (JMH sample time: percentiles), and purges of the next
 * 10,000 entries from the front of that same log at {@code SYNC} (single shot, one purge per iteration: the
 * distribution over the iterations).
 *
 * <p>Loading 10 million entries takes minutes on a log on an engine, longer than a benchmark run should hold the
 * machine, so the data sets are built beforehand by {@link #main(String[])} into the directory named by the system
 * property {@value #DATA_PROPERTY} (one sub-directory per log), and the benchmark opens them. The purges consume
 * the data set: each run of {@code purge10k} removes {@code (warm-up + measured iterations) x 10,000} entries from
 * the front, so a data set serves a few runs before it must be rebuilt ({@code entry()} reads between the first
 * and last index, whatever they are then). {@code -D}{@value #ENTRIES_PROPERTY}{@code =N} builds and accepts data
 * sets of N entries instead, for a quicker run. A log on an engine is compacted after it is loaded (its time is
 * printed), unless {@code -D}{@value #COMPACT_PROPERTY}{@code =false}: the compaction of a fresh load otherwise runs
 * on in the benchmark, beside the reads it measures.
 *
 * <pre>
 * java -cp plinth-bench/target/benchmarks.jar dev.plinth.bench.raftlog.RaftLogLargeLogBenchmark /data/raft10m shared segmented plinth-lsm plinth-rocksdb
 * java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -Dplinth.raftlog.data=/data/raft10m -jar plinth-bench/target/benchmarks.jar RaftLogLargeLogBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class RaftLogLargeLogBenchmark {
    /** Entries in the data set's group. */
    public static final long ENTRIES = 10_000_000;
    /** Bytes of payload per entry. */
    public static final int ENTRY_BYTES = 128;
    /** Entries removed by one purge. */
    public static final int PURGE = 10_000;
    /** Entries read by one {@code entries10k}. */
    public static final int READ = 10_000;
    /** The system property naming the directory of the data sets. */
    public static final String DATA_PROPERTY = "plinth.raftlog.data";
    /**
     * The system property giving the entries of a data set, {@link #ENTRIES} if unset: read by {@link #main} when it
     * builds one and by the benchmark when it checks one.
     */
    public static final String ENTRIES_PROPERTY = "plinth.raftlog.entries";
    /**
     * The system property that, set to {@code false}, leaves a data set of a log on an engine as loaded; by default
     * {@link #main} compacts the store after loading it ({@code Store.compact()}), so that no compaction left over
     * from the load runs during the measurement.
     */
    public static final String COMPACT_PROPERTY = "plinth.raftlog.compact";
    static final long GROUP = 1;

    /** Which log. */
    @Param({"shared", "segmented", "plinth-lsm", "plinth-rocksdb"})
    public String log;

    private RaftStorage storage;
    private long first;
    private long last;
    private final SplittableRandom rnd = new SplittableRandom(1);

    /** Opens a log in a data set directory. */
    static RaftStorage open(String log, Path dir) {
        return switch (log) {
            case "shared" -> RaftLogs.openShared(dir);
            case "segmented" -> RaftLogs.openSegmented(dir);
            case "plinth-lsm" -> RaftLogs.open("lsm:" + dir);
            case "plinth-rocksdb" -> RaftLogs.open("rocksdb:" + dir);
            default -> throw new IllegalArgumentException("unknown log " + log);
        };
    }

    /** Opens the log of the data set; refuses a missing or too small one. */
    @Setup(Level.Trial)
    public void setUp() {
        ForkHeap.warnUnlessPretouched();
        String data = System.getProperty(DATA_PROPERTY);
        if (data == null) {
            throw new IllegalStateException("Set -D" + DATA_PROPERTY + "=DIR to the data sets built by "
                    + "RaftLogLargeLogBenchmark.main.");
        }
        Path dir = Path.of(data, log);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("No data set for " + log + " in " + dir + ": build it with "
                    + "RaftLogLargeLogBenchmark.main.");
        }
        storage = open(log, dir);
        first = storage.firstIndex(GROUP);
        last = storage.lastIndex(GROUP);
        long expected = entries();
        if (last - first + 1 < expected / 2 || last - first + 1 < READ) {
            throw new IllegalStateException("The data set of " + log + " holds " + (last - first + 1)
                    + " entries, fewer than half of " + expected + " (-D" + ENTRIES_PROPERTY + ") or than "
                    + READ + ": rebuild it.");
        }
    }

    /** Closes the log (the data set stays). */
    @TearDown(Level.Trial)
    public void tearDown() {
        storage.close();
    }

    /** One entry at a random index. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 3, time = 2)
    public LogEntry entry() {
        return storage.entry(GROUP, first + rnd.nextLong(last - first + 1));
    }

    /**
     * Reads 10,000 consecutive entries from a random index with one streaming read ({@code entries(from, to)}, no
     * byte budget), every entry materialised as the reader returns it.
     *
     * @return the number of payload bytes read, so that nothing is optimised away
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 3, time = 2)
    public long entries10k() {
        long from = first + rnd.nextLong(last - first + 2 - READ);
        long bytes = 0;
        try (LogReader r = storage.entries(GROUP, from, from + READ, Long.MAX_VALUE)) {
            while (r.next()) {
                bytes += r.entry().size();
            }
        }
        return bytes;
    }

    /** The last index. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 3, time = 2)
    public long lastIndex() {
        return storage.lastIndex(GROUP);
    }

    /** Purges the next 10,000 entries from the front of the log, at {@code SYNC}. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 10)
    @Measurement(iterations = 100)
    public long purge10k() {
        return storage.purge(GROUP, storage.firstIndex(GROUP) + PURGE - 1, Durability.SYNC);
    }

    /**
     * Builds the data sets: {@code DIR LOG...} appends {@link #ENTRIES} entries (or {@code -D}{@value #ENTRIES_PROPERTY}) to group 1 of each named log in
     * {@code DIR/LOG}, in batches of 1,000 at {@code NONE}, then flushes; each payload is 128 bytes cut from a pool of
     * random bytes at an offset that depends on its index. A data set that exists is replaced.
     *
     * @param args the directory, then the logs
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: RaftLogLargeLogBenchmark DIR LOG... (shared, segmented, plinth-lsm, plinth-rocksdb)");
            System.exit(2);
        }
        // Every entry has its own bytes, cut from a pool of random ones, so that no engine compresses the data set
        // into its caches.
        long entries = entries();
        byte[] pool = new byte[1 << 20];
        new Random(1).nextBytes(pool);
        for (int a = 1; a < args.length; a++) {
            Path dir = Path.of(args[0], args[a]);
            dev.plinth.bench.Targets.deleteTree(dir);
            Files.createDirectories(dir.getParent());
            long t0 = System.nanoTime();
            String engine = switch (args[a]) {
                case "plinth-lsm" -> "lsm:";
                case "plinth-rocksdb" -> "rocksdb:";
                default -> null;
            };
            // A log on an engine is loaded through a store the builder holds, so that it can compact it afterwards:
            // otherwise the engine's compaction of the load runs on in the benchmark and competes with its reads.
            try (Store store = engine == null ? null : Plinth.open(engine + dir);
                 RaftStorage s = store == null ? open(args[a], dir) : RaftLogs.onStore(store)) {
                for (long i = 1; i <= entries; i += 1000) {
                    List<LogEntry> batch = new ArrayList<>(1000);
                    for (long k = i; k < i + 1000 && k <= entries; k++) {
                        int at = (int) ((k * 131) % (pool.length - ENTRY_BYTES));
                        batch.add(new LogEntry(k, 1, java.util.Arrays.copyOfRange(pool, at, at + ENTRY_BYTES)));
                    }
                    s.append(GROUP, batch, Durability.NONE);
                }
                s.flush();
                System.out.printf("%s: %,d entries in %.1f s%n", args[a], entries, (System.nanoTime() - t0) / 1e9);
                if (store != null && Boolean.parseBoolean(System.getProperty(COMPACT_PROPERTY, "true"))) {
                    long c0 = System.nanoTime();
                    store.compact();
                    System.out.printf("%s: compacted in %.1f s%n", args[a], (System.nanoTime() - c0) / 1e9);
                }
            }
        }
    }

    static long entries() {
        return Long.getLong(ENTRIES_PROPERTY, ENTRIES);
    }
}
