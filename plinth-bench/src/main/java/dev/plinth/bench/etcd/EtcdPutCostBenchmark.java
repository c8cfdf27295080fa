package dev.plinth.bench.etcd;

import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of a Plinth put on etcd goes: the same overwrite of one of {@link EtcdBenchmark#KEYS}
 * existing keys (100-byte values) as a plain etcd put, as a transaction of that one put, as a transaction
 * that also rewrites a second key (what a Plinth batch did to its keyspace's stamp), as a transaction that
 * rewrites the stamp only when the key is new, and through Plinth, all on one etcd member started by the
 * benchmark, in one run.
 *
 * <pre>
 * java -jar plinth-bench/target/benchmarks.jar EtcdPutCostBenchmark -t 16 -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EtcdPutCostBenchmark {
    private static final ByteSequence STAMP = ByteSequence.from("/raw-stamp", StandardCharsets.US_ASCII);

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
        store = Plinth.open("etcd://" + server.endpoint() + "/bench/");
        ks = store.defaultKeyspace();
        client = Client.builder().endpoints("http://" + server.endpoint()).build();
        kv = client.getKVClient();
        for (int i = 0; i < EtcdBenchmark.KEYS; i += 100) {
            WriteBatch b = new WriteBatch();
            Op[] ops = new Op[100];
            for (int j = i; j < i + 100; j++) {
                b.put(ks, EtcdBenchmark.key(j), value);
                ops[j - i] = Op.put(raw(j), ByteSequence.from(value), PutOption.DEFAULT);
            }
            store.write(b);
            kv.txn().Then(ops).commit().get();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        client.close();
        server.close();
    }

    private static ByteSequence raw(int i) {
        return ByteSequence.from(("/raw/" + new String(EtcdBenchmark.key(i), StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static int randomKey() {
        return ThreadLocalRandom.current().nextInt(EtcdBenchmark.KEYS);
    }

    @Benchmark
    public Object jetcdPut() throws ExecutionException, InterruptedException {
        return kv.put(raw(randomKey()), ByteSequence.from(value)).get();
    }

    @Benchmark
    public Object jetcdTxnPut() throws ExecutionException, InterruptedException {
        return kv.txn().Then(Op.put(raw(randomKey()), ByteSequence.from(value), PutOption.DEFAULT)).commit().get();
    }

    @Benchmark
    public Object jetcdTxnPutAndStamp() throws ExecutionException, InterruptedException {
        return kv.txn().Then(Op.put(raw(randomKey()), ByteSequence.from(value), PutOption.DEFAULT),
                Op.put(STAMP, ByteSequence.from(new byte[0]), PutOption.DEFAULT)).commit().get();
    }

    @Benchmark
    public Object jetcdTxnPutStampIfNew() throws ExecutionException, InterruptedException {
        ByteSequence k = raw(randomKey());
        Op put = Op.put(k, ByteSequence.from(value), PutOption.DEFAULT);
        return kv.txn().If(new Cmp(k, Cmp.Op.GREATER, CmpTarget.version(0))).Then(put)
                .Else(put, Op.put(STAMP, ByteSequence.from(new byte[0]), PutOption.DEFAULT)).commit().get();
    }

    @Benchmark
    public Object plinthPut() {
        byte[] k = EtcdBenchmark.key(randomKey());
        ks.put(k, value);
        return k;
    }
}
