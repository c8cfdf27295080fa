package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.ModelContract;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over LMDB behind the full stack ({@link DecoratedStacks#full()}). */
class DecoratedStackLmdbConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("lmdb:" + dir).decorate(DecoratedStacks.full());
    }

    /** A tenth of the model seeds, as over {@code lsm:}: the LMDB engine's own kit runs them all. */
    @Override
    public int modelSeeds() {
        return Math.max(1, Integer.getInteger("plinth.modelSeeds", ModelContract.DEFAULT_SEEDS) / 10);
    }
}
