package dev.plinth.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.documents.internal.DocumentFormat;
import dev.plinth.testkit.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.NewValue;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of a {@link DocumentStore} on one kind of store. A subclass says how to open the store and how to
 * reopen it ({@link #reopen}: for a persistent engine, close and open the same files; for {@code mem:}, the same
 * store), so every test of persistence runs against what the store really kept.
 */
abstract class DocumentCollectionContract {
    @TempDir
    Path dir;

    protected Store store;
    protected DocumentStore docs;
    private final List<Store> opened = new ArrayList<>();

    /** Opens a new, empty store in {@code dir}. */
    protected abstract Store openStore(Path dir);

    /** Closes {@code current} and returns the store reopened from what it persisted (the same one for mem:). */
    protected abstract Store reopenStore(Path dir, Store current);

    @BeforeEach
    void open() {
        store = track(openStore(dir));
        docs = DocumentStore.open(store, DocumentOptions.builder().backgroundCompaction(false).build());
    }

    @AfterEach
    void closeAll() {
        docs.close();
        for (Store s : opened) {
            s.close();
        }
    }

    private Store track(Store s) {
        opened.add(s);
        return s;
    }

    /** Closes the document store and reopens both it and the store with {@code options}. */
    protected DocumentStore reopen(DocumentOptions options) {
        docs.close();
        store = track(reopenStore(dir, store));
        docs = DocumentStore.open(store, options);
        return docs;
    }

    protected DocumentStore reopen() {
        return reopen(DocumentOptions.builder().backgroundCompaction(false).build());
    }

    static void put(Transaction tx, String key, String value) {
        tx.set(ObjectId.ROOT, key, value);
    }

    static String json(DocumentCollection c, String id) {
        return c.read(id, DocumentJson::toJson).orElseThrow();
    }

    @Test
    void collectionIsGetOrCreateAndTheSameHandle() {
        DocumentCollection a = docs.collection("notes");
        assertThat(docs.collection("notes")).isSameAs(a);
        docs.collection("tasks");
        assertThat(docs.collections()).containsExactly("notes", "tasks");
        reopen();
        assertThat(docs.collections()).containsExactly("notes", "tasks");
    }

    @Test
    void collectionFromManyThreadsIsOneHandle() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<DocumentCollection>> got = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                got.add(pool.submit(() -> docs.collection("shared")));
            }
            DocumentCollection first = got.get(0).get();
            for (Future<DocumentCollection> f : got) {
                assertThat(f.get()).isSameAs(first);
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void createGetChangeDelete() {
        DocumentCollection c = docs.collection("notes");
        assertThat(c.exists("a")).isFalse();
        assertThat(c.get("a")).isEmpty();
        assertThat(c.create("a", tx -> put(tx, "title", "first"))).isTrue();
        assertThat(c.create("a", tx -> put(tx, "title", "again"))).isFalse();
        assertThat(json(c, "a")).isEqualTo("{\"title\":\"first\"}");

        Optional<ChangeHash> hash = c.change("a", tx -> put(tx, "title", "second"));
        assertThat(hash).isPresent();
        assertThat(c.heads("a").orElseThrow()).containsExactly(hash.get());
        assertThat(c.change("a", tx -> { })).isEmpty();

        Document copy = c.get("a").orElseThrow();
        try (Transaction tx = copy.startTransaction()) {
            put(tx, "title", "only in the copy");
            tx.commit();
        }
        assertThat(json(c, "a")).isEqualTo("{\"title\":\"second\"}");
        copy.free();

        assertThat(c.delete("a")).isTrue();
        assertThat(c.delete("a")).isFalse();
        assertThat(c.exists("a")).isFalse();
        assertThatThrownBy(() -> c.change("a", tx -> put(tx, "x", "y")))
                .isInstanceOf(NoSuchDocumentException.class).hasMessageContaining("'a'").hasMessageContaining("notes");
        assertThat(c.create("a")).isTrue();
        assertThat(json(c, "a")).isEqualTo("{}");
    }

    @Test
    void anEditThatThrowsChangesNothing() {
        DocumentCollection c = docs.collection("notes");
        c.create("a", tx -> put(tx, "k", "v"));
        assertThatThrownBy(() -> c.change("a", tx -> {
            put(tx, "k", "half");
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(json(c, "a")).isEqualTo("{\"k\":\"v\"}");
        reopen();
        assertThat(json(docs.collection("notes"), "a")).isEqualTo("{\"k\":\"v\"}");
        assertThatThrownBy(() -> docs.collection("notes").create("b", tx -> {
            throw new IllegalStateException("no");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(docs.collection("notes").exists("b")).isFalse();
    }

    @Test
    void idsByPrefixInOrder() {
        DocumentCollection c = docs.collection("c");
        for (String id : List.of("b/2", "a/1", "b/1", "b", "c\u0000x", "bb")) {
            c.create(id);
        }
        docs.collection("other").create("b/9");
        assertThat(c.ids()).containsExactly("a/1", "b", "b/1", "b/2", "bb", "c\u0000x");
        assertThat(c.ids("b/")).containsExactly("b/1", "b/2");
        assertThat(c.ids("b")).containsExactly("b", "b/1", "b/2", "bb");
        assertThat(c.ids("c\u0000")).containsExactly("c\u0000x");
        assertThat(c.ids("z")).isEmpty();
    }

    @Test
    void changesSurviveReopen() {
        DocumentCollection c = docs.collection("notes");
        c.create("list", tx -> tx.set(ObjectId.ROOT, "items", ObjectType.LIST));
        for (int i = 0; i < 50; i++) {
            int n = i;
            c.change("list", tx -> {
                ObjectId items = ((AmValue.List) tx.get(ObjectId.ROOT, "items").orElseThrow()).getId();
                tx.insert(items, tx.length(items), "item " + n);
            });
        }
        String before = json(c, "list");
        reopen();
        assertThat(json(docs.collection("notes"), "list")).isEqualTo(before).contains("item 49");
    }

    @Test
    void compactionFoldsTheLogIntoOneSnapshot() {
        DocumentCollection c = docs.collection("notes");
        c.create("a", tx -> tx.set(ObjectId.ROOT, "n", NewValue.counter(0)));
        for (int i = 0; i < 30; i++) {
            c.change("a", tx -> tx.increment(ObjectId.ROOT, "n", 1));
        }
        assertThat(changeEntries("notes", "a")).isEqualTo(30);
        assertThat(c.compact("a")).isTrue();
        assertThat(c.compact("a")).isFalse();
        assertThat(changeEntries("notes", "a")).isZero();
        c.change("a", tx -> tx.increment(ObjectId.ROOT, "n", 1));
        assertThat(changeEntries("notes", "a")).isEqualTo(1);
        reopen();
        assertThat(json(docs.collection("notes"), "a")).isEqualTo("{\"n\":31}");
        docs.collection("notes").change("a", tx -> tx.increment(ObjectId.ROOT, "n", 1));
        reopen();
        assertThat(json(docs.collection("notes"), "a")).isEqualTo("{\"n\":32}");
    }

    @Test
    void backgroundCompactionKeepsTheLogShort() throws Exception {
        DocumentStore d = reopen(DocumentOptions.builder().compactAfter(8).build());
        DocumentCollection c = d.collection("notes");
        c.create("a", tx -> tx.set(ObjectId.ROOT, "n", NewValue.counter(0)));
        for (int i = 0; i < 100; i++) {
            c.change("a", tx -> tx.increment(ObjectId.ROOT, "n", 1));
        }
        d.awaitCompactions();
        // compactAfter 8 and a quarter of the history: the last compaction left fewer than 100 / 4 + 8 entries
        assertThat(changeEntries("notes", "a")).isLessThan(100 / 4 + 8);
        reopen();
        assertThat(json(docs.collection("notes"), "a")).isEqualTo("{\"n\":100}");
    }

    @Test
    void compactionRacingWithChangesLosesNothing() throws Exception {
        DocumentCollection c = docs.collection("race");
        c.create("a", tx -> tx.set(ObjectId.ROOT, "n", NewValue.counter(0)));
        int writers = 3;
        int each = 60;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                jobs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        c.change("a", tx -> tx.increment(ObjectId.ROOT, "n", 1));
                    }
                }));
            }
            Future<?> compactor = pool.submit(() -> {
                for (int i = 0; i < 40; i++) {
                    c.compact("a");
                    Thread.yield();
                }
            });
            for (Future<?> j : jobs) {
                j.get();
            }
            compactor.get();
        } finally {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        String expected = "{\"n\":" + (writers * each) + "}";
        assertThat(json(c, "a")).isEqualTo(expected);
        reopen();
        assertThat(json(docs.collection("race"), "a")).isEqualTo(expected);
    }

    @Test
    void expiryWithAFakeClock() {
        FakeClock clock = new FakeClock();
        DocumentStore d = reopen(DocumentOptions.builder().backgroundCompaction(false).clock(clock).build());
        DocumentCollection c = d.collection("sessions");
        c.create("s1", tx -> put(tx, "user", "ann"));
        c.create("s2");
        c.expireAfter("s1", Duration.ofSeconds(10));
        clock.advance(Duration.ofMillis(9_999));
        assertThat(c.exists("s1")).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(c.exists("s1")).isFalse();
        assertThat(c.get("s1")).isEmpty();
        assertThat(c.ids()).containsExactly("s2");
        assertThatThrownBy(() -> c.change("s1", tx -> put(tx, "a", "b"))).isInstanceOf(NoSuchDocumentException.class);

        assertThat(c.create("s1", tx -> put(tx, "user", "bob"))).isTrue();
        assertThat(json(c, "s1")).isEqualTo("{\"user\":\"bob\"}");
        c.expireAfter("s1", Duration.ofSeconds(1));
        c.expireAfter("s1", null);
        clock.advance(Duration.ofHours(1));
        assertThat(c.exists("s1")).isTrue();

        c.expireAfter("s2", Duration.ofSeconds(5));
        d = reopen(DocumentOptions.builder().backgroundCompaction(false).clock(clock).build());
        assertThat(d.collection("sessions").exists("s2")).isTrue();
        clock.advance(Duration.ofSeconds(5));
        assertThat(d.collection("sessions").exists("s2")).isFalse();
        d.compact(); // reclaims the expired document's entries
        assertThat(rawEntries(DocumentFormat.headerRange("sessions", "s2"))).isZero();
        assertThatThrownBy(() -> c.expireAfter("s1", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergeAndApplyChangesFromAnotherReplica() {
        DocumentCollection c = docs.collection("notes");
        c.create("a", tx -> put(tx, "x", "1"));
        Document other = c.get("a").orElseThrow();
        ChangeHash[] base = other.getHeads();
        try (Transaction tx = other.startTransaction()) {
            put(tx, "y", "2");
            tx.commit();
        }
        c.change("a", tx -> put(tx, "z", "3"));
        assertThat(c.merge("a", other)).isTrue();
        assertThat(c.merge("a", other)).isFalse();
        assertThat(json(c, "a")).isEqualTo("{\"x\":\"1\",\"y\":\"2\",\"z\":\"3\"}");

        byte[] changes = c.changesSince("a", base).orElseThrow();
        assertThat(c.applyChanges("b", c.changesSince("a", new ChangeHash[0]).orElseThrow())).isTrue();
        assertThat(json(c, "b")).isEqualTo(json(c, "a"));
        other.applyEncodedChanges(changes);
        assertThat(DocumentJson.toJson(other)).isEqualTo(json(c, "a"));
        other.free();
        assertThatThrownBy(() -> c.applyChanges("a", new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
        // Automerge 0.0.7 drops a truncated trailing chunk without an error; the collection checks the framing
        assertThatThrownBy(() -> c.applyChanges("a", java.util.Arrays.copyOf(changes, changes.length - 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'")
                .hasMessageContaining("follow");
        assertThat(json(c, "a")).isEqualTo("{\"x\":\"1\",\"y\":\"2\",\"z\":\"3\"}");
        assertThat(c.save("a").map(Document::load).map(DocumentJson::toJson)).contains(json(c, "a"));
        reopen();
        assertThat(json(docs.collection("notes"), "a")).isEqualTo("{\"x\":\"1\",\"y\":\"2\",\"z\":\"3\"}");
        assertThat(json(docs.collection("notes"), "b")).isEqualTo("{\"x\":\"1\",\"y\":\"2\",\"z\":\"3\"}");
    }

    @Test
    void aCorruptChangeIsAnErrorNamingTheDocument() {
        DocumentCollection c = docs.collection("notes");
        c.create("a", tx -> put(tx, "x", "1"));
        c.change("a", tx -> put(tx, "x", "2"));
        byte[] key = DocumentFormat.changeKey("notes", "a", 1);
        byte[] value = keyspace().get(key);
        value[value.length - 1] ^= 0x40;
        keyspace().put(key, value);
        DocumentCollection again = reopen().collection("notes");
        assertThatThrownBy(() -> again.read("a", DocumentJson::toJson))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("change 1 of document 'a' in collection 'notes'");
    }

    @Test
    void anEntryThatIsNotAutomergesEncodingIsAnErrorNotAShorterDocument() {
        // The entries are applied in one Automerge call, which stops silently at the first chunk it cannot parse:
        // an entry with a valid checksum but bad framing, in the middle of the log, must not drop those after it.
        DocumentCollection c = docs.collection("notes");
        c.create("a", tx -> put(tx, "x", "0"));
        for (int i = 1; i <= 3; i++) {
            String v = Integer.toString(i);
            c.change("a", tx -> put(tx, "x" + v, v));
        }
        byte[] key = DocumentFormat.changeKey("notes", "a", 2);
        byte[] changes = DocumentFormat.changesOf(keyspace().get(key), "entry 2");
        keyspace().put(key, DocumentFormat.changeValue(java.util.Arrays.copyOf(changes, changes.length - 1)));
        DocumentCollection again = reopen().collection("notes");
        assertThatThrownBy(() -> again.read("a", DocumentJson::toJson))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("change 2 of document 'a' in collection 'notes'");

        keyspace().put(key, DocumentFormat.changeValue(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        DocumentCollection third = reopen().collection("notes");
        assertThatThrownBy(() -> third.read("a", DocumentJson::toJson))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("change 2 of document 'a' in collection 'notes'")
                .hasMessageContaining("magic");
    }

    @Test
    void aCorruptSnapshotIsAnErrorNamingTheDocument() {
        DocumentCollection c = docs.collection("notes");
        c.create("a", tx -> put(tx, "x", "1"));
        byte[] key = DocumentFormat.snapshotKey("notes", "a");
        byte[] value = keyspace().get(key);
        value[20] ^= 0x01;
        keyspace().put(key, value);
        DocumentCollection again = reopen().collection("notes");
        assertThatThrownBy(() -> again.exists("a"))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("document 'a' in collection 'notes'").hasMessageContaining("snapshot");
        assertThat(again.exists("b")).isFalse();
    }

    @Test
    void aMissingChangeIsAnErrorNotAShorterDocument() {
        DocumentCollection c = docs.collection("notes");
        c.create("a");
        for (int i = 0; i < 3; i++) {
            int n = i;
            c.change("a", tx -> put(tx, "k" + n, "v"));
        }
        keyspace().delete(DocumentFormat.changeKey("notes", "a", 2));
        DocumentCollection again = reopen().collection("notes");
        assertThatThrownBy(() -> again.get("a")).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("lacks change 2");
    }

    @Test
    void badArgumentsAndClosedStore() {
        DocumentCollection c = docs.collection("notes");
        assertThatThrownBy(() -> c.create("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("notes");
        assertThatThrownBy(() -> c.create(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> docs.collection("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.expireAfter("nope", Duration.ofSeconds(1)))
                .isInstanceOf(NoSuchDocumentException.class);
        docs.close();
        docs.close();
        assertThatThrownBy(() -> c.exists("a")).isInstanceOf(StoreClosedException.class)
                .hasMessageContaining(store.uri());
        assertThatThrownBy(() -> docs.collection("notes")).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void syncBringsTwoCollectionsToTheSameState() {
        Store otherStore = track(dev.plinth.Plinth.open("mem:"));
        try (DocumentStore other = DocumentStore.open(otherStore)) {
            DocumentCollection a = docs.collection("notes");
            DocumentCollection b = other.collection("notes");
            a.create("shared", tx -> put(tx, "from", "a"));
            a.create("only-a", tx -> tx.set(ObjectId.ROOT, "text", ObjectType.TEXT));
            b.create("only-b", tx -> put(tx, "from", "b"));
            b.create("empty-b");
            Syncs.run(a, b);
            assertThat(b.ids()).containsExactly("empty-b", "only-a", "only-b", "shared");
            assertThat(a.ids()).containsExactly("empty-b", "only-a", "only-b", "shared");
            assertThat(json(a, "empty-b")).isEqualTo("{}");

            a.change("shared", tx -> put(tx, "a", "1"));
            b.change("shared", tx -> put(tx, "b", "2"));
            Syncs.run(a, b);
            assertThat(json(a, "shared")).isEqualTo("{\"a\":\"1\",\"b\":\"2\",\"from\":\"a\"}");
            assertThat(json(b, "shared")).isEqualTo(json(a, "shared"));
            // fresh sessions start by exchanging heads, then find nothing to send
            assertThat(Syncs.run(a, b)).isEqualTo(2);
            assertThat(a.heads("shared").orElseThrow()).containsExactlyInAnyOrder(b.heads("shared").orElseThrow());
        }
        reopen();
        assertThat(docs.collection("notes").ids()).containsExactly("empty-b", "only-a", "only-b", "shared");
    }

    @Test
    void aDamagedSyncMessageIsRejected() {
        DocumentCollection a = docs.collection("notes");
        a.create("x");
        try (SyncSession s = a.syncSession(); SyncSession t = docs.collection("other").syncSession()) {
            byte[] m = s.nextMessage().orElseThrow();
            m[m.length - 1] ^= 1;
            assertThatThrownBy(() -> t.receive(m)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("damaged");
        }
    }

    protected Keyspace keyspace() {
        return store.keyspace(DocumentFormat.KEYSPACE);
    }

    private long rawEntries(Range range) {
        return keyspace().scan(range, ScanOptions.forward().withKeysOnly(true)).size();
    }

    private long changeEntries(String collection, String id) {
        List<KeyValue> all = keyspace().scan(DocumentFormat.changeRange(collection, id), ScanOptions.forward());
        return all.size();
    }
}
