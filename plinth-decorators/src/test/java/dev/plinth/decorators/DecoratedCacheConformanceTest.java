package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over mem: behind a cache of about a dozen entries, so that evictions happen all the time. */
class DecoratedCacheConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:").decorate(EngineDecorators.builder().cache(2048).build());
    }
}
