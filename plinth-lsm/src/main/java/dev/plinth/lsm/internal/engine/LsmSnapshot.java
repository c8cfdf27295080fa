package dev.plinth.lsm.internal.engine;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A view of an {@link LsmEngine} at one sequence number. Registered views (from
 * {@link LsmEngine#snapshot()}) keep every version they can see from being dropped until closed; an
 * unregistered view is valid only under the engine's write lock, at the latest sequence number, where
 * batches check their preconditions. Reads are thread-safe.
 */
final class LsmSnapshot implements EngineSnapshot {
    private final LsmEngine engine;
    private final long seq;
    private final boolean registered;
    private final AtomicBoolean closed = new AtomicBoolean();

    LsmSnapshot(LsmEngine engine, long seq, boolean registered) {
        this.engine = engine;
        this.seq = seq;
        this.registered = registered;
    }

    /** The sequence number of the last mutation this view shows. */
    @Override
    public long version() {
        return seq;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        LsmKeyspace ks = engine.live(keyspace, "snapshot get");
        requireOpen();
        ReadView v = engine.reads().acquire();
        try {
            return v.get(ks.id(), key, seq);
        } finally {
            v.release();
        }
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        LsmKeyspace ks = engine.live(keyspace, "snapshot cursor");
        requireOpen();
        ReadView v = engine.reads().acquire();
        try {
            return new LsmCursor(v, ks.id(), scan.start(), scan.end(), scan.reverse(), seq,
                    "lsm cursor over " + ks + " at sequence " + seq, v::release);
        } catch (RuntimeException | Error e) {
            v.release();
            throw e;
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("lsm snapshot at sequence " + seq + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && registered) {
            engine.reads().releaseSnapshot(seq);
        }
    }

    @Override
    public String toString() {
        return "lsm snapshot at sequence " + seq + (closed.get() ? " (closed)" : "");
    }
}
