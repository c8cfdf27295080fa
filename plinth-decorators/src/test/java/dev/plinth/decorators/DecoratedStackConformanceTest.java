package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over mem: behind the full stack ({@link DecoratedStacks#full()}). */
class DecoratedStackConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:").decorate(DecoratedStacks.full());
    }
}
