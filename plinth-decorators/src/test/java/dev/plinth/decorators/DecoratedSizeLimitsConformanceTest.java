package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/**
 * The whole kit over mem: behind size limits far below mem's own; the kit's boundary tests then run at these
 * limits. Not lower: two of the kit's tests write a batch of 200 operations and a value of 5,000 bytes.
 */
class DecoratedSizeLimitsConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:")
                .decorate(EngineDecorators.builder().sizeLimits(100, 8000, 250, 100_000).build());
    }
}
