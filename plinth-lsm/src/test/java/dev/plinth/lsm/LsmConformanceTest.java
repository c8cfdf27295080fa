package dev.plinth.lsm;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/**
 * Runs the whole conformance kit, the model runs with reopen included, against the lsm engine. The memtable
 * and log segments are tiny, so that almost every test and model run reads through flushed tables,
 * compactions and many segments, not just the memtable (the kill -9 test runs the default sizes).
 */
class LsmConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("lsm:" + dir + "?memtableSize=8k&walSegmentSize=32k");
    }
}
