package dev.plinth.decorators;

import dev.plinth.Capabilities;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.util.Objects;

/**
 * <b>Not atomic.</b> Accepts any number of writes and writes them in chunks that the store accepts (at most
 * {@link Capabilities#maxBatchOps()} operations and {@link Capabilities#maxBatchBytes()} bytes of keys and
 * values each, as the store counts them). Each chunk is one atomic {@link WriteBatch}; the whole is not:
 * a reader may see some chunks and not others, and a failure leaves the earlier chunks written and throws
 * {@link PartialWriteException}. Use it for bulk loads where that is acceptable; use a {@link WriteBatch} or a
 * transaction where it is not.
 *
 * <pre>{@code
 * try (NonAtomicBatchWriter w = NonAtomicBatchWriter.over(store)) {
 *     for (Row r : rows) {
 *         w.put(ks, r.key(), r.value());
 *     }
 * } // close() writes the last chunk
 * }</pre>
 *
 * <p>Writes go out in the order given. A chunk is written as soon as the next write would not fit in it, and
 * the last one at {@link #flush()} or {@link #close()}; so the writer holds at most one chunk in memory.
 * Not thread-safe: one writer per thread. Keys and values are copied when added.
 */
public final class NonAtomicBatchWriter implements AutoCloseable {
    private final Store store;
    private final WriteOptions options;
    private final int maxOps;
    private final long maxBytes;

    private WriteBatch chunk = new WriteBatch();
    private int chunkOps;
    private long chunkBytes;
    private long chunksWritten;
    private long operationsWritten;
    private long bytesWritten;
    private boolean closed;

    private NonAtomicBatchWriter(Store store, WriteOptions options, int maxOps, long maxBytes) {
        this.store = store;
        this.options = options;
        this.maxOps = maxOps;
        this.maxBytes = maxBytes;
    }

    /**
     * A writer over a store, chunked by the store's own limits, with the store's default write options.
     *
     * @param store the store
     * @return a new writer
     */
    public static NonAtomicBatchWriter over(Store store) {
        return over(store, WriteOptions.DEFAULT);
    }

    /**
     * A writer over a store, chunked by the store's own limits.
     *
     * @param store the store
     * @param options the options of every put and delete (durability, time to live of puts)
     * @return a new writer
     */
    public static NonAtomicBatchWriter over(Store store, WriteOptions options) {
        Capabilities caps = Objects.requireNonNull(store, "store").capabilities();
        return over(store, options, caps.maxBatchOps(), caps.maxBatchBytes());
    }

    /**
     * A writer with smaller chunks than the store's limits (larger ones are cut to them).
     *
     * @param store the store
     * @param options the options of every put and delete
     * @param maxOps the most operations per chunk
     * @param maxBytes the most key and value bytes per chunk
     * @return a new writer
     */
    public static NonAtomicBatchWriter over(Store store, WriteOptions options, int maxOps, long maxBytes) {
        Capabilities caps = Objects.requireNonNull(store, "store").capabilities();
        Objects.requireNonNull(options, "options");
        if (maxOps < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("chunks need 1 operation and 1 byte or more, got " + maxOps
                    + " operations and " + maxBytes + " bytes");
        }
        return new NonAtomicBatchWriter(store, options, Math.min(maxOps, caps.maxBatchOps()),
                Math.min(maxBytes, caps.maxBatchBytes()));
    }

    /**
     * Adds a put; writes the current chunk first if the put does not fit in it.
     *
     * @param keyspace where
     * @param key the key
     * @param value the value
     * @return this writer
     * @throws PartialWriteException if writing the current chunk failed
     */
    public NonAtomicBatchWriter put(Keyspace keyspace, byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        make(room((long) key.length + value.length));
        chunk.put(keyspace, key, value, options);
        return this;
    }

    /**
     * Adds a delete; writes the current chunk first if the delete does not fit in it.
     *
     * @param keyspace where
     * @param key the key
     * @return this writer
     * @throws PartialWriteException if writing the current chunk failed
     */
    public NonAtomicBatchWriter delete(Keyspace keyspace, byte[] key) {
        Objects.requireNonNull(key, "key");
        make(room(key.length));
        chunk.delete(keyspace, key, options.withTtl(null));
        return this;
    }

    /**
     * Adds a range delete; writes the current chunk first if it does not fit in it.
     *
     * @param keyspace where
     * @param range the range
     * @return this writer
     * @throws PartialWriteException if writing the current chunk failed
     */
    public NonAtomicBatchWriter deleteRange(Keyspace keyspace, Range range) {
        Objects.requireNonNull(range, "range");
        byte[] s = range.start();
        byte[] e = range.end();
        make(room((s == null ? 0 : s.length) + (e == null ? 0 : e.length)));
        chunk.deleteRange(keyspace, range, options.withTtl(null));
        return this;
    }

    private long room(long bytes) {
        if (closed) {
            throw new IllegalStateException("this NonAtomicBatchWriter over " + store.uri() + " is closed");
        }
        return bytes;
    }

    /** Writes the current chunk if one more operation of {@code bytes} would not fit, then counts it in. */
    private void make(long bytes) {
        if (chunkOps > 0 && (chunkOps + 1 > maxOps || chunkBytes + bytes > maxBytes)) {
            writeChunk();
        }
        chunkOps++;
        chunkBytes += bytes;
    }

    /**
     * Writes the current chunk, if it holds anything.
     *
     * @throws PartialWriteException if writing it failed; it is dropped
     */
    public void flush() {
        if (chunkOps > 0) {
            writeChunk();
        }
    }

    private void writeChunk() {
        WriteBatch b = chunk;
        int ops = chunkOps;
        long bytes = chunkBytes;
        chunk = new WriteBatch();
        chunkOps = 0;
        chunkBytes = 0;
        try {
            store.write(b);
        } catch (RuntimeException e) {
            throw new PartialWriteException("a chunk of " + ops + " operations (" + bytes + " bytes) to "
                    + store.uri() + " failed and was not written, after " + chunksWritten + " chunks of "
                    + operationsWritten + " operations had been; those stay written: " + e.getMessage(), e,
                    operationsWritten, ops);
        }
        chunksWritten++;
        operationsWritten += ops;
        bytesWritten += bytes;
    }

    /**
     * Chunks written so far.
     *
     * @return the count
     */
    public long chunksWritten() {
        return chunksWritten;
    }

    /**
     * Operations written so far, in whole chunks.
     *
     * @return the count
     */
    public long operationsWritten() {
        return operationsWritten;
    }

    /**
     * Key and value bytes written so far.
     *
     * @return the count
     */
    public long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Operations added and not written yet: the current chunk.
     *
     * @return the count
     */
    public int pending() {
        return chunkOps;
    }

    /**
     * Writes the last chunk and closes the writer. Idempotent.
     *
     * @throws PartialWriteException if writing the last chunk failed
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            flush();
        }
    }
}
