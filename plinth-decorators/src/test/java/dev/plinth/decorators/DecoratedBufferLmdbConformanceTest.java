package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.ModelContract;
import dev.plinth.testkit.StoreFactory;
import java.time.Duration;

/**
 * The whole kit over LMDB behind a cache over a write buffer: reopen and durability tests check that close
 * and flush write what is held.
 */
class DecoratedBufferLmdbConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("lmdb:" + dir)
                .decorate(EngineDecorators.builder().cache(4096).writeBuffer(16, 1 << 20, Duration.ofDays(1)).build());
    }

    /** A tenth of the model seeds, as over {@code lsm:}: the LMDB engine's own kit runs them all. */
    @Override
    public int modelSeeds() {
        return Math.max(1, Integer.getInteger("plinth.modelSeeds", ModelContract.DEFAULT_SEEDS) / 10);
    }
}
