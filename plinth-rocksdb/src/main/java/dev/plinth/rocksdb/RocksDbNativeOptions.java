package dev.plinth.rocksdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;

/**
 * The native settings one engine owns for its whole life, made from {@link RocksDbOptions}: the block cache,
 * the Bloom filter, the statistics (if enabled), the column family and database options, and the shared
 * read, write and flush options. Thread-safe to read; {@link #close()} only after the database is closed.
 *
 * <p>None of these depends on the database, but the database depends on all of them, so they are made
 * before it opens and freed after it closes, in the reverse of the order they were made. A failed
 * {@link #create} frees what it made.
 */
final class RocksDbNativeOptions implements AutoCloseable {
    /** Bits per key of the Bloom filter of every SST file (about 1% false positives). */
    static final double BLOOM_BITS_PER_KEY = 10;
    /**
     * Share of the block cache that high-priority entries, index and filter blocks when they are cached
     * ({@link RocksDbOptions.IndexAndFilters#CACHE}), may hold as such: a limit, not a reservation. Index and filter
     * blocks, up to half the cache, are evicted only after data blocks; beyond it the oldest of them compete with
     * data blocks.
     */
    static final double HIGH_PRIORITY_POOL_RATIO = 0.5;
    /** RocksDB's informational LOG files kept (each rolled at {@link #INFO_LOG_FILE_SIZE}). */
    static final int INFO_LOG_FILES_KEPT = 4;
    /** Size at which RocksDB's informational LOG file rolls over. */
    static final long INFO_LOG_FILE_SIZE = 8L << 20;

    /**
     * The RocksDB tickers reported in the engine's stats when statistics are enabled, each under
     * {@link #statName(TickerType)}.
     */
    static final List<TickerType> TICKERS = List.of(TickerType.WAL_FILE_SYNCED, TickerType.WAL_FILE_BYTES,
            TickerType.BYTES_WRITTEN, TickerType.BYTES_READ, TickerType.NUMBER_KEYS_WRITTEN,
            TickerType.NUMBER_KEYS_READ, TickerType.BLOCK_CACHE_HIT, TickerType.BLOCK_CACHE_MISS,
            TickerType.FLUSH_WRITE_BYTES, TickerType.COMPACT_WRITE_BYTES, TickerType.STALL_MICROS);

    /** The shared block cache, or {@code null} when block caching is disabled. */
    final LRUCache cache;
    /** The capacity {@link #cache} was made with, in bytes; {@code 0} without a cache. */
    final long blockCacheCapacity;
    final BloomFilter filter;
    /** RocksDB's statistics, attached to {@link #dbOptions}; {@code null} unless enabled. */
    final Statistics statistics;
    final ColumnFamilyOptions cfOptions;
    final DBOptions dbOptions;
    /** Reads of the latest state. */
    final ReadOptions readLatest;
    /** Writes for {@code NONE} and {@code PROCESS}: through the WAL, without fsync. */
    final WriteOptions writeNoSync;
    /** Writes for {@code SYNC}: through the WAL, fsync'd before the write returns. */
    final WriteOptions writeSync;
    final FlushOptions flushOptions;
    /**
     * {@code compact()}'s: every SST file rewritten, the bottommost level's too ({@code kForceOptimized}: all but
     * the files this compaction itself wrote), so that files take the current settings (such as
     * {@code indexAndFilters}, fixed in each file when it is written) and not only the levels above the last.
     */
    final CompactRangeOptions compactAll;

    /** Everything above that is not null, in the order it was made. */
    private final List<AbstractNativeReference> made;

    private RocksDbNativeOptions(List<AbstractNativeReference> made, LRUCache cache, long blockCacheCapacity,
                                 BloomFilter filter, Statistics statistics, ColumnFamilyOptions cfOptions,
                                 DBOptions dbOptions, ReadOptions readLatest, WriteOptions writeNoSync,
                                 WriteOptions writeSync, FlushOptions flushOptions, CompactRangeOptions compactAll) {
        this.made = made;
        this.cache = cache;
        this.blockCacheCapacity = blockCacheCapacity;
        this.filter = filter;
        this.statistics = statistics;
        this.cfOptions = cfOptions;
        this.dbOptions = dbOptions;
        this.readLatest = readLatest;
        this.writeNoSync = writeNoSync;
        this.writeSync = writeSync;
        this.flushOptions = flushOptions;
        this.compactAll = compactAll;
    }

