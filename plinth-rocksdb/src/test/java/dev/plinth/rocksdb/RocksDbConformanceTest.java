package dev.plinth.rocksdb;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** The whole conformance kit against the RocksDB engine. */
class RocksDbConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("rocksdb:" + dir);
    }
}
