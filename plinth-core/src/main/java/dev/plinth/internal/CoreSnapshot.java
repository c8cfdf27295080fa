package dev.plinth.internal;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.OpenResource;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.CallGuard;
import dev.plinth.spi.EngineSnapshot;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A user snapshot over an engine snapshot. Thread-safe for reads, and its close may race them: every read
 * through it (point reads and its cursors' moves) enters {@link #reads}, which close drains before it
 * closes the cursors and releases the engine snapshot, so a racing read either completes from the
 * snapshot or throws {@link IllegalStateException}; it never sees a released view.
 */
final class CoreSnapshot extends ResourceTracker.Tracked implements Snapshot {
    private final CoreStore store;
    private final EngineSnapshot snapshot;
    private final Set<CoreCursor> cursors = ConcurrentHashMap.newKeySet();
    private final CallGuard reads = new CallGuard(() -> new IllegalStateException("snapshot is closed"));
    private volatile boolean closed;
    private volatile boolean closedByStore;

    CoreSnapshot(CoreStore store, EngineSnapshot snapshot) {
        super(OpenResource.Kind.SNAPSHOT, () -> "snapshot of " + store.uri(), store.trackOrigins());
        this.store = store;
        this.snapshot = snapshot;
    }

    @Override
    public byte[] get(Keyspace keyspace, byte[] key) {
        CoreKeyspace ks = store.resolve(keyspace);
        store.checks().key(key);
        checkUsable();
        long now = store.now();
        reads.enter();
        try {
            store.guard().enter();
            try {
                return ValueCodec.decodeIfLive(snapshot.get(ks.engineKeyspace, key), now);
            } finally {
                store.guard().exit();
            }
        } finally {
            reads.exit();
        }
    }

    @Override
    public Cursor cursor(Keyspace keyspace, Range range, ScanOptions options) {
        CoreKeyspace ks = store.resolve(keyspace);
        Objects.requireNonNull(range, "range");
        Objects.requireNonNull(options, "options");
        checkUsable();
        long now = store.now();
        byte[] start = range.start();
        byte[] end = range.end();
        reads.enter();
        store.guard().enter();
        try {
            RawCursor raw = new GuardedRawCursor(new LiveCursor(snapshot.cursor(ks.engineKeyspace,
                    CoreStore.engineScan(start, end, options)), now), reads);
            CoreCursor c = new CoreCursor(store, raw, start, end, options,
                    () -> "cursor over " + ks.name() + " " + range + " of a snapshot", null, cur -> {
                        cursors.remove(cur);
                        store.tracker().remove(cur);
                    });
            cursors.add(c);
            store.tracker().add(c);
            return c;
        } finally {
            store.guard().exit();
            reads.exit();
        }
    }

    private void checkUsable() {
        if (closedByStore || store.guard().isClosed()) {
            throw new StoreClosedException("store " + store.uri() + " is closed; its snapshots are closed");
        }
        if (closed) {
            throw new IllegalStateException("snapshot is closed");
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed || closedByStore) {
                return;
            }
            closed = true;
        }
        reads.closeAndDrain();
        for (CoreCursor c : new ArrayList<>(cursors)) {
            c.close();
        }
        try {
            store.guard().enter();
        } catch (StoreClosedException e) {
            return; // the closing store releases the engine snapshot
        }
        try {
            snapshot.close();
        } finally {
            store.guard().exit();
            store.tracker().remove(this);
        }
    }

    @Override
    void closeForStore() {
        closedByStore = true;
        snapshot.close();
    }
}