    /**
     * Makes the native settings for one database.
     *
     * @param options the settings
     * @param createIfMissing whether the database may be created
     * @return the settings, which the caller closes after the database
     */
    static RocksDbNativeOptions create(RocksDbOptions options, boolean createIfMissing) {
        List<AbstractNativeReference> made = new ArrayList<>();
        try {
            boolean cached = options.indexAndFilters() == RocksDbOptions.IndexAndFilters.CACHE;
            LRUCache cache = null;
            if (options.blockCacheSize() > 0) {
                // RocksJava's LRUCache(capacity) makes no high-priority pool (a ratio of 0), which would leave
                // "cache index and filter blocks with high priority" with nothing to do.
                cache = keep(made, new LRUCache(options.blockCacheSize(), -1, false,
                        cached ? HIGH_PRIORITY_POOL_RATIO : 0.0));
            }
            BloomFilter filter = keep(made, new BloomFilter(BLOOM_BITS_PER_KEY, false));
            BlockBasedTableConfig table = new BlockBasedTableConfig().setFilterPolicy(filter);
            if (cached) {
                // RocksDbOptions refuses cache without a block cache, so cache is not null here.
                // Index and filter blocks live in the block cache, so their memory is bounded by blockCacheSize
                // (less the pinned blocks, which the cache may grow past it for, and the table reader objects);
                // but partitioned (a small top-level index over index and filter
                // partitions), with the top level and L0's pinned and a high-priority pool for them, so a random
                // read never has to fetch a whole index or filter again after the cache turned it over. Caching
                // whole, unpinned index and filter blocks made random reads at a million keys a tenth as fast as
                // RocksDB's defaults (docs/engines/rocksdb.md).
                table.setIndexType(IndexType.kTwoLevelIndexSearch)
                        .setPartitionFilters(true)
                        .setCacheIndexAndFilterBlocks(true)
                        .setCacheIndexAndFilterBlocksWithHighPriority(true)
                        .setPinTopLevelIndexAndFilter(true)
                        .setPinL0FilterAndIndexBlocksInCache(true);
            } else {
                // Whole index and full filter per file, held by its table reader outside the cache, as RocksDB's
                // own defaults hold the index: no cache lookup for either on a read.
                table.setIndexType(IndexType.kBinarySearch)
                        .setCacheIndexAndFilterBlocks(false);
            }
            if (cache != null) {
                table.setBlockCache(cache);
            } else {
                table.setNoBlockCache(true);
            }
            Statistics statistics = options.statistics() ? keep(made, new Statistics()) : null;
            ColumnFamilyOptions cfOptions = keep(made, new ColumnFamilyOptions()
                    .setWriteBufferSize(options.writeBufferSize())
                    .setCompressionType(compressionType(options.compression()))
                    .setTableFormatConfig(table));
            DBOptions dbOptions = keep(made, new DBOptions()
                    .setCreateIfMissing(createIfMissing)
                    .setCreateMissingColumnFamilies(true)
                    .setMaxOpenFiles(options.maxOpenFiles())
                    .setDbWriteBufferSize(RocksDbOptions.MEMTABLE_BUDGET_FACTOR * options.writeBufferSize())
                    .setKeepLogFileNum(INFO_LOG_FILES_KEPT)
                    .setMaxLogFileSize(INFO_LOG_FILE_SIZE));
            if (statistics != null) {
                dbOptions.setStatistics(statistics);
            }
            ReadOptions readLatest = keep(made, new ReadOptions());
            // RocksDB's WriteOptions.sync defaults to false: both are set explicitly, so SYNC cannot silently lose it.
            WriteOptions writeNoSync = keep(made, new WriteOptions().setSync(false).setDisableWAL(false));
            WriteOptions writeSync = keep(made, new WriteOptions().setSync(true).setDisableWAL(false));
            FlushOptions flushOptions = keep(made, new FlushOptions().setWaitForFlush(true));
            CompactRangeOptions compactAll = keep(made, new CompactRangeOptions()
                    .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForceOptimized));
            return new RocksDbNativeOptions(made, cache, cache == null ? 0 : options.blockCacheSize(), filter,
                    statistics, cfOptions, dbOptions, readLatest, writeNoSync, writeSync, flushOptions, compactAll);
        } catch (RuntimeException | Error e) {
            closeNewestFirst(made);
            throw e;
        }
    }

    private static <T extends AbstractNativeReference> T keep(List<AbstractNativeReference> made, T object) {
        made.add(NativeTracker.track(object));
        return object;
    }

    private static CompressionType compressionType(RocksDbOptions.Compression c) {
        return switch (c) {
            case NONE -> CompressionType.NO_COMPRESSION;
            case LZ4 -> CompressionType.LZ4_COMPRESSION;
            case ZSTD -> CompressionType.ZSTD_COMPRESSION;
            case SNAPPY -> CompressionType.SNAPPY_COMPRESSION;
        };
    }

    /**
     * The stats name of a ticker: {@code rocksdb.} and its name in lower case with dashes, like the engine's
     * other counters ({@code WAL_FILE_SYNCED} is {@code rocksdb.wal-file-synced}).
     *
     * @param ticker the ticker
     * @return the name
     */
    static String statName(TickerType ticker) {
        return "rocksdb." + ticker.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Adds the {@link #TICKERS} to a stats map, if statistics are enabled; otherwise adds nothing, as a zero
     * would claim that nothing happened. The caller keeps the engine from closing meanwhile.
     *
     * @param stats the map to add to
     */
    void addTickers(Map<String, Long> stats) {
        if (statistics == null) {
            return;
        }
        for (TickerType t : TICKERS) {
            stats.put(statName(t), statistics.getTickerCount(t));
        }
    }

    /** Frees every native setting, newest first. Call once, after the database is closed. */
    @Override
    public void close() {
        closeNewestFirst(made);
    }

    private static void closeNewestFirst(List<AbstractNativeReference> made) {
        for (int i = made.size() - 1; i >= 0; i--) {
            made.get(i).close();
        }
    }
}
