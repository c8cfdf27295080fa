package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.ModelContract;
import dev.plinth.testkit.StoreFactory;

/**
 * The whole kit over the lsm engine behind the full stack ({@link DecoratedStacks#full()}), with the tiny
 * memtable and log segments of the engine's own kit run, so that reads go through flushed tables and
 * compactions. The model runs take a tenth of {@code plinth.modelSeeds} (20 by default, 500 under
 * {@code -Psoak}): the engine's own kit runs them all, and this keeps the module's default run short.
 */
class DecoratedStackLsmConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("lsm:" + dir + "?memtableSize=8k&walSegmentSize=32k")
                .decorate(DecoratedStacks.full());
    }

    @Override
    public int modelSeeds() {
        return Math.max(1, Integer.getInteger("plinth.modelSeeds", ModelContract.DEFAULT_SEEDS) / 10);
    }
}
