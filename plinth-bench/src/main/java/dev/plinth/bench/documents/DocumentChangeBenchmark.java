package dev.plinth.bench.documents;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.bench.Targets;
import dev.plinth.documents.DocumentCollection;
import dev.plinth.documents.DocumentOptions;
import dev.plinth.documents.DocumentStore;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Small changes committed per second to one document of {@link #HISTORY} changes, one thread. Each change sets one
 * of 100 keys of the root map to a new integer. Side by side:
 *
 * <ul>
 *   <li>{@code plinth-documents-lsm}: a {@code DocumentStore} on {@code lsm:} with {@code PROCESS} durability,
 *       background compaction on (each change appended as its own entry);</li>
 *   <li>{@code naive-save-file}: raw Automerge saving the whole document to a file after each change, what a
 *       naive user does ({@code Files.write}: the bytes reach the OS, the same promise as {@code PROCESS});</li>
 *   <li>{@code automerge-commit-encode}: raw Automerge, commit and {@code encodeChangesSince} of the heads before
 *       it, nothing persisted: the least Automerge work any store of single changes does with the 0.0.7 binding,
 *       so the ceiling for plinth-documents;</li>
 *   <li>{@code automerge-commit}: raw Automerge, commit only: the ceiling of Automerge itself.</li>
 * </ul>
 *
 * <p>Automerge's commit costs more the more history the changed key has, so a throughput run on one growing
 * document measures a bigger document the faster the target is. Here every target goes back to a fresh copy of
 * the same {@link #HISTORY}-change document after every {@link #WINDOW} changes (outside the measured time), so
 * every figure is on a document of {@code HISTORY} to {@code HISTORY + WINDOW} changes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DocumentChangeBenchmark {
    /** Changes the document has when a window starts. */
    public static final int HISTORY = 10_000;
    /** Changes made before the document goes back to {@link #HISTORY} changes. */
    public static final int WINDOW = 1_000;

    /** Which way of committing (and persisting). */
    @Param({"plinth-documents-lsm", "naive-save-file", "automerge-commit-encode", "automerge-commit"})
    public String target;

    private Path dir;
    private Document template;
    private Store store;
    private DocumentStore docs;
    private DocumentCollection collection;
    private String docId;
    private int generation;
    private Document raw;
    private ChangeHash[] rawHeads;
    private Path naiveFile;
    private long n;
    private int sinceReset;

    /** Builds the template document with its history in a fresh temporary directory. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("plinth-bench-documents-");
        template = new Document();
        for (int i = 0; i < HISTORY; i++) {
            edit(template, i);
        }
        if (target.equals("plinth-documents-lsm")) {
            store = Plinth.open("lsm:" + dir.resolve("db"));
            docs = DocumentStore.open(store, DocumentOptions.builder().durability(Durability.PROCESS).build());
            collection = docs.collection("bench");
        }
        naiveFile = dir.resolve("doc.automerge");
        n = HISTORY;
        reset();
    }

    /** Goes back to a fresh copy of the template once {@link #WINDOW} changes were made on the current one. */
    @Setup(Level.Invocation)
    public void resetAfterWindow() throws IOException {
        if (sinceReset >= WINDOW) {
            reset();
        }
    }

    private void reset() throws IOException {
        sinceReset = 0;
        n = HISTORY;
        if (collection != null) {
            docs.awaitCompactions();
            String previous = docId;
            docId = "doc" + generation++;
            collection.merge(docId, template);
            if (previous != null) {
                collection.delete(previous);
            }
            return;
        }
        if (raw != null) {
            raw.free();
        }
        raw = template.fork();
        rawHeads = raw.getHeads();
        if (target.equals("naive-save-file")) {
            Files.write(naiveFile, raw.save());
        }
    }

    private static void edit(Document d, long i) {
        try (Transaction tx = d.startTransaction()) {
            tx.set(ObjectId.ROOT, "k" + (i % 100), (int) i);
            tx.commit();
        }
    }

    /** Closes and deletes everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (docs != null) {
            docs.close();
            store.close();
        }
        if (raw != null) {
            raw.free();
        }
        template.free();
        Targets.deleteTree(dir);
    }

    /**
     * Commits (and, but for the {@code automerge-*} ceilings, persists) one small change.
     *
     * @return the encoded change, for the commit-and-encode ceiling, so that it is not optimized away
     */
    @Benchmark
    public Object change() throws IOException {
        long i = n++;
        sinceReset++;
        switch (target) {
            case "plinth-documents-lsm":
                return collection.change(docId, tx -> tx.set(ObjectId.ROOT, "k" + (i % 100), (int) i));
            case "naive-save-file":
                edit(raw, i);
                Files.write(naiveFile, raw.save());
                return null;
            case "automerge-commit-encode": {
                ChangeHash hash;
                try (Transaction tx = raw.startTransaction()) {
                    tx.set(ObjectId.ROOT, "k" + (i % 100), (int) i);
                    hash = tx.commit().orElseThrow();
                }
                byte[] encoded = raw.encodeChangesSince(rawHeads);
                rawHeads = new ChangeHash[] {hash};
                return encoded;
            }
            case "automerge-commit":
                edit(raw, i);
                return null;
            default:
                throw new IllegalArgumentException("unknown target " + target);
        }
    }
}
