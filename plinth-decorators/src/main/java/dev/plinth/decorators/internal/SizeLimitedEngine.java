package dev.plinth.decorators.internal;

import dev.plinth.Capabilities;
import dev.plinth.LimitExceededException;
import dev.plinth.LimitExceededException.Limit;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;

/**
 * Key, value and batch limits below the engine's own. They are declared in {@link #capabilities()}, so the
 * store checks them before anything reaches an engine (and reports them to users through
 * {@code Store.capabilities()}); {@link #apply} checks them again, for callers that reach the engine another
 * way, and rejects a batch over them with {@link LimitExceededException} before anything is written. Batch
 * bytes are checked by the store only: it counts the caller's keys and values, while the engine sees values
 * with their header.
 *
 * <p>A value limit counts the bytes the engine stores, which include the store's small value header; the
 * store subtracts the header when it reports its own {@code maxValueSize}. Thread-safe and stateless.
 */
public final class SizeLimitedEngine extends ForwardingEngine {
    private final Capabilities capabilities;
    private final String name;

    /**
     * Wraps an engine.
     *
     * @param delegate the engine
     * @param name the store's name, for messages
     * @param maxKeySize the largest key, or a larger number than the engine's own for no change
     * @param maxValueSize the largest stored value
     * @param maxBatchOps the most mutations in one batch
     * @param maxBatchBytes the most key and value bytes in one batch
     */
    public SizeLimitedEngine(Engine delegate, String name, int maxKeySize, int maxValueSize, int maxBatchOps,
                             long maxBatchBytes) {
        super(delegate);
        if (maxKeySize < 1 || maxValueSize < 0 || maxBatchOps < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("size limits must be positive (key " + maxKeySize + ", value "
                    + maxValueSize + ", batch " + maxBatchOps + " operations and " + maxBatchBytes + " bytes)");
        }
        Capabilities own = delegate.capabilities();
        this.name = name;
        this.capabilities = own.toBuilder()
                .maxKeySize(Math.min(maxKeySize, own.maxKeySize()))
                .maxValueSize(Math.min(maxValueSize, own.maxValueSize()))
                .maxBatchOps(Math.min(maxBatchOps, own.maxBatchOps()))
                .maxBatchBytes(Math.min(maxBatchBytes, own.maxBatchBytes()))
                .build();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public boolean apply(EngineBatch batch) {
        int ops = batch.mutations().size();
        if (ops > capabilities.maxBatchOps()) {
            throw new LimitExceededException(Limit.BATCH_OPS, ops, capabilities.maxBatchOps(),
                    "write to " + name + ", refused by its size limits before anything was written");
        }
        for (EngineBatch.Mutation m : batch.mutations()) {
            if (m.kind() != EngineBatch.MutationKind.DELETE_RANGE && m.key().length > capabilities.maxKeySize()) {
                throw new LimitExceededException(Limit.KEY_SIZE, m.key().length, capabilities.maxKeySize(),
                        "write of key " + Keys.show(m.key()) + " in keyspace " + m.keyspace().name() + " of "
                                + name + ", refused before anything was written");
            }
            if (m.value() != null && m.value().length > capabilities.maxValueSize()) {
                throw new LimitExceededException(Limit.VALUE_SIZE, m.value().length, capabilities.maxValueSize(),
                        "write of key " + Keys.show(m.key()) + " in keyspace " + m.keyspace().name() + " of "
                                + name + ", refused before anything was written");
            }
        }
        return super.apply(batch);
    }
}
