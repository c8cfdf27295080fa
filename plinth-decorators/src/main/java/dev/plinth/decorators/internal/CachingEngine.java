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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * A read cache of point reads ({@link #get}) of the latest state, in Caffeine, bounded by bytes. Cursors and
 * snapshots bypass it: a snapshot reads only its own view, so it can never see a cached value newer than
 * itself. Absence is cached too.
 *
 * <p>Coherence. A value read from the engine is cached only if no write could have changed it between the
 * read and the insert. Every write ({@link #apply}, {@link #dropKeyspace}) runs inside a write window: one
 * atomic add to {@link #state} raises the count of writes in flight and advances the generation, then the keys
 * it touches are invalidated, then the delegate applies it, then a second add advances the generation again
 * and lowers the count. A miss records {@link #state} before reading the engine and inserts, atomically for its
 * key with Caffeine's {@code compute}, only if no window was open then and {@link #state} is still the same.
 * So an insert either completes before a write's window opens (and the write's invalidation removes it) or
 * sees the window (and inserts nothing): a value replaced by a committed write is never returned after that
 * write's {@code apply} returned, and a batch is never seen half-applied through the cache, since its keys are
 * absent from the cache while it applies. No insert can happen while any window is open, so one
 * invalidation, before the write, is enough. The price is that misses during a write insert nothing.
 *
 * <p>Invalidating a key that is not cached is the common case under writes, and Caffeine's removal allocates
 * even then, so a write first asks whether the key is cached. That question alone would race with an insert
 * whose check passed just before the window opened but whose entry is not yet in the map; {@link #inserting}
 * counts the misses between raising it and their insert's end, and while any is counted a write removes its
 * keys unconditionally (Caffeine's removal waits for an insert of the same key). The ordering argument: a miss
 * raises {@link #inserting} before its check reads {@link #state}; a write adds to {@link #state} before it
 * reads {@link #inserting}; so a write that reads zero comes after the end of every insert that passed its
 * check, and sees those entries in the map.
 *
 * <p>Thread-safe; no lock of its own (Caffeine's per-key atomicity and three atomic counters).
 */
public final class CachingEngine extends ForwardingEngine {
    /** Bytes counted per entry besides its key and value: the entry, its key wrapper and Caffeine's node. */
    static final int ENTRY_OVERHEAD = 96;
    /** Bits of {@link #state} that count writes in flight (far more than there can be threads). */
    private static final int IN_FLIGHT_BITS = 24;
    private static final long IN_FLIGHT_MASK = (1L << IN_FLIGHT_BITS) - 1;
    /** One step of the generation in {@link #state}. */
    private static final long GENERATION = 1L << IN_FLIGHT_BITS;

    private final Cache<CacheKey, Cached> cache;
    /**
     * The write windows: the number of writes in flight in the low {@link #IN_FLIGHT_BITS} bits, a generation
     * above them that every opening and closing of a window advances. It wraps after some 10^11 writes, which
     * is harmless: a miss compares it for equality only, across one read of the engine.
     */
    private final AtomicLong state = new AtomicLong();
    /** Misses that may insert: raised before their check of {@link #state}, lowered after their insert. */
    private final AtomicInteger inserting = new AtomicInteger();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final long maxBytes;
    /** Test hook: runs inside an insert's {@code compute}, after its check passed. */
    volatile Runnable insertHook;

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

    /**
     * A hit returns the cached array itself: the core only reads it (it copies the value out for the caller),
     * as it reads what an engine returns. The hit's key wrapper reaches nothing but Caffeine's lookup, so the
     * JIT can keep it off the heap; the miss, whose wrapper goes into the map, makes its own in {@link #miss}.
     */
    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        Cached c = cache.getIfPresent(new CacheKey(keyspace.name(), key));
        if (c != null && c.keyspace == keyspace) {
            hits.increment();
            return c.value;
        }
        return miss(keyspace, key);
    }

    /** Reads a key the cache did not hold and caches what was read unless a write may have changed it. */
    private byte[] miss(EngineKeyspace keyspace, byte[] key) {
        misses.increment();
        CacheKey k = new CacheKey(keyspace.name(), key);
        long before = state.get();
        byte[] value = delegate().get(keyspace, key);
        if ((before & IN_FLIGHT_MASK) != 0) {
            return value; // a write was in flight: what was read may be older than it, so cache nothing
        }
        Cached fresh = new Cached(keyspace, value);
        inserting.incrementAndGet(); // before the check below reads the state: see the class comment
        try {
            cache.asMap().compute(k, (key2, old) -> {
                if (state.get() != before) {
                    return old; // a write may have changed it since the read: leave what is there
                }
                Runnable hook = insertHook;
                if (hook != null) {
                    hook.run();
                }
                return fresh;
            });
        } finally {
            inserting.decrementAndGet();
        }
        return value;
    }

    @Override
    public boolean apply(EngineBatch batch) {
        state.addAndGet(GENERATION + 1);
        try {
            invalidate(batch);
            return delegate().apply(batch);
        } finally {
            state.addAndGet(GENERATION - 1);
        }
    }

    @Override
    public boolean dropKeyspace(String name) {
        state.addAndGet(GENERATION + 1);
        try {
            removeIf(k -> k.keyspace.equals(name));
            return delegate().dropKeyspace(name);
        } finally {
            state.addAndGet(GENERATION - 1);
        }
    }

    /** Invalidates every cached key a batch may change. Called inside its write window. */
    private void invalidate(EngineBatch batch) {
        List<EngineBatch.Mutation> mutations = batch.mutations();
        for (EngineBatch.Mutation m : mutations) {
            if (m.kind() == EngineBatch.MutationKind.DELETE_RANGE) {
                removeIf(touchedBy(mutations));
                return;
            }
        }
        boolean racing = inserting.get() != 0;
        Map<CacheKey, Cached> map = cache.asMap();
        for (EngineBatch.Mutation m : mutations) {
            // The question's wrapper does not escape (see get); only a removal makes one that does.
            if (racing || map.containsKey(new CacheKey(m.keyspace().name(), m.key()))) {
                cache.invalidate(new CacheKey(m.keyspace().name(), m.key()));
            }
        }
    }

    /**
     * Removes the cached keys a predicate selects. Called inside a write window, so no later insert can
     * pass its check; it first waits for the inserts that passed theirs before the window opened, since an
     * entry not yet in the map would escape the scan.
     */
    private void removeIf(Predicate<CacheKey> touched) {
        // Each is one compute of one key, and none that starts its check from now on can insert.
        for (int spins = 0; inserting.get() != 0; spins++) {
            if (spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        cache.asMap().keySet().removeIf(touched);
    }

    /** The cached keys a batch with range deletes may change. */
    private static Predicate<CacheKey> touchedBy(List<EngineBatch.Mutation> mutations) {
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
