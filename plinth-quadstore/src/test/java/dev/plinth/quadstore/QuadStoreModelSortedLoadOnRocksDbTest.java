package dev.plinth.quadstore;

import java.nio.file.Path;

/** The model after a sorted load, on {@code rocksdb:}. */
class QuadStoreModelSortedLoadOnRocksDbTest extends QuadStoreModelSortedLoadContract {
    @Override
    String uri(Path dir) {
        return "rocksdb:" + dir.resolve("rocksdb");
    }
}
