package dev.plinth.rocksdb;

import dev.plinth.spi.EngineConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tunable settings of the RocksDB engine, typed. Immutable and thread-safe.
 *
 * <p>Each setting is also a URI parameter of the same name ({@code rocksdb:/data?blockCacheSize=256m}); sizes
 * take a {@code k}, {@code m}, {@code g} or {@code t} suffix (powers of 1024). To pass typed options to
 * {@link dev.plinth.Plinth}, add {@link #toParams()} to the store options:
 * <pre>{@code
 * RocksDbOptions opts = RocksDbOptions.builder().blockCacheSize(256L << 20).compression(Compression.ZSTD).build();
 * StoreOptions.Builder b = Plinth.builder("rocksdb:/var/lib/app");
 * opts.toParams().forEach(b::param);
 * Store store = b.open();
 * }</pre>
 *
 * <p>The block cache, shared by every keyspace, is {@link #DEFAULT_BLOCK_CACHE_SIZE} unless told otherwise, and
 * memtables of all keyspaces together are held to {@link #MEMTABLE_BUDGET_FACTOR} times the write buffer size.
 * SST files' index and filter blocks are held outside the cache by default ({@link IndexAndFilters#MEMORY}), which
 * grows with the data; {@code indexAndFilters=cache} bounds them by the block cache too, at some read speed.
 */
public final class RocksDbOptions {
    /** The block cache size parameter's name. */
    public static final String BLOCK_CACHE_SIZE = "blockCacheSize";
    /** The write buffer size parameter's name. */
    public static final String WRITE_BUFFER_SIZE = "writeBufferSize";
    /** The compression parameter's name. */
    public static final String COMPRESSION = "compression";
    /** The open files limit parameter's name. */
    public static final String MAX_OPEN_FILES = "maxOpenFiles";
    /** The statistics parameter's name. */
    public static final String STATISTICS = "statistics";
    /** The parameter naming where SST files' index and filter blocks are kept: {@link IndexAndFilters}. */
    public static final String INDEX_AND_FILTERS = "indexAndFilters";
    /** Every parameter the engine accepts. */
    public static final Set<String> PARAMETERS = Set.of(BLOCK_CACHE_SIZE, WRITE_BUFFER_SIZE, COMPRESSION, MAX_OPEN_FILES,
            STATISTICS, INDEX_AND_FILTERS);

    /**
     * Default block cache: 64 MiB, one LRU cache shared by every keyspace, for data blocks (and index and filter
     * blocks with {@link IndexAndFilters#CACHE}).
     */
    public static final long DEFAULT_BLOCK_CACHE_SIZE = 64L << 20;
    /** Default size of one keyspace's memtable before it is flushed: 32 MiB. */
    public static final long DEFAULT_WRITE_BUFFER_SIZE = 32L << 20;
    /** Default compression of SST blocks. */
    public static final Compression DEFAULT_COMPRESSION = Compression.LZ4;
    /** Default limit of SST files RocksDB keeps open. */
    public static final int DEFAULT_MAX_OPEN_FILES = 512;
    /** Whether RocksDB statistics are collected by default: no, as every operation then pays to count itself. */
    public static final boolean DEFAULT_STATISTICS = false;
    /**
     * Where index and filter blocks are kept by default: {@link IndexAndFilters#MEMORY}, as RocksDB's own
     * defaults keep them, the faster read path (figures in docs/engines/rocksdb.md).
     */
    public static final IndexAndFilters DEFAULT_INDEX_AND_FILTERS = IndexAndFilters.MEMORY;

    /** Smallest write buffer accepted (RocksDB's own floor). */
    public static final long MIN_WRITE_BUFFER_SIZE = 64L << 10;
    /** Largest write buffer accepted. */
    public static final long MAX_WRITE_BUFFER_SIZE = 4L << 30;
    /** Largest block cache accepted. */
    public static final long MAX_BLOCK_CACHE_SIZE = 1L << 40;
    /** Smallest open files limit accepted, other than {@link #UNLIMITED_OPEN_FILES} (RocksDB raises lower ones to it). */
    public static final int MIN_MAX_OPEN_FILES = 20;
    /** The open files limit that means no limit. */
    public static final int UNLIMITED_OPEN_FILES = -1;
    /** All memtables together may hold this many times the write buffer size before RocksDB flushes the largest. */
    public static final int MEMTABLE_BUDGET_FACTOR = 4;

    /** How SST blocks are compressed. */
    public enum Compression {
        /** No compression. */
        NONE,
        /** LZ4: fast, the default. */
        LZ4,
        /** Zstandard: smaller files, more CPU. */
        ZSTD,
        /** Snappy. */
        SNAPPY;

        /**
         * The parameter value naming this compression.
         *
         * @return the lower-case name
         */
        public String paramValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Where the index and the Bloom filter of each SST file are kept: the trade between read speed and a
     * bound on memory.
     */
    public enum IndexAndFilters {
        /**
         * Whole per file (one binary-search index, one full filter), loaded when RocksDB opens the file and held
         * in its table reader outside the block cache, as RocksDB's own defaults and Kafka Streams keep them.
         * A read finds a key's data block without a cache lookup for index or filter. The memory grows with the
         * data, about 2% of it at 16-byte keys and 100-byte values (10 bits of filter per key, one index entry
         * per 4 KiB data block), for as many files as {@code maxOpenFiles} keeps open: at the default 512 and
         * RocksDB's 64 MiB files, about 32 GiB of data and 0.6 GB of table readers, beyond which files are closed
         * and their index and filter read again when reopened; with {@link #UNLIMITED_OPEN_FILES}, no ceiling.
         */
        MEMORY,
        /**
         * Partitioned (a small top-level index over partitions of a few KiB) and charged to the block cache,
         * so their memory is bounded by {@code blockCacheSize} rather than growing with the data; cached with
         * high priority (up to half the cache, evicted only after data blocks). Not all of it: each open file's
         * top level and level 0's blocks are pinned, which the cache may grow past its capacity for, and each
         * open file's table reader object is outside the cache. Slower reads once the
         * data is large: each read looks the partitions up in the cache. Needs a block cache: with
         * {@code blockCacheSize=0} the options are refused.
         */
        CACHE;

        /**
         * The parameter value naming this choice.
         *
         * @return the lower-case name
         */
        public String paramValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final long blockCacheSize;
    private final long writeBufferSize;
    private final Compression compression;
    private final int maxOpenFiles;
    private final boolean statistics;
    private final IndexAndFilters indexAndFilters;

    private RocksDbOptions(Builder b) {
        this.blockCacheSize = b.blockCacheSize;
        this.writeBufferSize = b.writeBufferSize;
        this.compression = b.compression;
        this.maxOpenFiles = b.maxOpenFiles;
        this.statistics = b.statistics;
        this.indexAndFilters = b.indexAndFilters;
    }

    /**
     * The defaults.
     *
     * @return options with every setting at its default
     */
    public static RocksDbOptions defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings from an engine configuration's parameters. Every problem is reported at once.
     *
     * @param config the configuration
     * @return the options
     * @throws IllegalArgumentException naming each unknown parameter or bad value
     */
    public static RocksDbOptions fromConfig(EngineConfig config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder();
        List<String> problems = new ArrayList<>();
        String unknown = config.unknownParams(PARAMETERS);
        if (unknown != null) {
            problems.add(unknown);
        }
        try {
            b.blockCacheSize = config.sizeParam(BLOCK_CACHE_SIZE, DEFAULT_BLOCK_CACHE_SIZE);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            b.writeBufferSize = config.sizeParam(WRITE_BUFFER_SIZE, DEFAULT_WRITE_BUFFER_SIZE);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        b.compression = enumParam(config, COMPRESSION, Compression.class, b.compression, problems);
        String f = config.param(MAX_OPEN_FILES, null);
        if (f != null) {
            try {
                b.maxOpenFiles = Integer.parseInt(f.trim());
            } catch (NumberFormatException e) {
                problems.add("parameter " + MAX_OPEN_FILES + "=" + f + " is not a whole number");
            }
        }
        String st = config.param(STATISTICS, null);
        if (st != null) {
            switch (st.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> b.statistics = true;
                case "false" -> b.statistics = false;
                default -> problems.add("parameter " + STATISTICS + "=" + st + " must be true or false");
            }
        }
        b.indexAndFilters = enumParam(config, INDEX_AND_FILTERS, IndexAndFilters.class, b.indexAndFilters, problems);
        b.validate(problems, config.params());
        if (!problems.isEmpty()) {
            throw config.invalid(problems);
        }
        return new RocksDbOptions(b);
    }

    /**
     * Reads a parameter naming one of an enum's constants in any case, or keeps {@code current} if it is absent;
     * a value that names none adds a problem listing the accepted ones.
     */
    private static <E extends Enum<E>> E enumParam(EngineConfig config, String name, Class<E> type, E current,
                                                   List<String> problems) {
        String value = config.param(name, null);
        if (value == null) {
            return current;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> accepted = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                accepted.add(constant.name().toLowerCase(Locale.ROOT));
            }
            problems.add("parameter " + name + "=" + value + " is not one of " + String.join(", ", accepted));
            return current;
        }
    }

    /**
     * The settings as URI parameters, for {@link dev.plinth.StoreOptions.Builder#param}.
     *
     * @return a new map from parameter name to value
     */
    public Map<String, String> toParams() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(BLOCK_CACHE_SIZE, Long.toString(blockCacheSize));
        m.put(WRITE_BUFFER_SIZE, Long.toString(writeBufferSize));
        m.put(COMPRESSION, compression.paramValue());
        m.put(MAX_OPEN_FILES, Integer.toString(maxOpenFiles));
        m.put(STATISTICS, Boolean.toString(statistics));
        m.put(INDEX_AND_FILTERS, indexAndFilters.paramValue());
        return m;
    }

    /**
     * The block cache capacity in bytes, shared by every keyspace; {@code 0} disables caching of blocks (and is
     * refused with {@link IndexAndFilters#CACHE}, which would then have no bound).
     *
     * @return the capacity
     */
    public long blockCacheSize() {
        return blockCacheSize;
    }

    /**
     * The size of one keyspace's memtable before RocksDB flushes it to an SST file.
     *
     * @return the size in bytes
     */
    public long writeBufferSize() {
        return writeBufferSize;
    }

    /**
     * How SST blocks are compressed.
     *
     * @return the compression
     */
    public Compression compression() {
        return compression;
    }

    /**
     * How many SST files RocksDB keeps open, or {@link #UNLIMITED_OPEN_FILES}.
     *
     * @return the limit
     */
    public int maxOpenFiles() {
        return maxOpenFiles;
    }

    /**
     * Whether RocksDB collects statistics (an {@code org.rocksdb.Statistics} attached to the database), which
     * adds tickers such as {@code rocksdb.wal-file-synced} to the store's stats.
     *
     * @return {@code true} if statistics are collected
     */
    public boolean statistics() {
        return statistics;
    }

    /**
     * Where SST files' index and filter blocks are kept.
     *
     * @return the choice
     */
    public IndexAndFilters indexAndFilters() {
        return indexAndFilters;
    }

    @Override
    public String toString() {
        return "RocksDbOptions" + toParams();
    }

    /** Builds {@link RocksDbOptions}. Not thread-safe. */
    public static final class Builder {
        private long blockCacheSize = DEFAULT_BLOCK_CACHE_SIZE;
        private long writeBufferSize = DEFAULT_WRITE_BUFFER_SIZE;
        private Compression compression = DEFAULT_COMPRESSION;
        private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;
        private boolean statistics = DEFAULT_STATISTICS;
        private IndexAndFilters indexAndFilters = DEFAULT_INDEX_AND_FILTERS;

        private Builder() {
        }

        /**
         * Sets the block cache capacity.
         *
         * @param bytes 0 to {@link #MAX_BLOCK_CACHE_SIZE}; more than 0 with {@link IndexAndFilters#CACHE}
         * @return this builder
         */
        public Builder blockCacheSize(long bytes) {
            this.blockCacheSize = bytes;
            return this;
        }

        /**
         * Sets the memtable size of each keyspace.
         *
         * @param bytes {@link #MIN_WRITE_BUFFER_SIZE} to {@link #MAX_WRITE_BUFFER_SIZE}
         * @return this builder
         */
        public Builder writeBufferSize(long bytes) {
            this.writeBufferSize = bytes;
            return this;
        }

        /**
         * Sets the compression.
         *
         * @param compression the compression
         * @return this builder
         */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * Sets the open files limit.
         *
         * @param files {@link #UNLIMITED_OPEN_FILES} or at least {@link #MIN_MAX_OPEN_FILES}
         * @return this builder
         */
        public Builder maxOpenFiles(int files) {
            this.maxOpenFiles = files;
            return this;
        }

        /**
         * Sets whether RocksDB collects statistics.
         *
         * @param collect {@code true} to collect them
         * @return this builder
         */
        public Builder statistics(boolean collect) {
            this.statistics = collect;
            return this;
        }

        /**
         * Sets where SST files' index and filter blocks are kept.
         *
         * @param where {@link IndexAndFilters#MEMORY} for speed, {@link IndexAndFilters#CACHE} for memory bounded
         *              by the block cache
         * @return this builder
         */
        public Builder indexAndFilters(IndexAndFilters where) {
            this.indexAndFilters = Objects.requireNonNull(where, "indexAndFilters");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException naming every setting out of bounds
         */
        public RocksDbOptions build() {
            List<String> problems = new ArrayList<>();
            validate(problems, Map.of());
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return new RocksDbOptions(this);
        }

        /**
         * Adds a problem for each setting out of bounds, naming it with its value as typed (from
         * {@code typed}, the URI's parameters) or, when set in code, as a size with units.
         */
        private void validate(List<String> problems, Map<String, String> typed) {
            if (blockCacheSize < 0 || blockCacheSize > MAX_BLOCK_CACHE_SIZE) {
                problems.add("parameter " + BLOCK_CACHE_SIZE + "=" + typed.getOrDefault(BLOCK_CACHE_SIZE,
                        size(blockCacheSize)) + " must be between 0 and " + size(MAX_BLOCK_CACHE_SIZE));
            }
            if (writeBufferSize < MIN_WRITE_BUFFER_SIZE || writeBufferSize > MAX_WRITE_BUFFER_SIZE) {
                problems.add("parameter " + WRITE_BUFFER_SIZE + "=" + typed.getOrDefault(WRITE_BUFFER_SIZE,
                        size(writeBufferSize)) + " must be between " + size(MIN_WRITE_BUFFER_SIZE) + " and "
                        + size(MAX_WRITE_BUFFER_SIZE));
            }
            if (maxOpenFiles != UNLIMITED_OPEN_FILES && maxOpenFiles < MIN_MAX_OPEN_FILES) {
                problems.add("parameter " + MAX_OPEN_FILES + "=" + typed.getOrDefault(MAX_OPEN_FILES,
                        Integer.toString(maxOpenFiles)) + " must be " + UNLIMITED_OPEN_FILES
                        + " (unlimited) or at least " + MIN_MAX_OPEN_FILES);
            }
            if (indexAndFilters == IndexAndFilters.CACHE && blockCacheSize == 0) {
                // Without a cache RocksDB would hold the index and filter blocks outside any bound: the opposite
                // of what cache is chosen for.
                problems.add("parameter " + INDEX_AND_FILTERS + "=" + IndexAndFilters.CACHE.paramValue() + " needs "
                        + BLOCK_CACHE_SIZE + " > 0, not " + typed.getOrDefault(BLOCK_CACHE_SIZE, "0")
                        + ": without a block cache nothing bounds the index and filter blocks");
            }
        }

    }

    /** A size as a parameter takes it: {@code 64k}, {@code 4g}, or plain bytes when not a whole unit. */
    static String size(long bytes) {
        String[] units = {"t", "g", "m", "k"};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << (10 * (4 - i));
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }
}
