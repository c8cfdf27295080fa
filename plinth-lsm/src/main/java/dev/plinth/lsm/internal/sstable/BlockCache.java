package dev.plinth.lsm.internal.sstable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plinth.lsm.internal.key.Entry;
import java.util.function.Supplier;

/**
 * The decoded data blocks of an engine's tables, bounded in bytes (an estimate: key and value bytes plus a
 * fixed overhead per entry). A block is checked (CRC32C, decompression, parse, key order) once, when it is
 * read from its file; later reads of it come from here until it is evicted or its table is closed. The
 * arrays handed out are shared and must not be changed. Thread-safe.
 */
public final class BlockCache {
    /** Bytes counted for each entry beyond its key and value: the objects around them. */
    static final int ENTRY_OVERHEAD = 64;

    private final Cache<Key, Entry[]> cache;
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
        if (maxBytes < 0) {
            throw new IllegalArgumentException("a block cache of " + maxBytes + " bytes cannot exist");
        }
        this.cache = maxBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, Entry[] v) -> weight(v))
                .executor(Runnable::run)
                .build();
    }

    /** A cache that keeps nothing: every read goes to the file. */
    public static BlockCache none() {
        return new BlockCache(0);
    }

    static int weight(Entry[] block) {
        long w = 16;
        for (Entry e : block) {
            w += ENTRY_OVERHEAD + e.key().length + (e.value() == null ? 0 : e.value().length);
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    /** A number no other table of this cache has, for the keys of one open table. */
    long newOwner() {
        return nextOwner.incrementAndGet();
    }

    Entry[] get(long owner, int block, Supplier<Entry[]> load) {
        if (cache == null) {
            return load.get();
        }
        Key k = new Key(owner, block);
        Entry[] hit = cache.getIfPresent(k);
        if (hit != null) {
            return hit;
        }
        Entry[] loaded = load.get(); // outside the cache's lock: a failed check throws to the reader
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
