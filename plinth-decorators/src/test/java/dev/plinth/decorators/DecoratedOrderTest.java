package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Plinth;
import dev.plinth.RateLimitedException;
import dev.plinth.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The builder's fixed order, seen from outside: what each position means for the others. */
class DecoratedOrderTest {
    private final AtomicLong nanos = new AtomicLong();

    private RateLimits oneWritePerSecond() {
        return RateLimits.builder().globalWrites(1).globalReads(1).nanoClock(nanos::get).build();
    }

    @Test
    void aWriteRefusedBySizeLimitsTakesNoRateLimitToken() {
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().sizeLimits(4, 100, 10, 1000)
                .rateLimits(oneWritePerSecond()).build()).open()) {
            Keyspace ks = store.defaultKeyspace();
            assertThatThrownBy(() -> ks.put(new byte[5], new byte[1])).isInstanceOf(LimitExceededException.class);
            ks.put(new byte[4], new byte[1]); // the one token of this second is still there
            assertThatThrownBy(() -> ks.put(new byte[3], new byte[1])).isInstanceOf(RateLimitedException.class);
        }
    }

    @Test
    void cacheHitsAreRateLimitedSinceTheLimitsAreOutsideTheCache() {
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().cache(1 << 20)
                .rateLimits(RateLimits.builder().globalReads(2).nanoClock(nanos::get).build()).build()).open()) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(new byte[] {1}, new byte[1]);
            ks.get(new byte[] {1});
            ks.get(new byte[] {1}); // a hit
            assertThatThrownBy(() -> ks.get(new byte[] {1})).isInstanceOf(RateLimitedException.class);
            assertThat(store.stats().counter("cache.hits")).isEqualTo(1);
        }
    }

    private static double errors(SimpleMeterRegistry registry) {
        return registry.find("plinth.op.errors").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static long puts(SimpleMeterRegistry registry) {
        return (long) registry.find("plinth.op.count").tag("op", "put").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void outermostMetricsCountRefusalsAndInnermostOnlyWhatReachesTheEngine() {
        SimpleMeterRegistry outer = new SimpleMeterRegistry();
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().metrics(outer)
                .rateLimits(oneWritePerSecond()).build()).open()) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(new byte[] {1}, new byte[1]);
            assertThatThrownBy(() -> ks.put(new byte[] {2}, new byte[1])).isInstanceOf(RateLimitedException.class);
        }
        assertThat(puts(outer)).isEqualTo(2);
        assertThat(outer.find("plinth.op.errors").tag("exception", "RateLimitedException").counter().count())
                .isEqualTo(1);

        SimpleMeterRegistry inner = new SimpleMeterRegistry();
        try (Store store = Plinth.builder("mem:").decorate(EngineDecorators.builder().metrics(inner)
                .metricsInnermost().rateLimits(oneWritePerSecond()).build()).open()) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(new byte[] {1}, new byte[1]);
            assertThatThrownBy(() -> ks.put(new byte[] {2}, new byte[1])).isInstanceOf(RateLimitedException.class);
        }
        assertThat(puts(inner)).isEqualTo(1);
        assertThat(errors(inner)).isZero();
    }
}
