package dev.plinth.testkit.broken;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;

/**
 * A broken engine: applies every batch's mutations unconditionally and reports success, as if its
 * preconditions always held. Lost updates follow wherever a precondition guards a race (transactions
 * that conflict, compare-and-set losers). Thread-safe if the wrapped engine is.
 */
public final class IgnoresPreconditionsEngine extends ForwardingEngine {
    /**
     * Wraps an engine.
     *
     * @param delegate the real engine
     */
    public IgnoresPreconditionsEngine(Engine delegate) {
        super(delegate);
    }

    @Override
    public boolean apply(EngineBatch batch) {
        EngineBatch.Builder b = Mutations.like(batch);
        for (EngineBatch.Mutation m : batch.mutations()) {
            Mutations.add(b, m, v -> v);
        }
        if (!b.hasNoMutations()) {
            delegate().apply(b.build());
        }
        return true;
    }
}
