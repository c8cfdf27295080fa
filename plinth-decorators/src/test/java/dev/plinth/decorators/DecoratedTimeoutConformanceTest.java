package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;
import java.time.Duration;

/** The whole kit over mem: with every call handed to the timeout decorator's threads (a deadline never hit). */
class DecoratedTimeoutConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:")
                .decorate(EngineDecorators.builder().timeout(Duration.ofMinutes(1)).build());
    }
}
