package dev.plinth.bench.decorators;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.decorators.EngineDecorators;
import dev.plinth.decorators.internal.CachingEngine;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineProvider;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where a point read's time goes, layer by layer, side by side in one run: a read of a random key among
 * {@link DecoratorCostBenchmark#KEYS} loaded ones (100-byte values) from
 * <ul>
 *   <li>{@code skipList}: a raw {@link ConcurrentSkipListMap} with unsigned byte order, the structure under
 *       {@code mem:}, returning its array; {@code skipListCopy} the same plus a copy, as any API that hands the
 *       caller its own array must;</li>
 *   <li>{@code memEngine}: the {@code mem:} engine through the SPI, without the store around it;</li>
 *   <li>{@code store}: {@code Store.get} over {@code mem:} (the core's path: handle and argument checks, the
 *       call guard, the core's integrity check, the value header, the copy);</li>
 *   <li>{@code caffeine}: a raw Caffeine lookup bounded by bytes, as {@link RawCaffeineBenchmark};</li>
 *   <li>{@code cachingEngine}: the cache decorator over the {@code mem:} engine through the SPI, all hits
 *       (the decorator's own cost over a raw Caffeine lookup);</li>
 *   <li>{@code cachedStore}: {@code Store.get} over {@code mem:} behind the cache, all hits.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReadPathBenchmark {
    private static final int KEYS = DecoratorCostBenchmark.KEYS;

    static byte[][] keys() {
        byte[][] keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = String.format("key%010d", i).getBytes();
        }
        return keys;
    }

    /** The stored form {@code mem:} holds for a 100-byte value without a time to live or a checksum. */
    static byte[] storedForm() {
        return new byte[101]; // header 0x00 (plain), then the value
    }

    /** The random key of each call, as {@link DecoratorCostBenchmark} draws it. */
    @State(Scope.Thread)
    public static class Draw {
        final byte[][] keys = keys();
        long seed = 42;

        byte[] next() {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            return keys[(int) ((seed >>> 33) % KEYS)];
        }
    }

    /** A raw skip list. */
    @State(Scope.Benchmark)
    public static class SkipList {
        final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

        @Setup(Level.Trial)
        public void fill() {
            for (byte[] k : keys()) {
                map.put(k.clone(), storedForm());
            }
        }
    }

    /** A raw Caffeine cache. */
    @State(Scope.Benchmark)
    public static class RawCaffeine {
        Cache<RawCaffeineBenchmark.Key, byte[]> cache;

        @Setup(Level.Trial)
        public void fill() {
            cache = Caffeine.newBuilder().maximumWeight(64L << 20)
                    .weigher((RawCaffeineBenchmark.Key k, byte[] v) -> k.bytes().length + v.length + 96)
                    .executor(Runnable::run).build();
            for (byte[] k : keys()) {
                cache.put(new RawCaffeineBenchmark.Key(k.clone()), storedForm());
            }
        }
    }

    /** The {@code mem:} engine through the SPI, and the cache decorator over another one. */
    @State(Scope.Benchmark)
    public static class Engines {
        Engine mem;
        EngineKeyspace memKs;
        Engine cached;
        EngineKeyspace cachedKs;

        @Setup(Level.Trial)
        public void open() {
            EngineProvider provider = ServiceLoader.load(EngineProvider.class).stream()
                    .map(ServiceLoader.Provider::get).filter(p -> p.scheme().equals("mem")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no mem: engine on the class path"));
            mem = provider.open(new EngineConfig("mem:", "mem", "", Map.of(), InstantSource.system()));
            memKs = fill(mem);
            cached = new CachingEngine(provider.open(new EngineConfig("mem:", "mem", "", Map.of(),
                    InstantSource.system())), 64L << 20);
            cachedKs = fill(cached);
            for (byte[] k : keys()) {
                cached.get(cachedKs, k); // fills the cache
            }
        }

        private static EngineKeyspace fill(Engine engine) {
            EngineKeyspace ks = engine.createKeyspace(Store.DEFAULT_KEYSPACE);
            for (byte[] k : keys()) {
                engine.apply(EngineBatch.builder(Durability.NONE).put(ks, k.clone(), storedForm(), 0).build());
            }
            return ks;
        }

        @TearDown(Level.Trial)
        public void close() {
            mem.close();
            cached.close();
        }
    }

    /**
     * {@code Store.get} over {@code mem:}, bare. Each store has its own state, so that a fork opens only the one it
     * measures: the core's call into the engine then sees one engine type, as in an application with one store.
     */
    @State(Scope.Benchmark)
    public static class BareStore {
        Store store;
        Keyspace ks;

        @Setup(Level.Trial)
        public void open() {
            store = Plinth.open("mem:");
            ks = fill(store);
        }

        @TearDown(Level.Trial)
        public void close() {
            store.close();
        }
    }

    /** {@code Store.get} over {@code mem:} behind the cache, which holds every key. */
    @State(Scope.Benchmark)
    public static class CachedStore {
        Store store;
        Keyspace ks;

        @Setup(Level.Trial)
        public void open() {
            store = Plinth.builder("mem:").decorate(EngineDecorators.builder().cache(64L << 20).build()).open();
            ks = fill(store);
            for (byte[] k : keys()) {
                ks.get(k); // fills the cache
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            store.close();
        }
    }

    static Keyspace fill(Store store) {
        Keyspace ks = store.defaultKeyspace();
        for (byte[] k : keys()) {
            ks.put(k, new byte[100]);
        }
        return ks;
    }

    /** A raw skip-list lookup. */
    @Benchmark
    public byte[] skipList(SkipList s, Draw d) {
        return s.map.get(d.next());
    }

    /** A raw skip-list lookup and a copy of what it found. */
    @Benchmark
    public byte[] skipListCopy(SkipList s, Draw d) {
        byte[] v = s.map.get(d.next());
        return v == null ? null : v.clone();
    }

    /** The {@code mem:} engine's point read through the SPI. */
    @Benchmark
    public byte[] memEngine(Engines e, Draw d) {
        return e.mem.get(e.memKs, d.next());
    }

    /** {@code Store.get} over {@code mem:}. */
    @Benchmark
    public byte[] store(BareStore s, Draw d) {
        return s.ks.get(d.next());
    }

    /** A raw Caffeine lookup. */
    @Benchmark
    public byte[] caffeine(RawCaffeine c, Draw d) {
        return c.cache.getIfPresent(new RawCaffeineBenchmark.Key(d.next()));
    }

    /** The cache decorator's hit through the SPI, without the store. */
    @Benchmark
    public byte[] cachingEngine(Engines e, Draw d) {
        return e.cached.get(e.cachedKs, d.next());
    }

    /** {@code Store.get} behind the cache: a hit. */
    @Benchmark
    public byte[] cachedStore(CachedStore s, Draw d) {
        return s.ks.get(d.next());
    }
}
