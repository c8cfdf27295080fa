package dev.plinth.quadstore;

import java.nio.file.Path;

/** The model run on {@code mem:}. */
class QuadStoreModelOnMemTest extends QuadStoreModelContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("mem:");
    }
}
