package dev.plinth.decorators.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ForwardingEngine;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A read cache of point reads ({@link #get}) of the latest state, in Caffeine, bounded by bytes. Cursors and
 * snapshots bypass it: a snapshot reads only its own view, so it can never see a cached value newer than
 * itself. Absence is cached too.
 *
 * <p>Coherence. A value read from the engine is cached only if no write could have changed it between the
 * read and the insert. Every write ({@link #apply}, {@link #dropKeyspace}) runs inside a write window:
 * {@link #writesInFlight} is raised, {@link #generation} advanced and the keys it touches invalidated before
 * the delegate applies it; after, {@link #generation} is advanced again, the window closed and the keys
 * invalidated once more. A miss records the generation before reading the engine and inserts, atomically for
 * its key with Caffeine's {@code compute}, only if the generation is the same and no write window is open.
 * So an insert either happens before a write's invalidation (which removes it) or sees the write's window
 * (and inserts nothing): a value replaced by a committed write is never returned after that write's
 * {@code apply} returned, and a batch is never seen half-applied through the cache, since its keys are
 * absent from the cache while it applies. The price is that misses during a write insert nothing.
 *
 * <p>Thread-safe; no lock of its own (Caffeine's per-key atomicity and two atomic counters).
 */
public final class CachingEngine extends ForwardingEngine {
    /** Bytes counted per entry besides its key and value: the entry, its key wrapper and Caffeine's node. */
    static final int ENTRY_OVERHEAD = 96;

    private final Cache<CacheKey, Cached> cache;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong writesInFlight = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final long maxBytes;

    /**
     * Wraps an engine.
     *
     * @param delegate the engine
     * @param maxBytes the cache's bound, in bytes of keys and values plus {@link #ENTRY_OVERHEAD} per entry
     */
    public CachingEngine(Engine delegate, long maxBytes) {
        super(delegate);
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the cache size must be 0 bytes or more, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CacheKey k, Cached v) -> weigh(k, v))
                .executor(Runnable::run) // evict on the caller's thread: the bound holds when a call returns
                // Evictions only: Caffeine's recordStats() would count every hit a second time.
                .evictionListener((CacheKey k, Cached v, RemovalCause cause) -> evictions.increment())
                .build();
    }

    private static int weigh(CacheKey k, Cached v) {
        long w = (long) k.key.length + (v.value == null ? 0 : v.value.length) + ENTRY_OVERHEAD;
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        CacheKey k = new CacheKey(keyspace.name(), key);
        Cached c = cache.getIfPresent(k);
        if (c != null && c.keyspace == keyspace) {
            hits.increment();
            return c.value;
        }
        misses.increment();
        long before = generation.get();
        byte[] value = delegate().get(keyspace, key);
        Cached fresh = new Cached(keyspace, value);
        cache.asMap().compute(k, (key2, old) -> {
            if (writesInFlight.get() == 0 && generation.get() == before) {
                return fresh;
            }
            return old; // a write may have changed it since the read: leave what is there
        });
        return value;
    }

    @Override
    public boolean apply(EngineBatch batch) {
        Predicate<CacheKey> touched = touchedBy(batch);
        openWindow(touched);
        try {
            return delegate().apply(batch);
        } finally {
            closeWindow(touched);
        }
    }

    @Override
    public boolean dropKeyspace(String name) {
        Predicate<CacheKey> touched = k -> k.keyspace.equals(name);
        openWindow(touched);
        try {
            return delegate().dropKeyspace(name);
        } finally {
            closeWindow(touched);
        }
    }

    private void openWindow(Predicate<CacheKey> touched) {
        writesInFlight.incrementAndGet();
        generation.incrementAndGet();
        invalidate(touched);
    }

    private void closeWindow(Predicate<CacheKey> touched) {
        generation.incrementAndGet();
        writesInFlight.decrementAndGet();
        invalidate(touched);
    }

    private void invalidate(Predicate<CacheKey> touched) {
        if (touched instanceof PointKeys points) {
            cache.invalidateAll(points.keys);
        } else {
            cache.asMap().keySet().removeIf(touched);
        }
    }

    /** The cached keys a batch may change: its point keys, or a predicate when it deletes ranges. */
    private static Predicate<CacheKey> touchedBy(EngineBatch batch) {
        boolean ranges = false;
        for (EngineBatch.Mutation m : batch.mutations()) {
            if (m.kind() == EngineBatch.MutationKind.DELETE_RANGE) {
                ranges = true;
                break;
            }
        }
        if (!ranges) {
            java.util.List<CacheKey> keys = new java.util.ArrayList<>(batch.mutations().size());
            for (EngineBatch.Mutation m : batch.mutations()) {
                keys.add(new CacheKey(m.keyspace().name(), m.key()));
            }
            return new PointKeys(keys);
        }
        java.util.List<EngineBatch.Mutation> mutations = batch.mutations();
        return k -> {
            for (EngineBatch.Mutation m : mutations) {
                if (!m.keyspace().name().equals(k.keyspace)) {
                    continue;
                }
                if (m.kind() == EngineBatch.MutationKind.DELETE_RANGE) {
                    if ((m.key() == null || Arrays.compareUnsigned(k.key, m.key()) >= 0)
                            && (m.end() == null || Arrays.compareUnsigned(k.key, m.end()) < 0)) {
                        return true;
                    }
                } else if (Arrays.equals(k.key, m.key())) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Counters under {@code cache.*}: hits, misses, evictions, entries and bytes, then the delegate's. */
    @Override
    public Map<String, Long> stats() {
        Map<String, Long> out = new HashMap<>(delegate().stats());
        out.put("cache.hits", hits.sum());
        out.put("cache.misses", misses.sum());
        out.put("cache.evictions", evictions.sum());
        out.put("cache.entries", cache.estimatedSize());
        out.put("cache.bytes", cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L));
        out.put("cache.maxBytes", maxBytes);
        return out;
    }

    @Override
    public void close() {
        cache.invalidateAll();
        super.close();
    }

    /** Test hook: the number of cached entries after pending maintenance. */
    long cachedEntries() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /**
     * A cached read: the handle it was read through (a hit needs the same handle, so a handle of a dropped
     * keyspace never reads a later keyspace of the same name) and the value, or {@code null} for absent.
     */
    private record Cached(EngineKeyspace keyspace, byte[] value) {
    }

    /** The keys of a batch without range deletes. */
    private record PointKeys(java.util.List<CacheKey> keys) implements Predicate<CacheKey> {
        @Override
        public boolean test(CacheKey k) {
            return keys.contains(k);
        }
    }

    /**
     * A key in a keyspace named {@code keyspace}; byte arrays compared by content. By name, not handle, so a
     * write through any handle invalidates what a read through another cached.
     */
    static final class CacheKey {
        final String keyspace;
        final byte[] key;
        private final int hash;

        CacheKey(String keyspace, byte[] key) {
            this.keyspace = keyspace;
            this.key = key;
            this.hash = keyspace.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CacheKey other && other.keyspace.equals(keyspace) && Arrays.equals(other.key, key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
