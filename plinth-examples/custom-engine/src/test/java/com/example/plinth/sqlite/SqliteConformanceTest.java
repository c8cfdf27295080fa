package com.example.plinth.sqlite;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/** Runs the whole conformance kit, model runs included, against the sqlite engine. */
class SqliteConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("sqlite:" + dir);
    }
}
