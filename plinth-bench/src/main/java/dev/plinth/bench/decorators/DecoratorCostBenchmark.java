package dev.plinth.bench.decorators;

import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.StoreOptions;
import dev.plinth.Store;
import dev.plinth.decorators.EngineDecorators;
import dev.plinth.decorators.RateLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What each decorator costs, side by side in one run: point reads of random keys among {@link #KEYS} loaded
 * ones, and puts of random keys, through the store with no decorator ({@code none}) and with each decorator
 * alone. The cache holds every key ({@code cache}), so its reads are hits. {@code metrics} times one call in
 * its default sampling, {@code metricsEveryCall} every call, {@code metricsSparse} one in 64. Over {@code mem:} unless
 * {@code -p engine=rocksdb} or {@code -p engine=lmdb} (each in a new temporary directory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", // LMDB's flags, see the parent pom
    "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DecoratorCostBenchmark {
    /** Keys loaded before measuring. */
    static final int KEYS = 10_000;

    /** The decorator under the store. */
    @Param({"none", "cache", "metrics", "metricsEveryCall", "metricsSparse", "sizeLimits", "rateLimits", "writeBuffer",
        "timeout"})
    public String stack;

    /** The engine: {@code mem}, {@code rocksdb} or {@code lmdb}. */
    @Param({"mem"})
    public String engine;

    private java.nio.file.Path dir;
    private Store store;
    private Keyspace ks;
    private byte[][] keys;
    private final byte[] value = new byte[100];
    private long seed = 42;

    @Setup(Level.Trial)
    public void open() {
        String uri = "mem:";
        if (!engine.equals("mem")) {
            try {
                dir = java.nio.file.Files.createTempDirectory("plinth-decorator-bench");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            uri = engine + ":" + dir.resolve("store");
        }
        StoreOptions.Builder b = Plinth.builder(uri);
        long high = 1_000_000_000L; // a billion per second: never reached
        EngineDecorators.Builder d = EngineDecorators.builder();
        switch (stack) {
            case "none" -> d = null;
            case "cache" -> d.cache(64L << 20);
            case "metrics" -> d.metrics(new SimpleMeterRegistry());
            case "metricsEveryCall" -> d.metrics(new SimpleMeterRegistry()).metricsLatencySampling(1);
            case "metricsSparse" -> d.metrics(new SimpleMeterRegistry()).metricsLatencySampling(64);
            case "sizeLimits" -> d.sizeLimits(1024, 1 << 20, 10_000, 16L << 20);
            case "rateLimits" -> d.rateLimits(RateLimits.builder().globalReads(high).globalWrites(high).build());
            case "writeBuffer" -> d.writeBuffer(1_000, 1 << 20, Duration.ofMillis(100));
            case "timeout" -> d.timeout(Duration.ofSeconds(10));
            default -> throw new IllegalArgumentException("unknown stack " + stack);
        }
        if (d != null) {
            b.decorate(d.build());
        }
        store = b.open();
        ks = store.defaultKeyspace();
        keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = String.format("key%010d", i).getBytes();
            ks.put(keys[i], value);
        }
        for (byte[] k : keys) {
            ks.get(k); // fills the cache
        }
    }

    @TearDown(Level.Trial)
    public void close() throws java.io.IOException {
        store.close();
        if (dir != null) {
            try (var paths = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.delete(p);
                }
            }
        }
    }

    private byte[] randomKey() {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        return keys[(int) ((seed >>> 33) % KEYS)];
    }

    /** A point read of a loaded key. */
    @Benchmark
    public byte[] get() {
        return ks.get(randomKey());
    }

    /** A put of a loaded key. */
    @Benchmark
    public void put() {
        ks.put(randomKey(), value);
    }
}
