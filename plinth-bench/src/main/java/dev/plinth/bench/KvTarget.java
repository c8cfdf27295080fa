package dev.plinth.bench;

import java.nio.ByteBuffer;

/**
 * One key-value library under benchmark, driven through its own API: Plinth on some engine, or a peer
 * (raw RocksDB, raw LMDB, H2 MVStore, MapDB, Xodus, a {@code ConcurrentSkipListMap}). Every target takes
 * and returns {@code byte[]} keys and values, as its users would get them: the engines that keep data off
 * the Java heap or serialized (RocksDB, LMDB, MapDB, Xodus, and Plinth, whose API hands out copies) return
 * a fresh array from a get and materialize each key and value a scan visits; the skip list and MVStore
 * hand out the arrays they hold, so their gets and scans copy nothing.
 *
 * <p>Not thread-safe unless the implementation says so; the benchmarks drive a target from one thread.
 * {@link #close()} releases everything the target opened and may be called twice.
 */
public interface KvTarget extends AutoCloseable {
    /** Returns the value of {@code key}, or {@code null} when absent. */
    byte[] get(byte[] key);

    /** Writes one entry with the target's cheapest durability, or fsync'd when opened with {@link Durable#SYNC}. */
    void put(byte[] key, byte[] value);

    /**
     * Writes {@code count} entries, {@code keys[from..from+count)} with the matching values, as one atomic
     * batch where the library has one (a transaction, a write batch); the skip list and MapDB without
     * transactions apply them one by one.
     */
    void putBatch(byte[][] keys, byte[][] values, int from, int count);

    /**
     * Reads up to {@code limit} entries in key order from the first key at or after {@code start},
     * handing each key and value to {@code sink} (the benchmark's JMH {@code Blackhole}, so the JIT cannot
     * drop the reads); returns the number of entries plus the lengths of their values, so a test can check
     * what was read.
     */
    long scan(byte[] start, int limit, Sink sink);

    /**
     * {@link #scan}, with each key and value lent where the library can lend them: Plinth through
     * {@link dev.plinth.Cursor#keyView()} and {@link dev.plinth.Cursor#valueView()}, raw lmdbjava through
     * its cursor's buffers into the map. The views go to {@code views} and are valid only during its call.
     * A target that cannot lend, or that hands out the arrays it holds anyway (the skip list), runs its
     * {@link #scan} with {@code arrays}: the default.
     *
     * @return the number of entries plus the lengths of their values, as {@link #scan} returns
     */
    default long scanLending(byte[] start, int limit, Sink arrays, ViewSink views) {
        return scan(start, limit, arrays);
    }

    /** Receives each entry a lending scan reads, as views valid only during the call. */
    @FunctionalInterface
    interface ViewSink {
        /** Takes one entry; the views are lent by the target and must not be kept. */
        void accept(ByteBuffer key, ByteBuffer value);
    }

    /** Receives each entry a scan reads. */
    @FunctionalInterface
    interface Sink {
        /** Takes one entry; the arrays are the target's and must not be changed. */
        void accept(byte[] key, byte[] value);
    }

    /** Closes the target; idempotent. */
    @Override
    void close();

    /**
     * Finishes what the load left for later (memtables not yet flushed, compactions owed), so that a
     * measurement sees the data at rest in its final layout rather than mid-compaction; a no-op for targets
     * with nothing deferred.
     */
    default void settle() {
    }

    /**
     * What the target's library holds in memory outside the Java heap that a setting decides (RocksDB's table
     * readers and block cache), for the run's log; empty where there is nothing to say.
     *
     * @return a line of {@code name=bytes} pairs, or an empty string
     */
    default String nativeMemory() {
        return "";
    }

    /** How writes are made durable. */
    enum Durable {
        /** The cheapest setting the library offers: no fsync per write (data may sit in memory or the OS). */
        FAST,
        /** Every put and batch is fsync'd before it returns. */
        SYNC
    }
}
