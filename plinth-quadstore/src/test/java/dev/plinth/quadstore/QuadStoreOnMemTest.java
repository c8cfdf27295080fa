package dev.plinth.quadstore;

import java.nio.file.Path;

/** The contract on {@code mem:}. */
class QuadStoreOnMemTest extends QuadStoreContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("mem:");
    }

    @Override
    protected boolean persistent() {
        return false;
    }
}
