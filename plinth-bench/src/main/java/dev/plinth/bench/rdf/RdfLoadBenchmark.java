package dev.plinth.bench.rdf;

import dev.plinth.Durability;
import dev.plinth.bench.Targets;
import dev.plinth.quadstore.QuadStoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk load of the {@link UniversityData} N-Quads file into an empty store, parse included, until the data is
 * durable: the Plinth quad store (on lsm, RocksDB, LMDB; its loader writes atomic batches at the engine's
 * {@link QuadStoreOptions#loadDurability()}, one flush at the end; a target named {@code ...-sorted} loads with
 * {@code QuadStore.loadSorted}, which sorts each index in runs and writes it in key order) against Jena TDB2's
 * default loader. The score is seconds per load of
 * {@link #quads} quads; quads per second is {@code quads / score}. {@code -p quads=10000000} for the large run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class RdfLoadBenchmark {
    /** Quads in the file. */
    @Param({"1000000"})
    public long quads;

    /** The store; {@code -sorted} after a Plinth target loads with {@code QuadStore.loadSorted}. */
    @Param({"plinth-lsm", "plinth-rocksdb", "plinth-lsm-sorted", "plinth-rocksdb-sorted", "tdb2"})
    public String target;

    /** Quads a batch of the Plinth quad store's load; 0: {@link QuadStoreOptions#DEFAULT_LOAD_BATCH_QUADS}. */
    @Param({"0"})
    public int loadBatch;

    /** The durability of the Plinth quad store's load batches; empty: the store's default. */
    @Param({""})
    public String loadDurability;

    private Path file;
    private Path dir;
    private RdfTarget store;

    /** Writes the data file once. */
    @Setup(Level.Trial)
    public void writeData() throws Exception {
        file = new UniversityData(quads, 1).writeNQuads(Files.createTempFile("plinth-bench-rdf-", ".nq"));
    }

    /** Opens an empty store. */
    @Setup(Level.Iteration)
    public void openEmpty() throws Exception {
        dir = Files.createTempDirectory("plinth-bench-rdf-" + target + "-");
        QuadStoreOptions.Builder options = QuadStoreOptions.builder();
        if (loadBatch > 0) {
            options.loadBatchQuads(loadBatch);
        }
        if (!loadDurability.isEmpty()) {
            options.loadDurability(Durability.valueOf(loadDurability));
        }
        store = new RdfTarget(target, dir, options.build());
    }

    /** Loads the file. */
    @Benchmark
    public void load() throws Exception {
        store.load(file);
    }

    /** Closes and deletes the store. */
    @TearDown(Level.Iteration)
    public void closeStore() {
        store.close();
        Targets.deleteTree(dir);
    }

    /** Deletes the data file. */
    @TearDown(Level.Trial)
    public void deleteData() throws Exception {
        Files.deleteIfExists(file);
    }
}
