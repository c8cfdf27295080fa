package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over mem: behind rate limits, per tenant and global, high enough that the kit is never refused. */
class DecoratedRateLimitsConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        long high = 1_000_000_000L;
        return dir -> StoreOptions.builder("mem:").decorate(EngineDecorators.builder()
                .rateLimits(RateLimits.builder().globalReads(high).globalWrites(high).tenantReads(high)
                        .tenantWrites(high).tenantOf(k -> k.length == 0 ? null : String.valueOf(k[0])).maxTenants(3)
                        .build())
                .build());
    }
}
