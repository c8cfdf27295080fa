package dev.plinth.testkit.broken;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;

/**
 * A broken engine: checks version preconditions one version too late, as an engine that compares a key's
 * last change with {@code >=} where {@code >} is right would, or one whose snapshots report the version after
 * the state they show. A batch committed right after a transaction's snapshot is then not seen as a change,
 * and the transaction commits over it: lost updates and write skew. Value preconditions are untouched.
 * Thread-safe if the wrapped engine is.
 */
public final class OffByOneVersionsEngine extends ForwardingEngine {
    /**
     * Wraps an engine that checks version preconditions.
     *
     * @param delegate the real engine
     */
    public OffByOneVersionsEngine(Engine delegate) {
        super(delegate);
        if (!delegate.capabilities().versionedPreconditions()) {
            throw new IllegalArgumentException(delegate + " does not check version preconditions");
        }
    }

    @Override
    public boolean apply(EngineBatch batch) {
        EngineBatch.Builder b = Mutations.like(batch);
        for (EngineBatch.Mutation m : batch.mutations()) {
            Mutations.add(b, m, v -> v);
        }
        for (EngineBatch.Precondition p : batch.preconditions()) {
            if (p instanceof EngineBatch.KeyUnchangedSince k) {
                b.requireUnchangedSince(k.keyspace(), k.key(), k.version() + 1);
            } else if (p instanceof EngineBatch.RangeUnchangedSince r) {
                b.requireRangeUnchangedSince(r.keyspace(), r.start(), r.end(), r.version() + 1);
            } else {
                b.require(p);
            }
        }
        return delegate().apply(b.build());
    }
}
