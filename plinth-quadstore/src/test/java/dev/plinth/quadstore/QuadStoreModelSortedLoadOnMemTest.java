package dev.plinth.quadstore;

import java.nio.file.Path;

/** The model after a sorted load, on {@code mem:}. */
class QuadStoreModelSortedLoadOnMemTest extends QuadStoreModelSortedLoadContract {
    @Override
    String uri(Path dir) {
        return "mem:";
    }
}
