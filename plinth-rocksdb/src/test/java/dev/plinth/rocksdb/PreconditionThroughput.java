package dev.plinth.rocksdb;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.rocksdb.OptimisticTransactionDB;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Transaction;
import org.rocksdb.WriteOptions;

/**
 * A rough, single-threaded measurement of what the commit lock costs: unconditional puts, conditional puts
 * (one point precondition, checked with {@code db.get} under the write lock), and, for comparison, the same
 * conditional put done with RocksDB's own OptimisticTransactionDB ({@code getForUpdate} + {@code put} +
 * {@code commit}). Not a test and not a benchmark of record (that is JMH's job); its numbers go in
 * docs/engines/rocksdb.md with the command that produced them. Durability NONE throughout, so that fsync
 * does not hide the difference.
 */
public final class PreconditionThroughput {
    private PreconditionThroughput() {
    }

    /**
     * Runs the measurement.
     *
     * @param args optional operation count per run (default 200000)
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path root = Files.createTempDirectory("plinth-rocksdb-throughput");
        try {
            for (int round = 0; round < 3; round++) {
                System.out.printf("round %d (%d ops each, durability NONE)%n", round + 1, n);
                report("engine apply, unconditional put", n, engineRun(root.resolve("u" + round), n, false));
                report("engine apply, put with point precondition", n, engineRun(root.resolve("c" + round), n, true));
                report("OptimisticTransactionDB getForUpdate+put+commit", n, optimisticRun(root.resolve("o" + round), n));
            }
            int threads = 4;
            int perThread = 1000;
            for (int round = 0; round < 2; round++) {
                System.out.printf("round %d (%d threads x %d ops, durability SYNC, distinct keys per thread)%n",
                        round + 1, threads, perThread);
                report("engine apply, unconditional put", threads * perThread,
                        syncRun(root.resolve("su" + round), threads, perThread, false));
                report("engine apply, put with point precondition", threads * perThread,
                        syncRun(root.resolve("sc" + round), threads, perThread, true));
            }
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void report(String what, int n, long nanos) {
        System.out.printf("  %-50s %,10.0f ops/s  (%.2f us/op)%n", what, n / (nanos / 1e9), nanos / 1e3 / n);
    }

    private static byte[] key(int i) {
        return ByteBuffer.allocate(8).putLong(i % 10_000).array();
    }

    /** Puts through the engine SPI; conditional puts require the key's current value, as CAS does. */
    private static long engineRun(Path dir, int n, boolean conditional) {
        try (Engine e = RocksDbTestSupport.open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            byte[][] last = new byte[10_000][];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                byte[] k = key(i);
                byte[] v = ByteBuffer.allocate(8).putLong(i).array();
                EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
                if (conditional) {
                    b.requireValue(ks, k, last[i % 10_000]);
                }
                if (!e.apply(b.put(ks, k, v).build())) {
                    throw new IllegalStateException("precondition failed at " + i);
                }
                last[i % 10_000] = v;
            }
            return System.nanoTime() - t0;
        }
    }

    /** Several threads writing SYNC: unconditional ones share RocksDB's group commit, conditional ones queue. */
    private static long syncRun(Path dir, int threads, int perThread, boolean conditional) throws Exception {
        try (Engine e = RocksDbTestSupport.open(dir)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Callable<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    tasks.add(() -> {
                        for (int i = 0; i < perThread; i++) {
                            byte[] k = ByteBuffer.allocate(8).putInt(id).putInt(i % 100).array();
                            byte[] v = ByteBuffer.allocate(8).putLong(i).array();
                            EngineBatch.Builder b = EngineBatch.builder(Durability.SYNC);
                            if (conditional) {
                                // The key was last written 100 iterations ago, with that iteration's number.
                                b.requireValue(ks, k, i < 100 ? null : ByteBuffer.allocate(8).putLong(i - 100).array());
                            }
                            if (!e.apply(b.put(ks, k, v).build())) {
                                throw new IllegalStateException("precondition failed");
                            }
                        }
                        return null;
                    });
                }
                long t0 = System.nanoTime();
                for (Future<Void> f : pool.invokeAll(tasks)) {
                    f.get();
                }
                return System.nanoTime() - t0;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static long optimisticRun(Path dir, int n) throws RocksDBException {
        try (Options o = new Options().setCreateIfMissing(true);
             OptimisticTransactionDB db = OptimisticTransactionDB.open(o, dir.toString());
             WriteOptions wo = new WriteOptions();
             ReadOptions ro = new ReadOptions()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                byte[] k = key(i);
                try (Transaction tx = db.beginTransaction(wo)) {
                    tx.getForUpdate(ro, k, true);
                    tx.put(k, ByteBuffer.allocate(8).putLong(i).array());
                    tx.commit();
                }
            }
            return System.nanoTime() - t0;
        }
    }
}
