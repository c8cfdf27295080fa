package dev.plinth.documents.internal;

import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.documents.DocumentOptions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every collection of one document store shares: the store and keyspace, the options, the background
 * compaction thread and the closed state. Thread-safe.
 */
public final class DocumentsContext {
    private final Store store;
    private final Keyspace keyspace;
    private final DocumentOptions options;
    private final WriteOptions writeOptions;
    private final ExecutorService compactor;
    private final AtomicReference<RuntimeException> backgroundFailure = new AtomicReference<>();
    private volatile boolean closed;

    /**
     * @param store the store
     * @param keyspace the documents keyspace, or {@code null} when a read-only store has none
     * @param options the options
     */
    public DocumentsContext(Store store, Keyspace keyspace, DocumentOptions options) {
        this.store = store;
        this.keyspace = keyspace;
        this.options = options;
        this.writeOptions = options.durability() == null ? WriteOptions.DEFAULT
                : WriteOptions.durability(options.durability());
        this.compactor = options.backgroundCompaction() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plinth-documents-compaction");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    Keyspace keyspace() {
        return keyspace;
    }

    DocumentOptions options() {
        return options;
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    /** @return the store */
    public Store store() {
        return store;
    }

    /** @return the documents keyspace, or {@code null} when a read-only store has none */
    public Keyspace keyspaceOrNull() {
        return keyspace;
    }

    /** @return the write options of every write */
    public WriteOptions writeOptionsPublic() {
        return writeOptions;
    }

    /** Writes a collection marker. */
    public void writeMarker(WriteBatch batch) {
        store.write(batch);
    }

    /** @return the store's URI, for messages */
    public String uri() {
        return store.uri();
    }

    /** Throws if the document store or its store is closed. */
    public void checkOpen() {
        if (closed || store.isClosed()) {
            throw new StoreClosedException("the document store over " + store.uri() + " is closed");
        }
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    boolean write(WriteBatch batch) {
        return store.write(batch);
    }

    /** Runs {@code task} on the compaction thread; does nothing when compaction is not in the background. */
    void schedule(Runnable task) {
        if (compactor == null || closed) {
            return;
        }
        try {
            compactor.execute(task);
        } catch (RejectedExecutionException e) {
            // closing: the compaction is skipped, which loses nothing
        }
    }

    /** Waits until every background task queued before this call has run (the executor runs them in order). */
    public void awaitQueued() {
        if (compactor == null || closed) {
            return;
        }
        try {
            compactor.submit(() -> { }).get();
        } catch (RejectedExecutionException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot happen: an empty task failed", e);
        }
    }

    void recordFailure(RuntimeException e) {
        backgroundFailure.compareAndSet(null, e);
    }

    /** Throws the first failure of a background compaction since the last call, if any. */
    public void throwBackgroundFailure() {
        RuntimeException e = backgroundFailure.getAndSet(null);
        if (e != null) {
            throw new dev.plinth.PlinthException("a background compaction in the document store over " + store.uri()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** Marks the context closed and waits for a running compaction to finish. Idempotent. */
    public void close() {
        closed = true;
        if (compactor != null) {
            compactor.shutdown(); // queued compactions see closed and skip; a running one is not interrupted mid-write
            try {
                compactor.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
