package dev.plinth.lsm.internal.engine;

import dev.plinth.spi.EngineConfig;
import java.util.Set;

/**
 * The options of an lsm store, from its URI's parameters. Immutable.
 *
 * @param walSegmentSize bytes each write-ahead log segment is preallocated to ({@code walSegmentSize},
 *     default {@link #DEFAULT_WAL_SEGMENT_SIZE}, at least one block)
 * @param memtableSize bytes (estimated) a memtable holds before it is flushed to a table ({@code memtableSize},
 *     default {@link #DEFAULT_MEMTABLE_SIZE}, at least {@link #MIN_MEMTABLE_SIZE})
 * @param blockCacheSize bytes (estimated) of decoded table blocks kept in memory ({@code blockCacheSize},
 *     default {@link #DEFAULT_BLOCK_CACHE_SIZE}; 0 keeps none)
 * @param compress whether tables written from now on LZ4-compress their data blocks ({@code compression=lz4},
 *     the default, or {@code compression=none}); tables are read whichever way they were written
 * @param mapTables whether table files are memory-mapped and their uncompressed data blocks read where they
 *     lie in the mapping, never entering the cache, compressed ones decompressed from it into the cache
 *     ({@code tableReads=mmap}, the default; a table is unmapped when its last reader lets go), instead of read
 *     with a positional read into the cache ({@code tableReads=pread})
 * @param compaction the options of leveled compaction ({@link CompactionOptions}, with its own parameters)
 */
