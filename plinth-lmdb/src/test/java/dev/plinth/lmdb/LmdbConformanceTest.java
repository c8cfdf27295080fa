package dev.plinth.lmdb;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** Runs the whole conformance kit against the LMDB engine with its default settings. */
class LmdbConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("lmdb:" + dir);
    }
}
