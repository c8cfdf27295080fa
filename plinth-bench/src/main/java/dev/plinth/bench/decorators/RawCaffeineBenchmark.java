package dev.plinth.bench.decorators;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under the read cache: a raw Caffeine lookup of the same {@link DecoratorCostBenchmark#KEYS} keys
 * (byte arrays wrapped for content equality, as the cache must), bounded by bytes as the cache is. Run it
 * beside {@code DecoratorCostBenchmark.get} with {@code stack=cache}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RawCaffeineBenchmark {
    private Cache<Key, byte[]> cache;
    private byte[][] keys;
    private long seed = 42;

    /** A key compared by content. */
    record Key(byte[] bytes, int hash) {
        Key(byte[] bytes) {
            this(bytes, Arrays.hashCode(bytes));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    @Setup(Level.Trial)
    public void fill() {
        cache = Caffeine.newBuilder().maximumWeight(64L << 20)
                .weigher((Key k, byte[] v) -> k.bytes.length + v.length + 96).executor(Runnable::run).build();
        keys = new byte[DecoratorCostBenchmark.KEYS][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = String.format("key%010d", i).getBytes();
            cache.put(new Key(keys[i]), new byte[100]);
        }
    }

    /** A lookup of a cached key. */
    @Benchmark
    public byte[] get() {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        return cache.getIfPresent(new Key(keys[(int) ((seed >>> 33) % keys.length)]));
    }
}
