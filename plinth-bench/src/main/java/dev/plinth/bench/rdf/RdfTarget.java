package dev.plinth.bench.rdf;

import dev.plinth.quadstore.LoadListener;
import dev.plinth.quadstore.QuadStore;
import dev.plinth.quadstore.QuadStoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.jena.dboe.base.file.Location;
import org.apache.jena.riot.Lang;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2Factory;
import org.apache.jena.tdb2.loader.DataLoader;
import org.apache.jena.tdb2.loader.LoaderFactory;
import org.apache.jena.tdb2.sys.TDBInternal;

/**
 * One RDF store under measurement: the Plinth quad store on an engine ({@code plinth-mem}, {@code plinth-lsm},
 * {@code plinth-rocksdb}, {@code plinth-lmdb}) or Jena TDB2 ({@code tdb2}), loaded from an N-Quads file with
 * each one's own bulk loader (TDB2: {@code LoaderFactory.createLoader}, its default loader). Not thread-safe.
 */
final class RdfTarget implements AutoCloseable {
    private final String name;
    /** Whether the Plinth quad store loads with {@link QuadStore#loadSorted} (a target named {@code ...-sorted}). */
    private final boolean sorted;
    private QuadStore quads;
    private DatasetGraph tdb;

    RdfTarget(String name, Path dir) {
        this(name, dir, QuadStoreOptions.DEFAULTS);
    }

    /** A target whose Plinth quad store (if it is one) has the given options. */
    RdfTarget(String name, Path dir, QuadStoreOptions options) {
        this.name = name;
        this.sorted = name.endsWith(SORTED);
        switch (sorted ? name.substring(0, name.length() - SORTED.length()) : name) {
            case "plinth-mem" -> quads = QuadStore.open("mem:", options);
            case "plinth-lsm" -> quads = QuadStore.open("lsm:" + dir, options);
            case "plinth-rocksdb" -> quads = QuadStore.open("rocksdb:" + dir, options);
            case "plinth-lmdb" -> quads = QuadStore.open("lmdb:" + dir + "?mapSize=4g", options);
            case "tdb2" -> tdb = TDB2Factory.connectDataset(Location.create(dir.toString())).asDatasetGraph();
            default -> throw new IllegalArgumentException("unknown RDF target " + name);
        }
    }

    /** The suffix of a Plinth target whose load is {@link QuadStore#loadSorted}, as {@code plinth-rocksdb-sorted}. */
    static final String SORTED = "-sorted";

    /** Loads an N-Quads file with the store's own bulk loader. */
    void load(Path nquads) throws IOException {
        try (InputStream in = Files.newInputStream(nquads)) {
            if (quads != null) {
                if (sorted) {
                    quads.loadSorted(in, Lang.NQUADS, null, LoadListener.NONE);
                } else {
                    quads.load(in, Lang.NQUADS, null, LoadListener.NONE);
                }
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

    /**
     * A store of {@code quads} quads of {@link UniversityData} kept in {@code cache} (directory
     * {@code <target>-<quads>}) across benchmark runs: opened if an earlier call loaded it, else loaded now and
     * compacted, so that runs measuring reads need not load (in-memory targets are always loaded).
     *
     * @param target the target's name
     * @param quads how many quads
     * @param cache the directory holding cached stores
     * @return the open, loaded target
     */
    static RdfTarget openLoaded(String target, long quads, Path cache) throws IOException {
        return openLoaded(target, quads, cache, null, null);
    }

    /**
     * {@link #openLoaded(String, long, Path)} loading from {@code data} (an N-Quads file of the same
     * {@link UniversityData}, kept) when not null, else from a temporary file generated and deleted here; when
     * {@code times} is not null a load made here stores its seconds in {@code times[0]} (parse and writes until
     * durable) and the compaction's in {@code times[1]}.
     */
    static RdfTarget openLoaded(String target, long quads, Path cache, Path data, double[] times) throws IOException {
        Path dir = cache.resolve(target + "-" + quads);
        Path done = cache.resolve(target + "-" + quads + ".loaded");
        boolean loaded = Files.exists(done) && !target.equals("plinth-mem");
        if (!loaded && Files.exists(dir)) {
            dev.plinth.bench.Targets.deleteTree(dir); // a load that did not finish
        }
        Files.createDirectories(dir);
        RdfTarget t = new RdfTarget(target, dir);
        if (!loaded) {
            Path file = data != null ? data
                    : new UniversityData(quads, 1).writeNQuads(Files.createTempFile("plinth-bench-rdf-", ".nq"));
            try {
                long t0 = System.nanoTime();
                t.load(file);
                long t1 = System.nanoTime();
                if (t.quads != null) {
                    t.quads.store().compact();
                }
                if (times != null) {
                    times[0] = (t1 - t0) / 1e9;
                    times[1] = (System.nanoTime() - t1) / 1e9;
                }
            } finally {
                if (data == null) {
                    Files.delete(file);
                }
            }
            if (!target.equals("plinth-mem")) {
                Files.writeString(done, "loaded\n");
            }
        }
        return t;
    }

    /**
     * Loads the cached stores of {@link #openLoaded} ahead of a benchmark run: {@code RdfTarget CACHE_DIR QUADS
     * TARGET...}. The N-Quads file is written once to {@code CACHE_DIR/universitydata-QUADS.nq} and kept for
     * the next call (delete it when the stores are built). Each load made here prints its own time (parse and
     * writes until durable, the measure of {@link RdfLoadBenchmark}; the file's generation excluded), its
     * compaction's, and the peak heap of the JVM so far, so that a load run alone under the benchmark lock, in a
     * JVM of its own, is the load measurement (how {@code rdf-scale.sh} runs it at ten million quads).
     *
     * @param args the cache directory, the number of quads, the targets
     */
    public static void main(String[] args) throws IOException {
        Path cache = Path.of(args[0]);
        long quads = Long.parseLong(args[1]);
        Files.createDirectories(cache);
        Path data = cache.resolve("universitydata-" + quads + ".nq");
        if (!Files.exists(data)) {
            long t0 = System.nanoTime();
            Path tmp = new UniversityData(quads, 1).writeNQuads(Files.createTempFile(cache, "universitydata-", ".tmp"));
            Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
            System.out.printf("data: %,d quads written to %s (%.1f s)%n", quads, data, (System.nanoTime() - t0) / 1e9);
        }
        for (int i = 2; i < args.length; i++) {
            double[] times = {Double.NaN, Double.NaN};
            try (RdfTarget t = openLoaded(args[i], quads, cache, data, times)) {
                if (Double.isNaN(times[0])) {
                    System.out.printf("%s: %,d quads already loaded in %s%n", args[i], quads, cache);
                } else {
                    System.out.printf("%s: %,d quads loaded in %.1f s (%,.0f quads/s), compacted in %.1f s; "
                            + "peak heap %,d MB of %,d MB%n", args[i], quads, times[0], quads / times[0], times[1],
                            peakHeapBytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
                }
            }
        }
    }

    /** The sum of the heap pools' peak usage since the JVM started (an upper bound of the peak heap). */
    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
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
