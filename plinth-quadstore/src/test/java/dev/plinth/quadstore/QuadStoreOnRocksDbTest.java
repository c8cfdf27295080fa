package dev.plinth.quadstore;

import java.nio.file.Path;

/** The contract on {@code rocksdb:}. */
class QuadStoreOnRocksDbTest extends QuadStoreContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("rocksdb:" + dir.resolve("rocksdb"));
    }
}
