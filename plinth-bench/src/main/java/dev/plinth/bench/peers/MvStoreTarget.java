package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.nio.file.Path;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * H2's MVStore: one {@code MVMap<byte[], byte[]>} in a file store. Fast writes are MVStore's default
 * (changes kept in memory and written by its background auto-commit); sync writes call
 * {@link MVStore#commit()} and then {@link MVStore#sync()} after each put or batch. A batch is puts one by
 * one, committed together in sync mode. Thread-safe as MVStore is, but driven from one thread.
 */
public final class MvStoreTarget implements KvTarget {
    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private final boolean sync;
    private boolean closed;

    /** Opens (creating) {@code dir/data.mv.db}. */
    public MvStoreTarget(Path dir, Durable durable) {
        this.sync = durable == Durable.SYNC;
        MVStore.Builder builder = new MVStore.Builder().fileName(dir.resolve("data.mv.db").toString());
        if (sync) {
            builder.autoCommitDisabled();
        }
        store = builder.open();
        map = store.openMap("kv");
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
        if (sync) {
            store.commit();
            store.sync();
        }
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            map.put(keys[i], values[i]);
        }
        if (sync) {
            store.commit();
            store.sync();
        }
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        Cursor<byte[], byte[]> c = map.cursor(start);
        for (int n = 0; n < limit && c.hasNext(); n++) {
            byte[] k = c.next();
            byte[] v = c.getValue();
            sink.accept(k, v);
            sum += 1 + v.length;
        }
        return sum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        store.close();
    }
}
