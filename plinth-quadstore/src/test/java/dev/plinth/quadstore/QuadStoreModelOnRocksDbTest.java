package dev.plinth.quadstore;

import java.nio.file.Path;

/** The model run on {@code rocksdb:}, with reopens; fewer seeds, as each step writes to disk. */
class QuadStoreModelOnRocksDbTest extends QuadStoreModelContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("rocksdb:" + dir.resolve("rocksdb"));
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
