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
 * Small changes committed per second to one document that already has {@link #HISTORY} changes, one thread,
 * {@code PROCESS} durability: a {@code DocumentStore} on {@code lsm:} (each change appended as its own entry,
 * background compaction on) beside raw Automerge saving the whole document to a file after each change, which is
 * what a naive user does ({@code Files.write}: the bytes reach the OS, the same promise as {@code PROCESS}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DocumentChangeBenchmark {
    /** Changes the document has before measuring. */
    public static final int HISTORY = 10_000;

    /** Which way of persisting. */
    @Param({"plinth-documents-lsm", "naive-save-file"})
    public String target;

    private Path dir;
    private Store store;
    private DocumentStore docs;
    private DocumentCollection collection;
    private Document naive;
    private Path naiveFile;
    private long n;

    /** Builds the document with its history in a fresh temporary directory. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("plinth-bench-documents-");
        if (target.equals("naive-save-file")) {
            naive = new Document();
            naiveFile = dir.resolve("doc.automerge");
            for (int i = 0; i < HISTORY; i++) {
                edit(naive, i);
            }
            Files.write(naiveFile, naive.save());
        } else {
            store = Plinth.open("lsm:" + dir.resolve("db"));
            docs = DocumentStore.open(store, DocumentOptions.builder().durability(Durability.PROCESS).build());
            collection = docs.collection("bench");
            collection.create("doc");
            for (int i = 0; i < HISTORY; i++) {
                int k = i;
                collection.change("doc", tx -> tx.set(ObjectId.ROOT, "k" + (k % 100), k));
            }
            docs.compact();
        }
        n = HISTORY;
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
        if (naive != null) {
            naive.free();
        }
        Targets.deleteTree(dir);
    }

    /** Commits and persists one small change. */
    @Benchmark
    public void change() throws IOException {
        long i = n++;
        if (naive != null) {
            edit(naive, i);
            Files.write(naiveFile, naive.save());
        } else {
            collection.change("doc", tx -> tx.set(ObjectId.ROOT, "k" + (i % 100), (int) i));
        }
    }
}