public record LsmOptions(long walSegmentSize, long memtableSize, long blockCacheSize, boolean compress,
                         boolean mapTables, CompactionOptions compaction) {
    /** Default memtable size. */
    public static final long DEFAULT_MEMTABLE_SIZE = 4L << 20;
    /** Smallest memtable size accepted. */
    public static final long MIN_MEMTABLE_SIZE = 4096;
    /** Default bound of the block cache. */
    public static final long DEFAULT_BLOCK_CACHE_SIZE = 32L << 20;
    /** Default size of a log segment. */
    public static final long DEFAULT_WAL_SEGMENT_SIZE = 4L << 20;
    /** The largest key. */
    public static final int MAX_KEY_SIZE = 16 * 1024;
    /** The largest value. */
    public static final int MAX_VALUE_SIZE = 16 * 1024 * 1024;
    /** The most mutations in one batch. */
    public static final int MAX_BATCH_OPS = 1_000_000;
    /** The most key and value bytes in one batch; one log record holds a batch. */
    public static final long MAX_BATCH_BYTES = 64L * 1024 * 1024;
    /** The parameters a URI may carry. */
    public static final Set<String> PARAMS;

    static {
        Set<String> p = new java.util.TreeSet<>(Set.of("walSegmentSize", "memtableSize", "blockCacheSize", "compression",
                "tableReads"));
        p.addAll(CompactionOptions.PARAMS);
        PARAMS = java.util.Collections.unmodifiableSet(p);
    }

    /**
     * Checks the options.
     *
     * @param walSegmentSize the segment size
     * @param memtableSize the memtable size
     * @param blockCacheSize the block cache's bound
     * @param compress whether data blocks are compressed
     * @param mapTables whether table files are memory-mapped
     * @param compaction the options of leveled compaction
     * @throws IllegalArgumentException if out of range
     */
    public LsmOptions {
        java.util.Objects.requireNonNull(compaction, "compaction");
        if (blockCacheSize < 0 || blockCacheSize > (1L << 40)) {
            throw new IllegalArgumentException("blockCacheSize must be between 0 and 1t, got " + blockCacheSize);
        }
        if (memtableSize < MIN_MEMTABLE_SIZE || memtableSize > (1L << 30)) {
            throw new IllegalArgumentException("memtableSize must be between " + MIN_MEMTABLE_SIZE + " bytes and 1g,"
                    + " got " + memtableSize);
        }
        if (walSegmentSize < dev.plinth.lsm.internal.wal.WalFormat.BLOCK_SIZE || walSegmentSize > (1L << 30)) {
            throw new IllegalArgumentException("walSegmentSize must be between "
                    + dev.plinth.lsm.internal.wal.WalFormat.BLOCK_SIZE + " bytes and 1g, got " + walSegmentSize);
        }
    }

    /**
     * Options with the default block cache and compression.
     *
     * @param walSegmentSize the segment size
     * @param memtableSize the memtable size
     */
    public LsmOptions(long walSegmentSize, long memtableSize) {
        this(walSegmentSize, memtableSize, DEFAULT_BLOCK_CACHE_SIZE, true);
    }

    /**
     * Options with mapped tables and the default compaction.
     *
     * @param walSegmentSize the segment size
     * @param memtableSize the memtable size
     * @param blockCacheSize the block cache's bound
     * @param compress whether data blocks are compressed
     */
    public LsmOptions(long walSegmentSize, long memtableSize, long blockCacheSize, boolean compress) {
        this(walSegmentSize, memtableSize, blockCacheSize, compress, true, CompactionOptions.defaults());
    }

    /**
     * Options with the default compaction.
     *
     * @param walSegmentSize the segment size
     * @param memtableSize the memtable size
     * @param blockCacheSize the block cache's bound
     * @param compress whether data blocks are compressed
     * @param mapTables whether table files are memory-mapped
     */
    public LsmOptions(long walSegmentSize, long memtableSize, long blockCacheSize, boolean compress,
                      boolean mapTables) {
        this(walSegmentSize, memtableSize, blockCacheSize, compress, mapTables, CompactionOptions.defaults());
    }

    /**
     * Options with mapped tables.
     *
     * @param walSegmentSize the segment size
     * @param memtableSize the memtable size
     * @param blockCacheSize the block cache's bound
     * @param compress whether data blocks are compressed
     * @param compaction the options of leveled compaction
     */
    public LsmOptions(long walSegmentSize, long memtableSize, long blockCacheSize, boolean compress,
                      CompactionOptions compaction) {
        this(walSegmentSize, memtableSize, blockCacheSize, compress, true, compaction);
    }

    /**
     * These options with other compaction options.
     *
     * @param compaction the compaction options
     * @return the new options
     */
    public LsmOptions withCompaction(CompactionOptions compaction) {
        return new LsmOptions(walSegmentSize, memtableSize, blockCacheSize, compress, mapTables, compaction);
    }

    /**
     * The defaults.
     *
     * @return default options
     */
    public static LsmOptions defaults() {
        return new LsmOptions(DEFAULT_WAL_SEGMENT_SIZE, DEFAULT_MEMTABLE_SIZE);
    }

    /**
     * Reads the options of a URI.
     *
     * @param config the parsed URI
     * @return the options
     * @throws IllegalArgumentException for an unknown parameter or a bad value
     */
    public static LsmOptions parse(EngineConfig config) {
        config.requireKnownParams(PARAMS);
        CompactionOptions compaction = CompactionOptions.parse(config);
        String compression = config.param("compression", "lz4");
        if (!compression.equals("lz4") && !compression.equals("none")) {
            throw new IllegalArgumentException("open " + config.uri() + ": compression must be lz4 or none, got '"
                    + compression + "'");
        }
        String tableReads = config.param("tableReads", "mmap");
        if (!tableReads.equals("pread") && !tableReads.equals("mmap")) {
            throw new IllegalArgumentException("open " + config.uri() + ": tableReads must be pread or mmap, got '"
                    + tableReads + "'");
        }
        return new LsmOptions(config.sizeParam("walSegmentSize", DEFAULT_WAL_SEGMENT_SIZE),
                config.sizeParam("memtableSize", DEFAULT_MEMTABLE_SIZE),
                config.sizeParam("blockCacheSize", DEFAULT_BLOCK_CACHE_SIZE), compression.equals("lz4"),
                tableReads.equals("mmap"), compaction);
    }
}
