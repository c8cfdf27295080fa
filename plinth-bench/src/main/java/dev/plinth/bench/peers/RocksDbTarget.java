package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Raw RocksDB through {@code rocksdbjni}, in one of two setups: like Plinth's {@code rocksdb:} engine by
 * default (64 MiB LRU block cache holding partitioned index and filter blocks with the top level and L0's
 * pinned, 10-bit full Bloom filter, LZ4, 32 MiB write buffer), so the difference is the abstraction; or with
 * RocksDB's own defaults, the bar a user who skipped Plinth would meet. Writes go to the WAL with
 * {@code sync=false} (fast) or {@code sync=true}. Not thread-safe (one reused write batch).
 */
public final class RocksDbTarget implements KvTarget {
    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final BloomFilter filter;
    private final Options options;
    private final WriteOptions writeOptions;
    private final WriteBatch batch = new WriteBatch();
    private final RocksDB db;
    private boolean closed;

    /**
     * Opens (creating) a database in {@code dir}.
     *
     * @param rocksDbDefaults {@code true} for RocksDB's own defaults, {@code false} for Plinth's settings
     */
    public RocksDbTarget(Path dir, Durable durable, boolean rocksDbDefaults) {
        if (rocksDbDefaults) {
            cache = null;
            filter = null;
            options = new Options().setCreateIfMissing(true);
        } else {
            cache = new LRUCache(64L << 20);
            filter = new BloomFilter(10, false);
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setFilterPolicy(filter)
                    .setIndexType(IndexType.kTwoLevelIndexSearch)
                    .setPartitionFilters(true)
                    .setCacheIndexAndFilterBlocks(true)
                    .setCacheIndexAndFilterBlocksWithHighPriority(true)
                    .setPinTopLevelIndexAndFilter(true)
                    .setPinL0FilterAndIndexBlocksInCache(true);
            options = new Options()
                    .setCreateIfMissing(true)
                    .setTableFormatConfig(table)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setWriteBufferSize(32L << 20);
        }
        writeOptions = new WriteOptions().setSync(durable == Durable.SYNC);
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            close();
            throw new IllegalStateException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB get failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB put failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        try {
            batch.clear();
            for (int i = from; i < from + count; i++) {
                batch.put(keys[i], values[i]);
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new IllegalStateException("RocksDB write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        try (RocksIterator it = db.newIterator()) {
            it.seek(start);
            for (int n = 0; n < limit && it.isValid(); n++, it.next()) {
                byte[] k = it.key();
                byte[] v = it.value();
                sink.accept(k, v);
                sum += 1 + v.length;
            }
        }
        return sum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (db != null) {
            db.close();
        }
        batch.close();
        writeOptions.close();
        options.close();
        if (filter != null) {
            filter.close();
        }
        if (cache != null) {
            cache.close();
        }
    }

    /** Flushes the memtables and compacts the whole key range, waiting for both. */
    @Override
    public void settle() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
            db.compactRange();
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot settle RocksDB: " + e.getMessage(), e);
        }
    }
}
