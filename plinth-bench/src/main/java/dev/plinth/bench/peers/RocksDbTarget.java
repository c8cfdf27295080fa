package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import dev.plinth.rocksdb.RocksDbOptions;
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
 * Raw RocksDB through {@code rocksdbjni}, in one of the {@link Setup}s: like Plinth's {@code rocksdb:} engine
 * (64 MiB LRU block cache, 10-bit full Bloom filter, LZ4, 32 MiB write buffer, memtables held to 4 times that,
 * 512 open files, all from {@link RocksDbOptions}'s defaults, and index and filter blocks where Plinth's
 * {@code indexAndFilters} keeps them), so the difference is the abstraction; with RocksDB's own
 * defaults, the bar a user who skipped Plinth would meet; or one of the candidates measured for Plinth's
 * defaults. Writes go to the WAL with {@code sync=false} (fast) or {@code sync=true}. Not thread-safe (one
 * reused write batch).
 */
public final class RocksDbTarget implements KvTarget {
    static {
        RocksDB.loadLibrary();
    }

    /** How the database is set up. */
    public enum Setup {
        /** RocksDB's own defaults ({@code new Options()}): no filter, whole index outside the cache, Snappy. */
        DEFAULTS,
        /**
         * Plinth's {@code indexAndFilters=memory}: whole index and full Bloom filter per file, held outside the
         * 64 MiB block cache.
         */
        MEMORY,
        /**
         * {@link #MEMORY} with {@code optimize_filters_for_hits} (as Kafka Streams sets it): no filter for the
         * bottom level, where most keys are, so a get of a key that exists skips a filter probe and a get of one
         * that does not reads a data block there.
         */
        MEMORY_HITS,
        /**
         * Plinth's {@code indexAndFilters=cache}: partitioned index and filter charged to the 64 MiB cache, top
         * level and level 0 pinned, with high priority in a pool of half the cache.
         */
        CACHE,
        /** {@link #CACHE} without the high-priority pool, as Plinth's engine was set up before it had one. */
        CACHE_NO_POOL,
        /** {@link #CACHE} with a 256 MiB block cache. */
        CACHE_256M
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
     * @param setup how to set it up
     */
    public RocksDbTarget(Path dir, Durable durable, Setup setup) {
        if (setup == Setup.DEFAULTS) {
            cache = null;
            filter = null;
            options = new Options().setCreateIfMissing(true);
        } else {
            boolean cached = setup == Setup.CACHE || setup == Setup.CACHE_NO_POOL || setup == Setup.CACHE_256M;
            long cacheSize = setup == Setup.CACHE_256M ? 256L << 20 : RocksDbOptions.DEFAULT_BLOCK_CACHE_SIZE;
            cache = new LRUCache(cacheSize, -1, false,
                    cached && setup != Setup.CACHE_NO_POOL ? 0.5 : 0.0);
            filter = new BloomFilter(10, false);
            BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter);
            if (cached) {
                table.setIndexType(IndexType.kTwoLevelIndexSearch)
                        .setPartitionFilters(true)
                        .setCacheIndexAndFilterBlocks(true)
                        .setCacheIndexAndFilterBlocksWithHighPriority(true)
                        .setPinTopLevelIndexAndFilter(true)
                        .setPinL0FilterAndIndexBlocksInCache(true);
            } else {
                table.setIndexType(IndexType.kBinarySearch).setCacheIndexAndFilterBlocks(false);
            }
            options = new Options()
                    .setCreateIfMissing(true)
                    .setTableFormatConfig(table)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setWriteBufferSize(RocksDbOptions.DEFAULT_WRITE_BUFFER_SIZE)
                    // As Plinth's engine sets them (RocksDB's own: no limit on open files, no memtable budget).
                    .setMaxOpenFiles(RocksDbOptions.DEFAULT_MAX_OPEN_FILES)
                    .setDbWriteBufferSize(
                            RocksDbOptions.MEMTABLE_BUDGET_FACTOR * RocksDbOptions.DEFAULT_WRITE_BUFFER_SIZE)
                    .setOptimizeFiltersForHits(setup == Setup.MEMORY_HITS);
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

    @Override
    public String nativeMemory() {
        try {
            return "rocksdb.estimate-table-readers-mem=" + db.getLongProperty("rocksdb.estimate-table-readers-mem")
                    + " rocksdb.block-cache-usage=" + db.getLongProperty("rocksdb.block-cache-usage")
                    + " rocksdb.block-cache-pinned-usage=" + db.getLongProperty("rocksdb.block-cache-pinned-usage");
        } catch (RocksDBException e) {
            return "rocksdb properties unavailable: " + e.getMessage();
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
