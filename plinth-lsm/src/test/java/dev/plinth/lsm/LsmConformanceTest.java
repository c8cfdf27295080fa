package dev.plinth.lsm;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/**
 * Runs the whole conformance kit, the model runs with reopen included, against the lsm engine. The memtable
 * and log segments are tiny, so that almost every test and model run reads through flushed tables,
 * compactions and many segments, not just the memtable; the levels are tiny too, so that background
 * compactions run during the tests.
 */
class LsmConformanceTest extends ConformanceSuite {
    /** Leveled compaction at tiny sizes: level 0 compacted at 2 tables, levels of 16 KiB, 64 KiB...; 4 KiB tables. */
    static final String TINY_LEVELS = "l0CompactionTrigger=2&l0SlowdownTrigger=8&l0StopTrigger=16&levelBaseSize=16k"
            + "&levelMultiplier=4&tableSize=4k";

    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("lsm:" + dir + "?memtableSize=8k&walSegmentSize=32k&" + TINY_LEVELS);
    }
}
