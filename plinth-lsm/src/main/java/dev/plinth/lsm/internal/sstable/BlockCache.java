package dev.plinth.lsm.internal.sstable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Supplier;

/**
 * The data blocks of an engine's tables as they are stored (checked and decompressed, not decoded into
 * entries), bounded in bytes (an estimate: the block's bytes, its entry index and a fixed overhead per
 * block, {@link DataBlock#weight()}). A block is checked (CRC32C, decompression, every entry and the key
 * order) once, when it is read from its file; later reads of it come from here until it is evicted or its
 * table is closed. Readers decode only the entries they visit. Thread-safe.
 */
public final class BlockCache {
    private final Cache<Key, DataBlock> cache;
    /** Whether the tables of this cache read their blocks from a memory mapping; see {@link #mapTables()}. */
    private final boolean mapTables;
    private final java.util.concurrent.atomic.AtomicLong nextOwner = new java.util.concurrent.atomic.AtomicLong();

    private record Key(long owner, int block) {
    }

    /**
     * A cache holding at most about {@code maxBytes} of blocks; 0 keeps nothing.
     *
     * @param maxBytes the bound, at least 0
     * @throws IllegalArgumentException if negative
     */
    public BlockCache(long maxBytes) {
        this(maxBytes, false);
    }

    /**
     * A cache holding at most about {@code maxBytes} of blocks, for tables that read missed blocks from a
     * memory mapping of their file or with positional reads.
     *
     * @param maxBytes the bound, at least 0; 0 keeps nothing
     * @param mapTables whether tables opened with this cache map their files
     * @throws IllegalArgumentException if negative
     */
    public BlockCache(long maxBytes, boolean mapTables) {
        this.mapTables = mapTables;
        if (maxBytes < 0) {
            throw new IllegalArgumentException("a block cache of " + maxBytes + " bytes cannot exist");
        }
        this.cache = maxBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, DataBlock v) -> v.weight())
                .executor(Runnable::run)
                .build();
    }

    /** A cache that keeps nothing: every read goes to the file. */
    public static BlockCache none() {
        return new BlockCache(0);
    }

    /**
     * Whether tables opened with this cache map their files ({@link dev.plinth.io.VfsFile#map}). A mapped
     * table reads its uncompressed data blocks where they lie in the mapping, for gets and cursors in both
     * directions, and never puts them here (their CRC32C is checked at every use, their entries once); only
     * its compressed blocks (and any with irregular restart points), decompressed, enter this cache. Unmapped tables read a missed block with a positional read. Every block is checked whole
     * (CRC32C, every entry) before it is first used.
     *
     * @return {@code true} to map
     */
    public boolean mapTables() {
        return mapTables;
    }

    /** A number no other table of this cache has, for the keys of one open table. */
    long newOwner() {
        return nextOwner.incrementAndGet();
    }

    DataBlock get(long owner, int block, Supplier<DataBlock> load) {
        if (cache == null) {
            return load.get();
        }
        Key k = new Key(owner, block);
        DataBlock hit = cache.getIfPresent(k);
        if (hit != null) {
            return hit;
        }
        DataBlock loaded = load.get(); // outside the cache's lock: a failed check throws to the reader
        cache.put(k, loaded);
        return loaded;
    }

    /** Drops the blocks of a table that was closed. */
    void forget(long owner, int blocks) {
        if (cache == null) {
            return;
        }
        for (int i = 0; i < blocks; i++) {
            cache.invalidate(new Key(owner, i));
        }
    }

    /**
     * Bytes (estimated) held now.
     *
     * @return the weight of the cached blocks
     */
    public long weightedSize() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
