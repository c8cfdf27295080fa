package dev.plinth.quadstore;

import java.nio.file.Path;

/** The contract on the durable {@code lsm:} engine. */
class QuadStoreOnLsmTest extends QuadStoreContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("lsm:" + dir.resolve("lsm"));
    }
}
