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
 */
public record LsmOptions(long walSegmentSize, long memtableSize) {
    /** Default memtable size. */
    public static final long DEFAULT_MEMTABLE_SIZE = 4L << 20;
    /** Smallest memtable size accepted. */
    public static final long MIN_MEMTABLE_SIZE = 4096;
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
    public static final Set<String> PARAMS = Set.of("walSegmentSize", "memtableSize");

    /**
     * Checks the options.
     *
     * @param walSegmentSize the segment size
     * @param memtableSize the memtable size
     * @throws IllegalArgumentException if out of range
     */
    public LsmOptions {
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
        return new LsmOptions(config.sizeParam("walSegmentSize", DEFAULT_WAL_SEGMENT_SIZE),
                config.sizeParam("memtableSize", DEFAULT_MEMTABLE_SIZE));
    }
}
