package dev.plinth.lmdb;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/**
 * Runs the whole conformance kit against the LMDB engine opened with {@code noSync=true}, which honours
 * only {@code NONE} and {@code PROCESS}: the kit's durability contracts check that {@code SYNC} is refused
 * everywhere and that {@code flush()} makes earlier writes survive a reopen.
 */
class LmdbNoSyncConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("lmdb:" + dir + "?noSync=true");
    }
}
