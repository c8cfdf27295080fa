package dev.plinth.decorators;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole kit over RocksDB behind the full stack ({@link DecoratedStacks#full()}). */
class DecoratedStackRocksdbConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("rocksdb:" + dir).decorate(DecoratedStacks.full());
    }
}
