package dev.plinth.testkit.broken;

import dev.plinth.Capabilities;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.ForwardingEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A broken engine: applies a batch one mutation at a time, each as its own batch, and checks each
 * precondition lazily, just before the first mutation that touches its key or range (the rest after the
 * last mutation). A failing precondition then leaves the earlier mutations applied, and concurrent
 * readers can see half a batch. Thread-safe if the wrapped engine is, but not atomic.
 */
public final class NonAtomicBatchesEngine extends ForwardingEngine {
    /**
     * Wraps an engine.
     *
     * @param delegate the real engine
     */
    public NonAtomicBatchesEngine(Engine delegate) {
        super(delegate);
    }

    /** Without versions: this engine checks every precondition against the wrapped engine's latest state. */
    @Override
    public Capabilities capabilities() {
        return Mutations.withoutVersions(delegate().capabilities());
    }

    @Override
    public boolean apply(EngineBatch batch) {
        List<EngineBatch.Precondition> unchecked = new ArrayList<>(batch.preconditions());
        for (EngineBatch.Mutation m : batch.mutations()) {
            for (int i = 0; i < unchecked.size(); i++) {
                EngineBatch.Precondition p = unchecked.get(i);
                if (touches(m, p)) {
                    if (!p.holds(delegate())) {
                        return false;
                    }
                    unchecked.remove(i--);
                }
            }
            EngineBatch.Builder one = Mutations.like(batch);
            Mutations.add(one, m, v -> v);
            delegate().apply(one.build());
        }
        for (EngineBatch.Precondition p : unchecked) {
            if (!p.holds(delegate())) {
                return false;
            }
        }
        return true;
    }

    private static boolean touches(EngineBatch.Mutation m, EngineBatch.Precondition p) {
        if (!m.keyspace().name().equals(p.keyspace().name())) {
            return false;
        }
        byte[] pLo;
        byte[] pHi;
        if (p instanceof EngineBatch.ValueEquals v) {
            pLo = v.key();
            pHi = successor(v.key());
        } else if (p instanceof EngineBatch.RangeEquals r) {
            pLo = r.start();
            pHi = r.end();
        } else {
            throw new AssertionError("a version precondition reached an engine without versions: " + p);
        }
        byte[] mLo = m.key();
        byte[] mHi = m.kind() == EngineBatch.MutationKind.DELETE_RANGE ? m.end() : successor(m.key());
        // [pLo, pHi) and [mLo, mHi) overlap; null bounds are unbounded
        return (pHi == null || mLo == null || Arrays.compareUnsigned(mLo, pHi) < 0)
                && (mHi == null || pLo == null || Arrays.compareUnsigned(pLo, mHi) < 0);
    }

    private static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }
}
