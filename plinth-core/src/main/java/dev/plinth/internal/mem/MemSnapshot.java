package dev.plinth.internal.mem;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A view of a {@link MemEngine} at one sequence number: every key's newest version at or below it.
 * Reads are thread-safe and lock-free.
 *
 * <p>A registered view (from {@link MemEngine#snapshot()}) holds its sequence number in the
 * {@link SnapshotRegistry} until closed, so no version it can see is reclaimed. An unregistered view
 * is only valid while the engine's write lock is held at the latest sequence number (the state batches
 * check their preconditions against); nothing is reclaimed then either.
 */
final class MemSnapshot implements EngineSnapshot {
    private final MemEngine engine;
    private final long seq;
    /** Where the view is registered, or {@code null} for an unregistered view. */
    private final SnapshotRegistry registry;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemSnapshot(MemEngine engine, long seq, SnapshotRegistry registry) {
        this.engine = engine;
        this.seq = seq;
        this.registry = registry;
    }

    long seq() {
        return seq;
    }

    /** The sequence number of the batch this view ends at. */
    @Override
    public long version() {
        return seq;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        MemKeyspace ks = engine.live(keyspace, "snapshot get");
        requireOpen();
        VersionChain chain = ks.chain(key);
        if (chain == null) {
            return null;
        }
        VersionChain.Version v = chain.resolve(seq);
        if (v == VersionChain.PRUNED) {
            // Only a view that was released during this read can meet a reclaimed version.
            throw new IllegalStateException("mem snapshot at sequence " + seq + " was closed during the read");
        }
        return v == null ? null : v.value;
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        MemKeyspace ks = engine.live(keyspace, "snapshot cursor");
        requireOpen();
        return new MemCursor(ks, seq, scan.start(), scan.end(), scan.reverse(), null);
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("mem snapshot at sequence " + seq + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && registry != null) {
            registry.release(seq);
        }
    }

    @Override
    public String toString() {
        return "mem snapshot at sequence " + seq + (closed.get() ? " (closed)" : "");
    }
}
