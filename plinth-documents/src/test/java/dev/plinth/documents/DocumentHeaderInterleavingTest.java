package dev.plinth.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.documents.internal.DocumentFormat;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;
import org.automerge.AmValue;
import org.automerge.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * Two document stores over one store, with the other writer's work placed exactly between one writer's reads of
 * a document (its loaded header) and its batch. Each write of a document is conditional on the header being the
 * bytes the writer read; these interleavings bring the header back to those bytes (delete and create again) or
 * never changed it (an append), so without a write counter in the header the precondition passed and the writer
 * wrote into a history that was no longer the one it had read.
 */
class DocumentHeaderInterleavingTest {
    /** The store as seen by one writer: before its next batch, {@code beforeWrite} runs once. */
    private static Store interceptingWrites(Store store, AtomicReference<Runnable> beforeWrite) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("write") && args != null && args.length >= 1
                            && args[0] instanceof WriteBatch) {
                        Runnable hook = beforeWrite.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static long value(DocumentCollection c, String id, String key) {
        return c.read(id, r -> ((AmValue.Int) r.get(ObjectId.ROOT, key).orElseThrow()).getValue()).orElseThrow();
    }

    @Test
    void aDocumentDeletedAndCreatedAgainBetweenReadAndWriteFailsTheWrite() {
        try (Store store = Plinth.open("mem:");
             DocumentStore other = DocumentStore.open(store, DocumentOptions.builder().backgroundCompaction(false)
                     .build())) {
            AtomicReference<Runnable> hook = new AtomicReference<>();
            try (DocumentStore writer = DocumentStore.open(interceptingWrites(store, hook),
                    DocumentOptions.builder().backgroundCompaction(false).build())) {
                DocumentCollection w = writer.collection("c");
                DocumentCollection o = other.collection("c");
                assertThat(w.create("d", tx -> tx.set(ObjectId.ROOT, "gen", 1))).isTrue();
                w.change("d", tx -> tx.set(ObjectId.ROOT, "n", 1));

                // Between the writer's loaded header and its batch, the other deletes "d" and creates a new "d":
                // with an expiry-only header the new header had the very bytes the writer read.
                hook.set(() -> {
                    assertThat(o.delete("d")).isTrue();
                    assertThat(o.create("d", tx -> tx.set(ObjectId.ROOT, "gen", 2))).isTrue();
                });
                assertThatThrownBy(() -> w.change("d", tx -> tx.set(ObjectId.ROOT, "n", 2)))
                        .isInstanceOf(ConflictException.class).hasMessageContaining("'d'")
                        .hasMessageContaining("'c'").hasMessageContaining("another writer");

                // The store holds the other's new document only, and it loads (no gap, no foreign change).
                try (DocumentStore fresh = DocumentStore.open(store)) {
                    DocumentCollection f = fresh.collection("c");
                    assertThat(value(f, "d", "gen")).isEqualTo(2);
                    assertThat(f.read("d", r -> r.get(ObjectId.ROOT, "n"))).contains(java.util.Optional.empty());
                }
                // The writer loads the document again and goes on from what is stored.
                assertThat(value(w, "d", "gen")).isEqualTo(2);
                w.change("d", tx -> tx.set(ObjectId.ROOT, "n", 3));
                try (DocumentStore fresh = DocumentStore.open(store)) {
                    assertThat(value(fresh.collection("c"), "d", "n")).isEqualTo(3);
                }
            }
        }
    }

    @Test
    void anotherWritersChangeBetweenReadAndWriteIsNeverOverwritten() {
        try (Store store = Plinth.open("mem:");
             DocumentStore other = DocumentStore.open(store, DocumentOptions.builder().backgroundCompaction(false)
                     .build())) {
            AtomicReference<Runnable> hook = new AtomicReference<>();
            try (DocumentStore writer = DocumentStore.open(interceptingWrites(store, hook),
                    DocumentOptions.builder().backgroundCompaction(false).build())) {
                DocumentCollection w = writer.collection("c");
                DocumentCollection o = other.collection("c");
                w.create("d", tx -> tx.set(ObjectId.ROOT, "a", 0));
                assertThat(o.exists("d")).isTrue(); // the other loads the same state

                // Both append the same next entry number: the other first, then the writer.
                hook.set(() -> o.change("d", tx -> tx.set(ObjectId.ROOT, "b", 1)));
                assertThatThrownBy(() -> w.change("d", tx -> tx.set(ObjectId.ROOT, "a", 1)))
                        .isInstanceOf(ConflictException.class);
                try (DocumentStore fresh = DocumentStore.open(store)) {
                    assertThat(value(fresh.collection("c"), "d", "b")).as("the other's acknowledged change")
                            .isEqualTo(1);
                }

                // A compaction by the other between the writer's read and its append: the writer's entry must
                // not land behind the other's snapshot, where loading would skip it.
                assertThat(value(w, "d", "b")).isEqualTo(1); // reloaded
                assertThat(value(o, "d", "b")).isEqualTo(1);
                hook.set(() -> {
                    o.change("d", tx -> tx.set(ObjectId.ROOT, "b", 2));
                    assertThat(o.compact("d")).isTrue();
                });
                assertThatThrownBy(() -> w.change("d", tx -> tx.set(ObjectId.ROOT, "a", 2)))
                        .isInstanceOf(ConflictException.class);
                w.change("d", tx -> tx.set(ObjectId.ROOT, "a", 3));
                try (DocumentStore fresh = DocumentStore.open(store)) {
                    DocumentCollection f = fresh.collection("c");
                    assertThat(value(f, "d", "a")).isEqualTo(3);
                    assertThat(value(f, "d", "b")).isEqualTo(2);
                }
            }
        }
    }

    @Test
    void anExpirySetAndClearedBetweenReadAndWriteStillFailsTheWrite() {
        try (Store store = Plinth.open("mem:");
             DocumentStore other = DocumentStore.open(store, DocumentOptions.builder().backgroundCompaction(false)
                     .build())) {
            AtomicReference<Runnable> hook = new AtomicReference<>();
            try (DocumentStore writer = DocumentStore.open(interceptingWrites(store, hook),
                    DocumentOptions.builder().backgroundCompaction(false).build())) {
                DocumentCollection w = writer.collection("c");
                DocumentCollection o = other.collection("c");
                w.create("d");
                hook.set(() -> {
                    o.expireAfter("d", java.time.Duration.ofHours(1));
                    o.expireAfter("d", null); // the expiry is back to none, as the writer read it
                });
                assertThatThrownBy(() -> w.change("d", tx -> tx.set(ObjectId.ROOT, "a", 1)))
                        .isInstanceOf(ConflictException.class);
            }
        }
    }

    @Test
    void aVersionOneHeaderIsReadAndReplacedByTheNextWrite() {
        try (Store store = Plinth.open("mem:")) {
            try (DocumentStore docs = DocumentStore.open(store)) {
                docs.collection("c").create("d", tx -> tx.set(ObjectId.ROOT, "a", 1));
            }
            Keyspace ks = store.keyspace(DocumentFormat.KEYSPACE);
            byte[] key = DocumentFormat.headerKey("c", "d");
            ks.put(key, DocumentFormat.headerValueV1(0)); // as the code before format 2 of the header wrote it
            try (DocumentStore docs = DocumentStore.open(store)) {
                DocumentCollection c = docs.collection("c");
                assertThat(c.ids()).containsExactly("d");
                c.change("d", tx -> tx.set(ObjectId.ROOT, "a", 2));
                assertThat(ks.get(key)[0]).isEqualTo(DocumentFormat.HEADER_VERSION);
                assertThat(DocumentFormat.header(ks.get(key), "d").writes()).isEqualTo(1);
            }
            try (DocumentStore docs = DocumentStore.open(store)) {
                assertThat(value(docs.collection("c"), "d", "a")).isEqualTo(2);
            }
        }
    }
}
