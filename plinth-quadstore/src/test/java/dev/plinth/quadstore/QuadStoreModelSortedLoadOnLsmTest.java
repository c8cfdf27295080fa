package dev.plinth.quadstore;

import java.nio.file.Path;

/** The model after a sorted load, on {@code lsm:}. */
class QuadStoreModelSortedLoadOnLsmTest extends QuadStoreModelSortedLoadContract {
    @Override
    String uri(Path dir) {
        return "lsm:" + dir.resolve("lsm");
    }
}
