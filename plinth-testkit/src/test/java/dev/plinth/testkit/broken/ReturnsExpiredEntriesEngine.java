package dev.plinth.testkit.broken;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.util.Arrays;

/**
 * A broken engine: drops the expiry of every value the core writes. The core stores a time to live in
 * the value (header {@code 0x01}, an 8-byte big-endian expiry instant, then the value; header {@code 0x00}
 * then the value for none); this engine rewrites the first form into the second, so expired entries stay
 * visible. Thread-safe if the wrapped engine is.
 */
public final class ReturnsExpiredEntriesEngine extends ForwardingEngine {
    private static final int EXPIRING_HEADER = 9;

    /**
     * Wraps an engine.
     *
     * @param delegate the real engine
     */
    public ReturnsExpiredEntriesEngine(Engine delegate) {
        super(delegate);
    }

    @Override
    public boolean apply(EngineBatch batch) {
        EngineBatch.Builder b = Mutations.like(batch);
        for (EngineBatch.Mutation m : batch.mutations()) {
            Mutations.add(b, m, ReturnsExpiredEntriesEngine::withoutExpiry);
        }
        for (EngineBatch.Precondition p : batch.preconditions()) {
            b.require(p);
        }
        return delegate().apply(b.build());
    }

    private static byte[] withoutExpiry(byte[] raw) {
        if (raw.length < EXPIRING_HEADER || raw[0] != 0x01) {
            return raw;
        }
        byte[] plain = Arrays.copyOfRange(raw, EXPIRING_HEADER - 1, raw.length);
        plain[0] = 0x00;
        return plain;
    }
}
