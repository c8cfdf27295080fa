package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * MapDB 3: a {@code BTreeMap<byte[], byte[]>} in a memory-mapped file. Fast: no transactions (writes go
 * to the mapped file, no fsync). Sync: transactions on (MapDB's write-ahead log) and a
 * {@link DB#commit()} after each put or batch. Driven from one thread.
 */
public final class MapDbTarget implements KvTarget {
    private final DB db;
    private final BTreeMap<byte[], byte[]> map;
    private final boolean sync;
    private boolean closed;

    /** Opens (creating) {@code dir/data.mapdb}. */
    public MapDbTarget(Path dir, Durable durable) {
        this.sync = durable == Durable.SYNC;
        DBMaker.Maker maker = DBMaker.fileDB(dir.resolve("data.mapdb").toFile()).fileMmapEnableIfSupported();
        if (sync) {
            maker = maker.transactionEnable();
        }
        db = maker.make();
        map = db.treeMap("kv", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
    }

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
        if (sync) {
            db.commit();
        }
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            map.put(keys[i], values[i]);
        }
        if (sync) {
            db.commit();
        }
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        Iterator<Map.Entry<byte[], byte[]>> it = map.tailMap(start, true).entrySet().iterator();
        for (int n = 0; n < limit && it.hasNext(); n++) {
            Map.Entry<byte[], byte[]> e = it.next();
            sink.accept(e.getKey(), e.getValue());
            sum += 1 + e.getValue().length;
        }
        return sum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        db.close();
    }
}
