package dev.plinth.etcd;

import dev.plinth.spi.EngineSnapshot;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A snapshot is a revision: every read through it names that revision, so etcd's MVCC store answers with
 * the state of then. It holds nothing on the server; it only keeps {@link EtcdEngine#compact()} from
 * compacting past it. If something else compacts the cluster past it, reads fail with
 * {@link CompactedRevisionException}. Thread-safe.
 */
final class EtcdSnapshot extends EtcdView implements EngineSnapshot {
    private final AtomicBoolean closed = new AtomicBoolean();

    EtcdSnapshot(EtcdEngine engine, long revision) {
        super(engine, revision);
    }

    @Override
    public long version() {
        return revision;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.snapshotClosed(revision);
        }
    }
}
