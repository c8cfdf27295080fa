package dev.plinth.quadstore;

import java.nio.file.Path;

/**
 * The model run on {@code mem:} after a sorted load ({@link QuadStore#loadSorted}) of random quads in many small
 * runs and batches, so that the adds, removes of the random steps start from what that load wrote.
 */
class QuadStoreModelSortedLoadOnMemTest extends QuadStoreModelContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("mem:", QuadStoreOptions.builder().loadBatchQuads(16).sortRunQuads(50)
                .sortDirectory(dir).build());
    }

    @Override
    protected int sortedLoadQuads() {
        return 300;
    }

    @Override
    protected int defaultSeeds() {
        return Math.max(1, Integer.getInteger("plinth.quadstore.seeds", 8) / 4);
    }
}
