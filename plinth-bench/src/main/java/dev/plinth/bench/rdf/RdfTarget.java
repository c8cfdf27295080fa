package dev.plinth.bench.rdf;

import dev.plinth.quadstore.LoadListener;
import dev.plinth.quadstore.QuadStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.jena.dboe.base.file.Location;
import org.apache.jena.riot.Lang;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2Factory;
import org.apache.jena.tdb2.loader.DataLoader;
import org.apache.jena.tdb2.loader.LoaderFactory;
import org.apache.jena.tdb2.sys.TDBInternal;

/**
 * One RDF store under measurement: the Plinth quad store on an engine ({@code plinth-lsm},
 * {@code plinth-rocksdb}, {@code plinth-lmdb}) or Jena TDB2 ({@code tdb2}), loaded from an N-Quads file with
 * each one's own bulk loader (TDB2: {@code LoaderFactory.createLoader}, its default loader). Not thread-safe.
 */
final class RdfTarget implements AutoCloseable {
    private final String name;
    private QuadStore quads;
    private DatasetGraph tdb;

    RdfTarget(String name, Path dir) {
        this.name = name;
        switch (name) {
            case "plinth-lsm" -> quads = QuadStore.open("lsm:" + dir);
            case "plinth-rocksdb" -> quads = QuadStore.open("rocksdb:" + dir);
            case "plinth-lmdb" -> quads = QuadStore.open("lmdb:" + dir + "?mapSize=4g");
            case "tdb2" -> tdb = TDB2Factory.connectDataset(Location.create(dir.toString())).asDatasetGraph();
            default -> throw new IllegalArgumentException("unknown RDF target " + name);
        }
    }

    /** Loads an N-Quads file with the store's own bulk loader. */
    void load(Path nquads) throws IOException {
        try (InputStream in = Files.newInputStream(nquads)) {
            if (quads != null) {
                quads.load(in, Lang.NQUADS, null, LoadListener.NONE);
                quads.store().flush();
            } else {
                DataLoader loader = LoaderFactory.createLoader(tdb, (fmt, args) -> { });
                loader.startBulk();
                try {
                    loader.loadFromInputStream(nquads.toString(), in, Lang.NQUADS);
                    loader.finishBulk();
                } catch (RuntimeException e) {
                    loader.finishException(e);
                    throw e;
                }
            }
        }
    }

    /** The Jena view the queries run on. */
    DatasetGraph dataset() {
        return quads != null ? quads.asDatasetGraph() : tdb;
    }

    /** Runs a read in the store's read transaction (TDB2 needs one; Plinth's lock is cheap). */
    <T> T read(java.util.function.Supplier<T> body) {
        return Txn.calculateRead(dataset(), body);
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        if (quads != null) {
            quads.close();
        }
        if (tdb != null) {
            TDBInternal.expel(tdb);
        }
    }
}
