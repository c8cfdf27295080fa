package dev.plinth.bench.etcd;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.concurrent.ExecutionException;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Plinth on etcd against raw jetcd doing the same operations on the same single-member etcd (started by the
 * benchmark on 127.0.0.1, its data in a temporary directory): get, put, a batch of {@link #BATCH} puts in one
 * transaction, a scan of {@link #SCAN} entries from a random key, and a compare-and-set that succeeds.
 * {@link #KEYS} keys of 16 bytes with 100-byte values, loaded before measuring. Run with {@code -t 1} and
 * {@code -t 16} for one and sixteen client threads, and {@code -bm sample} for latency percentiles.
 *
 * <pre>
 * java -jar plinth-bench/target/benchmarks.jar EtcdBenchmark -t 16
 * </pre>
 *
 * Needs an {@code etcd} binary on the {@code PATH} (Debian: {@code apt-get install etcd-server}) or
 * {@code -Dplinth.etcd=/path/to/etcd} passed with {@code -jvmArgsAppend}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class EtcdBenchmark {
    /** Keys loaded before measuring. */
    static final int KEYS = 10_000;
    /** Puts per batch. */
    static final int BATCH = 8;
    /** Entries per scan. */
    static final int SCAN = 100;

    @Param({"plinth", "jetcd"})
    public String target;

    private EtcdServer server;
    private Store store;
    private Keyspace ks;
    private Client client;
    private KV kv;
    private final byte[] value = new byte[100];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        server = EtcdServer.start();
        ThreadLocalRandom.current().nextBytes(value);
        if (target.equals("plinth")) {
            store = Plinth.open("etcd://" + server.endpoint() + "/bench/");
            ks = store.defaultKeyspace();
            for (int i = 0; i < KEYS; i += 100) {
                WriteBatch b = new WriteBatch();
                for (int j = i; j < i + 100; j++) {
                    b.put(ks, key(j), value);
                }
                store.write(b);
            }
        } else {
            client = Client.builder().endpoints("http://" + server.endpoint()).build();
            kv = client.getKVClient();
            for (int i = 0; i < KEYS; i += 100) {
                Txn txn = kv.txn();
                Op[] ops = new Op[100];
                for (int j = i; j < i + 100; j++) {
                    ops[j - i] = Op.put(raw(key(j)), ByteSequence.from(value), PutOption.DEFAULT);
                }
                txn.Then(ops).commit().get();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (store != null) {
            store.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Key {@code i}: 16 bytes, in order. */
    static byte[] key(int i) {
        return String.format("key%013d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static ByteSequence raw(byte[] key) {
        byte[] k = new byte[5 + key.length];
        System.arraycopy("/raw/".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, k, 0, 5);
        System.arraycopy(key, 0, k, 5, key.length);
        return ByteSequence.from(k);
    }

    private static int randomKey() {
        return ThreadLocalRandom.current().nextInt(KEYS);
    }

    @Benchmark
    public Object get() throws ExecutionException, InterruptedException {
        byte[] k = key(randomKey());
        if (ks != null) {
            return ks.get(k);
        }
        return kv.get(raw(k)).get().getKvs();
    }

    @Benchmark
    public Object put() throws ExecutionException, InterruptedException {
        byte[] k = key(randomKey());
        if (ks != null) {
            ks.put(k, value);
            return k;
        }
        return kv.put(raw(k), ByteSequence.from(value)).get();
    }

    @Benchmark
    public Object batch() throws ExecutionException, InterruptedException {
        int first = ThreadLocalRandom.current().nextInt(KEYS - BATCH);
        if (ks != null) {
            WriteBatch b = new WriteBatch();
            for (int j = first; j < first + BATCH; j++) {
                b.put(ks, key(j), value);
            }
            return store.write(b);
        }
        Op[] ops = new Op[BATCH];
        for (int j = first; j < first + BATCH; j++) {
            ops[j - first] = Op.put(raw(key(j)), ByteSequence.from(value), PutOption.DEFAULT);
        }
        return kv.txn().Then(ops).commit().get();
    }

    @Benchmark
    public void scan(Blackhole bh) throws ExecutionException, InterruptedException {
        byte[] start = key(ThreadLocalRandom.current().nextInt(KEYS - SCAN));
        if (ks != null) {
            try (Cursor c = ks.cursor(Range.from(start), ScanOptions.forward().withLimit(SCAN))) {
                while (c.next()) {
                    bh.consume(c.key());
                    bh.consume(c.value());
                }
            }
            return;
        }
        GetResponse r = kv.get(raw(start), GetOption.builder().withRange(raw(new byte[] {(byte) 0xff}))
                .withLimit(SCAN).build()).get();
        r.getKvs().forEach(e -> {
            bh.consume(e.getKey().getBytes());
            bh.consume(e.getValue().getBytes());
        });
    }

    /** A compare-and-set on a key of the calling thread's own, which therefore always succeeds. */
    @State(Scope.Thread)
    public static class CasKey {
        final byte[] key = ("cas-" + Thread.currentThread().getId()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] current;
        long n;
    }

    @Benchmark
    public boolean cas(CasKey c) throws ExecutionException, InterruptedException {
        byte[] next = Long.toString(++c.n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        boolean ok;
        if (ks != null) {
            ok = ks.compareAndSet(c.key, c.current, next);
        } else {
            ByteSequence k = raw(c.key);
            Cmp cmp = c.current == null ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
                    : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(c.current)));
            ok = kv.txn().If(cmp).Then(Op.put(k, ByteSequence.from(next), PutOption.DEFAULT)).commit().get()
                    .isSucceeded();
        }
        if (!ok) {
            throw new IllegalStateException("a compare-and-set on a key of this thread's own failed");
        }
        c.current = next;
        return ok;
    }
}
