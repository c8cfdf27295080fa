package dev.plinth.quadstore;

import java.nio.file.Path;

/** SPARQL against Jena's own dataset, on {@code mem:}. */
class SparqlOnMemTest extends SparqlContract {
    @Override
    protected QuadStore open(Path dir) {
        return QuadStore.open("mem:");
    }
}
