package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;
import java.time.Duration;

/** The whole kit over mem: behind a write buffer that holds up to 16 writes (no age threshold is reached). */
class DecoratedBufferConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:")
                .decorate(EngineDecorators.builder().writeBuffer(16, 1 << 20, Duration.ofDays(1)).build());
    }
}
