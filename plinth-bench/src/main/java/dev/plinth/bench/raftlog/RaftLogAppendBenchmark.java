package dev.plinth.bench.raftlog;

import dev.plinth.Durability;
import dev.plinth.bench.Targets;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Durable batched appends of 128-byte entries to one Raft group, one thread, an fsync per batch: the segmented
 * log, the log on Plinth's LMDB and RocksDB engines, and a log on raw RocksDB ({@code WriteBatch}, sync). The
 * score is entries per second ({@link OperationsPerInvocation} is the batch size). Every 1,000 batches the log is
 * purged to 1,000 entries below its end, as a Raft node does after snapshots, so memory stays bounded. Apache
 * Ratis is not measured here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RaftLogAppendBenchmark {
    /** Entries per batch; also the operations per invocation. */
    public static final int BATCH = 64;
    /** Bytes of payload per entry. */
    public static final int ENTRY_BYTES = 128;

    /** Which log. */
    @Param({"segmented", "plinth-lmdb", "plinth-rocksdb", "rocksdb-raw"})
    public String log;

    private Path dir;
    private RaftStorage storage;
    private RocksDB rocks;
    private Options rocksOptions;
    private WriteOptions syncWrite;
    private long next = 1;
    private long batches;
    private final byte[][] payloads = new byte[BATCH][];

    /** Opens the log in a fresh temporary directory. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ForkHeap.warnUnlessPretouched();
        Random rnd = new Random(1);
        for (int i = 0; i < BATCH; i++) {
            payloads[i] = new byte[ENTRY_BYTES];
            rnd.nextBytes(payloads[i]);
        }
        dir = Files.createTempDirectory("plinth-bench-raftlog-" + log + "-");
        switch (log) {
            case "segmented" -> storage = RaftLogs.openSegmented(dir.resolve("log"));
            case "plinth-lmdb" -> storage = RaftLogs.open("lmdb:" + dir);
            case "plinth-rocksdb" -> storage = RaftLogs.open("rocksdb:" + dir);
            case "rocksdb-raw" -> {
                RocksDB.loadLibrary();
                rocksOptions = new Options().setCreateIfMissing(true);
                rocks = RocksDB.open(rocksOptions, dir.toString());
                syncWrite = new WriteOptions().setSync(true);
            }
            default -> throw new IllegalArgumentException("unknown log " + log);
        }
    }

    /** Closes the log and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (rocks != null) {
            syncWrite.close();
            rocks.close();
            rocksOptions.close();
        }
        Targets.deleteTree(dir);
    }

    /** Appends one batch with an fsync. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void appendBatch() throws RocksDBException {
        if (rocks != null) {
            try (WriteBatch b = new WriteBatch()) {
                for (int i = 0; i < BATCH; i++) {
                    byte[] key = ByteBuffer.allocate(16).putLong(1).putLong(next + i).array();
                    byte[] value = ByteBuffer.allocate(8 + ENTRY_BYTES).putLong(1).put(payloads[i]).array();
                    b.put(key, value);
                }
                rocks.write(syncWrite, b);
            }
        } else {
            List<LogEntry> entries = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                entries.add(new LogEntry(next + i, 1, payloads[i]));
            }
            storage.append(1, entries, Durability.SYNC);
            if (++batches % 1000 == 0) {
                storage.purge(1, next + BATCH - 1 - 1000, Durability.SYNC);
            }
        }
        next += BATCH;
    }
}
