package dev.plinth.decorators;

import dev.plinth.spi.Engine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Stacks the conformance tests run. */
final class DecoratedStacks {
    private DecoratedStacks() {
    }

    /** Every decorator of the builder, with limits the kit never reaches except the size limits. */
    static UnaryOperator<Engine> full() {
        long high = 1_000_000_000L;
        return EngineDecorators.builder()
                .name("the decorated test store")
                .metrics(new SimpleMeterRegistry(), k -> k.length == 0 ? null : String.valueOf(k[0]), 4)
                .sizeLimits(200, 8000, 250, 200_000)
                .rateLimits(RateLimits.builder().globalReads(high).globalWrites(high).tenantReads(high)
                        .tenantWrites(high).tenantOf(k -> k.length == 0 ? null : String.valueOf(k[0])).maxTenants(8)
                        .build())
                .cache(4096)
                .timeout(Duration.ofMinutes(1))
                .writeBuffer(16, 1 << 20, Duration.ofDays(1))
                .build();
    }
}
