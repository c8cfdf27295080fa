package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over mem: behind size limits far below mem's own; the kit's boundary tests then run at these limits. */
class DecoratedSizeLimitsConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:").decorate(EngineDecorators.builder().sizeLimits(100, 5000, 40, 50_000).build());
    }
}
