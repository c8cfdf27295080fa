package dev.plinth.bench;

import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.Transaction;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
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
 * The cost of a transaction's commit-time checks: one transaction scans {@link #scanned} consecutive keys
 * of a {@link #keyCount}-key store, reads every value, writes one key inside the scanned range and commits.
 * Under {@link Isolation#SERIALIZABLE} the commit must prove the whole scanned range unchanged; under
 * {@link Isolation#SNAPSHOT} only the written key. No other writer runs, so every commit succeeds and the
 * figure is the price of the checks themselves. Plinth only: it measures Plinth's own transaction layer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TransactionBenchmark {
    /** The store URI. */
    @Param("mem:")
    public String uri;

    /** The isolation level of every transaction. */
    @Param({"SERIALIZABLE", "SNAPSHOT"})
    public String isolation;

    /** Keys loaded before measuring. */
    @Param("100000")
    public int keyCount;

    /** Keys each transaction scans. */
    @Param("1000")
    public int scanned;

    private Store store;
    private Keyspace keyspace;
    private Isolation level;
    private final byte[] value = new byte[100];

    /** Opens the store and loads every key. */
    @Setup(Level.Trial)
    public void setUp() {
        store = Plinth.open(uri);
        keyspace = store.defaultKeyspace();
        level = Isolation.valueOf(isolation);
        for (int i = 0; i < keyCount; i++) {
            keyspace.put(key(i), value);
        }
    }

    /** Closes the store. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (store != null) {
            store.close();
        }
    }

    private static byte[] key(int i) {
        return ByteBuffer.allocate(8).putInt(0x6b657921).putInt(i).array();
    }

    /**
     * Scans {@link #scanned} keys from a random start, writes one of them, commits.
     *
     * @return the bytes read, so the scan is not optimised away
     */
    @Benchmark
    public long scanThenWriteOne() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(keyCount - scanned);
        long bytes = 0;
        try (Transaction tx = store.begin(level)) {
            try (Cursor c = tx.cursor(keyspace, Range.of(key(first), key(first + scanned)), ScanOptions.forward())) {
                while (c.next()) {
                    bytes += c.value().length;
                }
            }
            tx.put(keyspace, key(first + random.nextInt(scanned)), value);
            tx.commit();
        }
        return bytes;
    }
}
