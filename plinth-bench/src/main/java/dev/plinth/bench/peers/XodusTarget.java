package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.nio.file.Path;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

/**
 * JetBrains Xodus: one store without duplicates in an environment. Each write is one transaction;
 * fast writes use Xodus's default (no fsync per commit), sync writes set
 * {@code logDurableWrite} so each commit is fsync'd. Reads run in a read-only transaction. Driven from one
 * thread.
 */
public final class XodusTarget implements KvTarget {
    private final Environment env;
    private final Store store;
    private boolean closed;

    /** Opens (creating) an environment in {@code dir}. */
    public XodusTarget(Path dir, Durable durable) {
        EnvironmentConfig config = new EnvironmentConfig().setLogDurableWrite(durable == Durable.SYNC);
        env = Environments.newInstance(dir.toFile(), config);
        store = env.computeInTransaction(txn -> env.openStore("kv", StoreConfig.WITHOUT_DUPLICATES, txn));
    }

    private static byte[] bytes(ByteIterable b) {
        byte[] raw = b.getBytesUnsafe();
        int len = b.getLength();
        byte[] out = new byte[len];
        System.arraycopy(raw, 0, out, 0, len);
        return out;
    }

    @Override
    public byte[] get(byte[] key) {
        Transaction txn = env.beginReadonlyTransaction();
        try {
            ByteIterable v = store.get(txn, new ArrayByteIterable(key));
            return v == null ? null : bytes(v);
        } finally {
            txn.abort();
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        env.executeInTransaction(txn -> store.put(txn, new ArrayByteIterable(key), new ArrayByteIterable(value)));
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        env.executeInTransaction(txn -> {
            for (int i = from; i < from + count; i++) {
                store.put(txn, new ArrayByteIterable(keys[i]), new ArrayByteIterable(values[i]));
            }
        });
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        Transaction txn = env.beginReadonlyTransaction();
        try (Cursor c = store.openCursor(txn)) {
            boolean ok = c.getSearchKeyRange(new ArrayByteIterable(start)) != null;
            for (int n = 0; n < limit && ok; n++) {
                byte[] k = bytes(c.getKey());
                byte[] v = bytes(c.getValue());
                sink.accept(k, v);
                sum += 1 + v.length;
                ok = c.getNext();
            }
        } finally {
            txn.abort();
        }
        return sum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        env.close();
    }
}
