package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Isolation;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Exact counts after a known workload, percentiles, errors, and the bound on tracked tenants. */
class MeteredEngineTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long count(String op) {
        return (long) registry.find("plinth.op.count").tag("op", op).counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    private long counter(String name, String op) {
        return (long) registry.find(name).tag("op", op).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aKnownWorkloadGivesExactCountsPerOperation() {
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().metrics(registry).build())
                .open()) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("a"), b("1"));
            ks.put(b("b"), b("2"));
            ks.put(b("c"), b("3"));
            ks.get(b("a"));
            ks.get(b("zz"));
            ks.delete(b("c"));
            ks.deleteRange(Range.of(b("x"), b("y")));
            store.write(new WriteBatch().put(ks, b("d"), b("4")).put(ks, b("e"), b("5")));
            assertThat(ks.compareAndSet(b("a"), b("1"), b("10"))).isTrue();
            assertThat(ks.compareAndSet(b("a"), b("1"), b("11"))).isFalse();
            try (Transaction tx = store.begin(Isolation.SERIALIZABLE)) {
                tx.get(ks, b("b"));
                tx.put(ks, b("b"), b("20"));
                tx.put(ks, b("f"), b("6"));
                tx.commit();
            }
            List<KeyValue> all = ks.scan(Range.all(), ScanOptions.forward());
            store.flush();

            assertThat(all).hasSize(5);
            assertThat(count("put")).isEqualTo(3);
            assertThat(count("delete")).isEqualTo(1);
            assertThat(count("delete_range")).isEqualTo(1);
            assertThat(count("batch")).isEqualTo(1);
            // Both compare-and-sets are first tried by the engine without a read; the failed one is then decided
            // by the core's read of its key, and not applied.
            assertThat(count("cas")).isEqualTo(2);
            assertThat(count("commit")).isEqualTo(1);
            assertThat(count("snapshot")).isEqualTo(1);
            assertThat(count("scan")).isEqualTo(1);
            assertThat(count("flush")).isEqualTo(1);
            assertThat(count("get")).isEqualTo(2 + 1); // two gets, and the core's read of the failed CAS's key
            assertThat(registry.find("plinth.scan.entries").counter().count()).isEqualTo(5);
            assertThat(counter("plinth.op.errors", "get")).isZero();
            assertThat(store.stats().counter("metrics.put")).isEqualTo(3);
            assertThat(store.stats().counter("metrics.get")).isEqualTo(3);
        }
    }

    @Test
    void everyTimerPublishesTheFourPercentiles() {
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().metrics(registry)
                .metricsLatencySampling(1).build()).open()) {
            for (int i = 0; i < 100; i++) {
                store.defaultKeyspace().put(b("k" + i), b("v"));
            }
            Timer put = registry.find("plinth.op").tag("op", "put").timer();
            assertThat(put).isNotNull();
            double[] ps = Arrays.stream(put.takeSnapshot().percentileValues())
                    .mapToDouble(ValueAtPercentile::percentile).toArray();
            assertThat(ps).containsExactly(0.5, 0.95, 0.99, 0.999);
            assertThat(put.count()).isEqualTo(100);
        }
    }

    @Test
    void latencyIsTimedOnASampleWhileEveryCallIsCounted() {
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().metrics(registry)
                .metricsLatencySampling(4).build()).open()) {
            for (int i = 0; i < 1000; i++) {
                store.defaultKeyspace().put(b("k" + i), b("v"));
            }
            assertThat(count("put")).isEqualTo(1000);
            assertThat(store.stats().counter("metrics.put")).isEqualTo(1000);
            // One in four, at random: none or all of 1000 has a probability below 1e-120.
            assertThat(registry.find("plinth.op").tag("op", "put").timer().count()).isBetween(1L, 999L);
        }
    }

    /** Fails every batch once armed. */
    static final class FailingApply extends ForwardingEngine {
        final AtomicBoolean fail = new AtomicBoolean();

        FailingApply(Engine delegate) {
            super(delegate);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            if (fail.get()) {
                throw new StorageIOException("injected failure of a write to the test store");
            }
            return super.apply(batch);
        }
    }

    @Test
    void errorsAreCountedByOperationAndException() {
        FailingApply[] failing = new FailingApply[1];
        try (Store store = Plinth.builder("mem:").decorate(e -> failing[0] = new FailingApply(e))
                .decorate(EngineDecorators.builder().metrics(registry).build()).open()) {
            failing[0].fail.set(true);
            assertThatThrownBy(() -> store.defaultKeyspace().put(b("k"), b("v")))
                    .isInstanceOf(StorageIOException.class);
            assertThat(registry.find("plinth.op.errors").tag("op", "put").tag("exception", "StorageIOException")
                    .counter().count()).isEqualTo(1);
            assertThat(count("put")).isEqualTo(1);
            assertThat(store.stats().counter("metrics.errors")).isEqualTo(1);
        }
    }

    @Test
    void tenantsPastTheBoundAreCountedAsOther() {
        try (Store store = Plinth.builder("mem:")
                .decorate(EngineDecorators.builder()
                        .metrics(registry, k -> new String(k, 0, 1, StandardCharsets.UTF_8), 2).build())
                .open()) {
            Keyspace ks = store.defaultKeyspace();
            for (String t : List.of("a", "b", "c", "d", "a", "e")) {
                ks.put(b(t + "-key"), b("v"));
            }
            Set<String> tenants = new TreeSet<>();
            for (Meter m : registry.find("plinth.op").tag("op", "put").meters()) {
                tenants.add(m.getId().getTag("tenant"));
            }
            assertThat(tenants).containsExactly("a", "b", "other");
            assertThat(registry.find("plinth.op.count").tag("op", "put").tag("tenant", "a").counter().count())
                    .isEqualTo(2);
            assertThat(registry.find("plinth.op.count").tag("op", "put").tag("tenant", "b").counter().count())
                    .isEqualTo(1);
            assertThat(registry.find("plinth.op.count").tag("op", "put").tag("tenant", "other").counter().count())
                    .isEqualTo(3);
            assertThat(store.stats().counter("metrics.tenants")).isEqualTo(3);
        }
    }

    @Test
    void racingThreadsNeverTrackMoreTenantsThanTheBound() throws Exception {
        try (Store store = Plinth.builder("mem:")
                .decorate(EngineDecorators.builder()
                        .metrics(registry, k -> new String(k, 0, 3, StandardCharsets.UTF_8), 5).build())
                .open()) {
            Keyspace ks = store.defaultKeyspace();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 250; i++) {
                            ks.put(b(String.format("%03d", (i * 4 + thread) % 1000) + "-key"), b("v"));
                        }
                    }));
                }
                for (java.util.concurrent.Future<?> f : fs) {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            Set<String> tenants = new TreeSet<>();
            for (Meter m : registry.find("plinth.op").tag("op", "put").meters()) {
                tenants.add(m.getId().getTag("tenant"));
            }
            assertThat(tenants).hasSize(6).contains("other");
            assertThat(count("put")).isEqualTo(1000);
        }
    }

    @Test
    void batchesAreNamedByTheirShape() {
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().metrics(registry).build())
                .open()) {
            Keyspace ks = store.defaultKeyspace();
            store.write(new WriteBatch().requireAbsent(ks, b("k")).put(ks, b("k"), b("v")));
            store.write(new WriteBatch().requireAbsent(ks, b("j")).put(ks, b("k"), b("w")));
            assertThat(count("cas")).isEqualTo(1);
            assertThat(count("commit")).isEqualTo(1);
        }
    }
}
