package dev.plinth.quadstore;

import java.nio.file.Path;

/** The contract on {@code lmdb:}. */
class QuadStoreOnLmdbTest extends QuadStoreContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("lmdb:" + dir.resolve("lmdb"));
    }
}
