package dev.plinth.quadstore;

import java.nio.file.Path;

/**
 * The model run on {@code mem:} with a term cache of two slots, so ids share the id-to-term cache's slots all the
 * time: a lookup that returned another id's term (a cache that skipped its id check) shows up as a wrong result.
 */
class QuadStoreModelWithTinyTermCacheTest extends QuadStoreModelContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("mem:", QuadStoreOptions.builder().termCacheSize(3).build());
    }
}
