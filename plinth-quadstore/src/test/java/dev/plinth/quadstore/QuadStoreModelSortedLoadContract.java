package dev.plinth.quadstore;

import java.nio.file.Path;

/**
 * The model run after a sorted load ({@link QuadStore#loadSorted}) of random quads in many small runs and batches,
 * so that the adds, removes (and, on a persistent engine, reopens) of the random steps start from what that load
 * wrote. Fewer seeds on a persistent engine, as each step writes to disk.
 */
abstract class QuadStoreModelSortedLoadContract extends QuadStoreModelContract {
    /**
     * The URI of the store under test.
     *
     * @param dir the directory of this seed
     * @return the URI
     */
    abstract String uri(Path dir);

    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open(uri(dir), QuadStoreOptions.builder().loadBatchQuads(16).sortRunQuads(50)
                .sortDirectory(dir).build());
    }

    @Override
    protected int sortedLoadQuads() {
        return 300;
    }

    @Override
    protected boolean persistent() {
        return !uri(Path.of("")).startsWith("mem:");
    }

    @Override
    protected int defaultSeeds() {
        return Math.max(1, Integer.getInteger("plinth.quadstore.seeds", 8) / (persistent() ? 8 : 4));
    }
}
