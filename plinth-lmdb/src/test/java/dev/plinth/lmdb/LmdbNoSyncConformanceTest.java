package dev.plinth.lmdb;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;

/**
 * Runs the whole conformance kit against the LMDB engine opened with {@code noSync=true}, which honours
 * only {@code NONE} and {@code PROCESS}: the kit's durability contracts check that {@code SYNC} is refused
 * everywhere and that {@code flush()} makes earlier writes survive a reopen. It also runs with small count
 * limits ({@code maxKeyspaces=24}, {@code maxReaders=64}), which the kit's limits contract fills exactly:
 * the declared limits are what LMDB really allows.
 */
class LmdbNoSyncConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder("lmdb:" + dir + "?noSync=true&maxKeyspaces=24&maxReaders=64");
    }
}
