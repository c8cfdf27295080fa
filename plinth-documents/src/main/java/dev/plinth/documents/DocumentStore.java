package dev.plinth.documents;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.PlinthException;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.documents.internal.AutomergeLibrary;
import dev.plinth.documents.internal.DocumentFormat;
import dev.plinth.documents.internal.DocumentsContext;
import dev.plinth.documents.internal.StoreDocumentCollection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named collections of Automerge documents over one Plinth {@link Store}. Everything lives in the store's
 * keyspace {@value DocumentFormat#KEYSPACE} under the layout of {@code docs/format/documents.md}; each committed
 * change is its own entry, and compaction folds a document's changes into a saved snapshot.
 *
 * <p>Thread-safe. One document store should be the only writer of documents in its store. Two document stores
 * over the same store never overwrite each other's writes: every write of a document is conditional on the
 * document's header, which every write changes. A write that lost to the other's write fails, persisting
 * nothing, with {@link dev.plinth.ConflictException} (retryable: the document is loaded again on the next call, with
 * the other's changes) or, if the other deleted the document, {@link NoSuchDocumentException}. Between writes each
 * keeps its own loaded copy and does not see the other's changes until it loads the document again.
 *
 * <p>Closing it stops background compaction and frees the loaded documents; it does not close the store, which
 * the caller opened and closes. Every method but {@link #close()} throws {@link dev.plinth.StoreClosedException}
 * once this or the store is closed.
 */
public final class DocumentStore implements AutoCloseable {
    private final DocumentsContext ctx;
    private final ConcurrentHashMap<String, StoreDocumentCollection> collections = new ConcurrentHashMap<>();
    private final Object collectionsLock = new Object();

    private DocumentStore(DocumentsContext ctx) {
        this.ctx = ctx;
    }

    /**
     * A document store over {@code store} with the default options.
     *
     * @param store an open store; it stays the caller's to close
     * @return the document store
     * @throws NullPointerException if {@code store} is null
     */
    public static DocumentStore open(Store store) {
        return open(store, DocumentOptions.defaults());
    }

    /**
     * A document store over {@code store}. Creates the keyspace {@value DocumentFormat#KEYSPACE} unless the store
     * has it; a read-only store without it is an empty document store with no collections.
     *
     * @param store an open store; it stays the caller's to close
     * @param options the options
     * @return the document store
     * @throws NullPointerException if an argument is null
     * @throws dev.plinth.UnsupportedCapabilityException if {@link DocumentOptions#durability()} is a level the
     *         store does not honour
     */
    public static DocumentStore open(Store store, DocumentOptions options) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(options, "options");
        AutomergeLibrary.ensureLoaded();
        if (options.durability() != null && !store.capabilities().supports(options.durability())) {
            throw new dev.plinth.UnsupportedCapabilityException("the store " + store.uri() + " does not honour "
                    + options.durability() + " durability, asked for by the document store's options");
        }
        Keyspace keyspace;
        try {
            keyspace = store.keyspace(DocumentFormat.KEYSPACE);
        } catch (NoSuchKeyspaceException absent) {
            try {
                keyspace = store.createKeyspace(DocumentFormat.KEYSPACE);
            } catch (PlinthException | UnsupportedOperationException | IllegalStateException readOnly) {
                keyspace = null;
            }
        }
        return new DocumentStore(new DocumentsContext(store, keyspace, options));
    }

    /** @return the store this document store is over */
    public String uri() {
        return ctx.uri();
    }

    /**
     * The collection of that name, created (persistently) if the store has none. The same handle every time for
     * the same name.
     *
     * @param name a non-empty collection name
     * @return the collection
     * @throws NoSuchCollectionException if the store has no such collection and cannot create one (read-only)
     * @throws IllegalArgumentException if {@code name} is empty
     */
    public DocumentCollection collection(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a collection name in the document store over " + ctx.uri()
                    + " must not be empty");
        }
        ctx.checkOpen();
        StoreDocumentCollection c = collections.get(name);
        if (c != null) {
            return c;
        }
        synchronized (collectionsLock) {
            c = collections.get(name);
            if (c == null) {
                ensureMarker(name);
                c = new StoreDocumentCollection(ctx, name);
                collections.put(name, c);
            }
            return c;
        }
    }

    private void ensureMarker(String name) {
        Keyspace ks = ctx.keyspaceOrNull();
        byte[] key = DocumentFormat.collectionKey(name);
        if (ks != null && ks.get(key) != null) {
            return;
        }
        if (ks == null) {
            throw new NoSuchCollectionException("the read-only store " + ctx.uri() + " has no collection '" + name
                    + "'", null);
        }
        try {
            ctx.writeMarker(new WriteBatch().put(ks, key, DocumentFormat.collectionValue(), ctx.writeOptionsPublic()));
        } catch (PlinthException | UnsupportedOperationException | IllegalStateException e) {
            if (ctx.isClosed() || e instanceof dev.plinth.StoreClosedException) {
                throw e;
            }
            throw new NoSuchCollectionException("the store " + ctx.uri() + " has no collection '" + name
                    + "' and cannot create one: " + e.getMessage(), e);
        }
    }

    /**
     * @return the names of every collection in the store, in ascending UTF-8 byte order
     */
    public List<String> collections() {
        ctx.checkOpen();
        List<String> out = new ArrayList<>();
        Keyspace ks = ctx.keyspaceOrNull();
        if (ks == null) {
            return out;
        }
        try (Cursor c = ks.cursor(DocumentFormat.collectionRange(), ScanOptions.forward().withKeysOnly(true))) {
            while (c.next()) {
                out.add(DocumentFormat.collectionOf(c.key()));
            }
        }
        return out;
    }

    /**
     * Makes every write so far durable ({@link Store#flush()}), and reports a failed background compaction.
     *
     * @throws PlinthException if a background compaction failed since the last flush (its document is intact)
     */
    public void flush() {
        ctx.checkOpen();
        ctx.store().flush();
        ctx.throwBackgroundFailure();
    }

    /**
     * Waits until every background compaction queued before this call has finished, then reports a failed one as
     * {@link #flush()} does. Returns at once when background compaction is off.
     *
     * @throws PlinthException if a background compaction failed (its document is intact)
     */
    public void awaitCompactions() {
        ctx.checkOpen();
        ctx.awaitQueued();
        ctx.throwBackgroundFailure();
    }

    /** Compacts every document of every collection now, in the calling thread. */
    public void compact() {
        ctx.checkOpen();
        for (String name : collections()) {
            ((StoreDocumentCollection) collection(name)).compactAll();
        }
    }

    /**
     * Stops background compaction (waiting for a running one), frees loaded documents and closes this document
     * store. Does not close the store. Idempotent.
     */
    @Override
    public void close() {
        if (ctx.isClosed()) {
            return;
        }
        ctx.close();
        for (StoreDocumentCollection c : collections.values()) {
            c.closeAll();
        }
    }
}
