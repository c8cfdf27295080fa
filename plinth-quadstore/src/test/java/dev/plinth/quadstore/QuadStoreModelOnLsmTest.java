package dev.plinth.quadstore;

import java.nio.file.Path;

/** The model run on the durable {@code lsm:} engine, with reopens; fewer seeds, as each step writes to disk. */
class QuadStoreModelOnLsmTest extends QuadStoreModelContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("lsm:" + dir.resolve("lsm"));
    }

    @Override
    protected boolean persistent() {
        return true;
    }

    @Override
    protected int defaultSeeds() {
        return Math.max(1, Integer.getInteger("plinth.quadstore.seeds", 8) / 4);
    }
}
