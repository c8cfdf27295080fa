package dev.plinth.lsm;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** Runs the whole conformance kit, the model runs with reopen included, against the lsm engine. */
class LsmConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("lsm:" + dir);
    }
}
