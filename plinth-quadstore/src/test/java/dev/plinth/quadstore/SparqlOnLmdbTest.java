package dev.plinth.quadstore;

import java.nio.file.Path;

/** SPARQL against Jena's own dataset, on the durable {@code lmdb:} engine. */
class SparqlOnLmdbTest extends SparqlContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("lmdb:" + dir.resolve("lmdb"));
    }
}
