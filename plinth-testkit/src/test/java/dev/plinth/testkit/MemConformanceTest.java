package dev.plinth.testkit;

import dev.plinth.StoreOptions;

/** Runs the whole conformance kit against the in-memory engine. */
class MemConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:");
    }
}
