package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over mem: behind metrics with a per-tenant breakdown bounded to two tenants. */
class DecoratedMetricsConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:").decorate(EngineDecorators.builder()
                .metrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                        k -> k.length == 0 ? null : String.valueOf(k[0]), 2)
                .build());
    }
}
