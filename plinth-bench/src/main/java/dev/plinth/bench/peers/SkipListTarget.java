package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A raw {@link ConcurrentSkipListMap} ordered by unsigned bytes: the floor under any in-memory engine.
 * Stores the caller's arrays (no copy on put, as a map user would) and returns them on get. Batches are
 * puts one by one (not atomic). Thread-safe.
 */
public final class SkipListTarget implements KvTarget {
    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public byte[] get(byte[] key) {
        return map.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            map.put(keys[i], values[i]);
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
        map.clear();
    }
}
