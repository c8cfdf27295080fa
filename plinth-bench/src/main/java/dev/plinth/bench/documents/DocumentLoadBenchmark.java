package dev.plinth.bench.documents;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.bench.Targets;
import dev.plinth.documents.DocumentCollection;
import dev.plinth.documents.DocumentOptions;
import dev.plinth.documents.DocumentStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.Transaction;
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
 * Time to load a document of {@link #CHANGES} small changes (each sets one of 100 keys of the root map) from an
 * {@code lsm:} store into a fresh {@code DocumentStore}, from its change log (never compacted) and from one
 * compacted snapshot; beside it, {@code automerge-only}: raw Automerge loading the same history from bytes in
 * memory ({@code applyEncodedChanges} of every change concatenated, or {@code Document.load} of the saved
 * document), the ceiling of any store built on it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DocumentLoadBenchmark {
    /** Changes the document has. */
    public static final int CHANGES = 100_000;

    /** Whether the document was compacted into a snapshot before loading. */
    @Param({"false", "true"})
    public boolean compacted;

    /** plinth-documents on {@code lsm:}, or raw Automerge from bytes in memory. */
    @Param({"plinth-documents-lsm", "automerge-only"})
    public String target;

    private Path dir;
    private Store store;
    private byte[] empty;
    private byte[] bytes;

    /** Writes the document once. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (target.equals("automerge-only")) {
            Document d = new Document();
            empty = d.save();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            for (int i = 0; i < CHANGES; i++) {
                ChangeHash[] before = d.getHeads();
                try (Transaction tx = d.startTransaction()) {
                    tx.set(ObjectId.ROOT, "k" + (i % 100), i);
                    tx.commit();
                }
                log.writeBytes(d.encodeChangesSince(before));
            }
            bytes = compacted ? d.save() : log.toByteArray();
            d.free();
            return;
        }
        dir = Files.createTempDirectory("plinth-bench-documents-load-");
        store = Plinth.open("lsm:" + dir.resolve("db"));
        try (DocumentStore docs = DocumentStore.open(store, DocumentOptions.builder().backgroundCompaction(false)
                .build())) {
            DocumentCollection c = docs.collection("bench");
            c.create("doc");
            for (int i = 0; i < CHANGES; i++) {
                int k = i;
                c.change("doc", tx -> tx.set(ObjectId.ROOT, "k" + (k % 100), k));
            }
            if (compacted) {
                c.compact("doc");
            }
        }
    }

    /** Closes and deletes the store. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (store != null) {
            store.close();
            Targets.deleteTree(dir);
        }
    }

    /** Loads the document (in a new document store, or raw) and returns its number of keys. */
    @Benchmark
    public long load() {
        if (store == null) {
            Document d = compacted ? Document.load(bytes) : Document.load(empty);
            try {
                if (!compacted) {
                    d.applyEncodedChanges(bytes);
                }
                return d.length(ObjectId.ROOT);
            } finally {
                d.free();
            }
        }
        try (DocumentStore docs = DocumentStore.open(store, DocumentOptions.builder().backgroundCompaction(false)
                .build())) {
            return docs.collection("bench").read("doc", r -> r.length(ObjectId.ROOT)).orElseThrow();
        }
    }
}
