package dev.plinth.bench;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.nio.ByteBuffer;

/**
 * Plinth on any engine, through the public API only ({@code dev.plinth}): the default keyspace, writes
 * with durability {@code NONE} (fast) or {@code SYNC}. Not thread-safe (one reused {@link WriteBatch}).
 */
public final class PlinthTarget implements KvTarget {
    private final Store store;
    private final Keyspace keyspace;
    private final Durability durability;
    private final WriteOptions writeOptions;
    private final WriteBatch batch = new WriteBatch();

    /** Opens {@code uri} with {@link Plinth#open(String)}; the writes use {@code NONE} or {@code SYNC}. */
    public PlinthTarget(String uri, Durable durable) {
        this.store = Plinth.open(uri);
        this.keyspace = store.defaultKeyspace();
        this.durability = durable == Durable.SYNC ? Durability.SYNC : Durability.NONE;
        this.writeOptions = WriteOptions.durability(durability);
    }

    @Override
    public byte[] get(byte[] key) {
        return keyspace.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        keyspace.put(key, value, writeOptions);
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        batch.clear();
        for (int i = from; i < from + count; i++) {
            batch.put(keyspace, keys[i], values[i], writeOptions);
        }
        store.write(batch);
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        try (Cursor c = keyspace.cursor(Range.from(start), ScanOptions.forward().withLimit(limit))) {
            while (c.next()) {
                byte[] k = c.key();
                byte[] v = c.value();
                sink.accept(k, v);
                sum += 1 + v.length;
            }
        }
        return sum;
    }

    @Override
    public long scanLending(byte[] start, int limit, Sink arrays, ViewSink views) {
        long sum = 0;
        try (Cursor c = keyspace.cursor(Range.from(start), ScanOptions.forward().withLimit(limit))) {
            while (c.next()) {
                ByteBuffer k = c.keyView();
                ByteBuffer v = c.valueView();
                views.accept(k, v);
                sum += 1 + v.remaining();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        store.close();
    }

    /** The engine's counters of native memory: RocksDB's table readers and block cache. */
    @Override
    public String nativeMemory() {
        StringBuilder line = new StringBuilder();
        store.stats().counters().forEach((name, value) -> {
            if (name.endsWith("table-readers-mem") || name.endsWith("block-cache-usage")
                    || name.endsWith("block-cache-pinned-usage")) {
                line.append(line.length() == 0 ? "" : " ").append(name).append('=').append(value);
            }
        });
        return line.toString();
    }

    /** Flushes and compacts through Plinth's own API, as an application would. */
    @Override
    public void settle() {
        store.flush();
        store.compact();
    }
}
