package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A raw {@link ConcurrentSkipListMap} ordered by unsigned bytes that copies as Plinth's API promises to: a
 * put stores copies of the caller's key and value, a get returns a copy of the value, and a scan hands out a
 * copy of each key and value it visits. Nothing else: no versions, no checks, no snapshot. Beside
 * {@link SkipListTarget} (which hands out the arrays it holds) it splits the cost of {@code mem:} into what
 * the API's copies cost and what Plinth's engine and core add. Batches are puts one by one (not atomic).
 * Thread-safe.
 */
public final class CopyingSkipListTarget implements KvTarget {
    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    @Override
    public byte[] get(byte[] key) {
        byte[] v = map.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key.clone(), value.clone());
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        for (int i = from; i < from + count; i++) {
            map.put(keys[i].clone(), values[i].clone());
        }
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        Iterator<Map.Entry<byte[], byte[]>> it = map.tailMap(start, true).entrySet().iterator();
        for (int n = 0; n < limit && it.hasNext(); n++) {
            Map.Entry<byte[], byte[]> e = it.next();
            byte[] v = e.getValue().clone();
            sink.accept(e.getKey().clone(), v);
            sum += 1 + v.length;
        }
        return sum;
    }

    @Override
    public void close() {
        map.clear();
    }
}
