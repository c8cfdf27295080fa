package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over LMDB behind the full stack ({@link DecoratedStacks#full()}). */
class DecoratedStackLmdbConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("lmdb:" + dir).decorate(DecoratedStacks.full());
    }
}
