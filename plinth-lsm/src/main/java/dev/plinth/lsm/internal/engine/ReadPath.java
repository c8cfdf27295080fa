package dev.plinth.lsm.internal.engine;

import dev.plinth.spi.ChangeTracker;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;

/**
 * What the engine's readers see: the current {@link ReadView}, the published sequence number, and the
 * sequence numbers open snapshots and cursors read at. Reads take no lock: they read the sequence number,
 * take a reference on the view, and read it. Thread-safe.
 *
 * <p>The view is replaced only under the engine's write lock ({@link #swapLocked}); the sequence number
 * only grows, set at open and then by the log's leader ({@link #publish}) once a group of records reached
 * the OS.
 */
final class ReadPath {
    private final String uri;
    /** Open snapshots and cursors by sequence number. */
    private final SnapshotTable snapshots = new SnapshotTable();
    private volatile ReadView view;
    private volatile long visibleSeq;

    /** Answers the core's version preconditions from the current view; used under the write lock only. */
    private final ChangeTracker changes = new ChangeTracker() {
        @Override
        public boolean changedSince(EngineKeyspace keyspace, byte[] key, long version) {
            return view.changedSince(((LsmKeyspace) keyspace).id(), key, version);
        }

        @Override
        public boolean changedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version) {
            return view.changedSince(((LsmKeyspace) keyspace).id(), start, end, version);
        }
    };

    ReadPath(String uri) {
        this.uri = uri;
    }

    /** Sets the first view and the recovered sequence number, at open. */
    void start(ReadView first, long recoveredSeq) {
        view = first;
        visibleSeq = recoveredSeq;
    }

    /**
     * The published sequence number: every mutation at or below it is in the memtable, and reached the log
     * but for batches written at {@code NONE} left in the log's buffer (see {@code WalWriter#enqueueUnwaited}).
     */
    long visibleSeq() {
        return visibleSeq;
    }

    /**
     * Publishes the mutations up to {@code seq}: called by the log's leader, and under the engine's write lock
     * for a batch left in the log's buffer. Synchronized so that the two never move the number back.
     */
    synchronized void publish(long seq) {
        if (seq > visibleSeq) {
            visibleSeq = seq;
        }
    }

    /** The current view without a reference, for the write path under the write lock. */
    ReadView currentLocked() {
        return view;
    }

    /** The version preconditions' view of changes, for the write path under the write lock. */
    ChangeTracker changesLocked() {
        return changes;
    }

    /**
     * The current view with a reference taken; the caller releases it.
     *
     * @return the view
     */
    ReadView acquire() {
        while (true) {
            ReadView v = view;
            if (v.retain()) {
                return v;
            }
        }
    }

    /** Installs a new view and drops the engine's reference to the old one; needs the write lock. */
    void swapLocked(ReadView next) {
        ReadView old = view;
        view = next;
        try {
            old.release();
        } catch (RuntimeException e) {
            // The new view is installed whatever happens here: a caller that saw this fail would take back
            // what it installed (a compaction would release outputs the levels now hold). Each table of the
            // old view was released (releaseAll goes on past a failure); what failed was closing a file or
            // mapping no reader uses any more.
            System.getLogger(ReadPath.class.getName()).log(System.Logger.Level.WARNING, "closing a table of "
                    + uri + " that no reader uses any more failed: " + e.getMessage(), e);
        }
    }

    /** Drops the engine's reference to the view, at close; readers still holding one finish with it. */
    void releaseView() {
        ReadView v = view;
        if (v != null) {
            view = null;
            v.release();
        }
    }

    /**
     * The latest published value of a key, or {@code null}. The view is taken before the sequence number is
     * read: a compaction that built the view dropped only versions older than its horizon, which is at most
     * the sequence number read afterwards, so every version this read needs is still in the view (read the
     * other way round, a background compaction between the two steps could drop the version the read wants
     * and the key would look absent).
     */
    byte[] get(LsmKeyspace ks, byte[] key) {
        ReadView v = acquire();
        long seq = visibleSeq;
        try {
            return v.get(ks.id(), key, seq);
        } finally {
            v.release();
        }
    }

    /** A cursor at the published sequence number, registered as a snapshot until it is closed. */
    EngineCursor cursor(LsmKeyspace ks, ScanSpec scan) {
        long seq = acquireSnapshot();
        ReadView v = acquire();
        try {
            return new LsmCursor(v, ks.id(), scan.start(), scan.end(), scan.reverse(), seq,
                    "lsm cursor over " + ks + " of " + uri + " at sequence " + seq, () -> {
                        v.release();
                        releaseSnapshot(seq);
                    });
        } catch (RuntimeException | Error e) {
            v.release();
            releaseSnapshot(seq);
            throw e;
        }
    }

    /** Registers a reader at the published sequence number and returns it. */
    long acquireSnapshot() {
        return snapshots.acquire(() -> visibleSeq);
    }

    /** Unregisters one reader at {@code seq}. */
    void releaseSnapshot(long seq) {
        snapshots.release(seq);
    }

    /** The oldest sequence number an open reader reads at, or the published one if none is older. */
    long oldestSnapshot() {
        return snapshots.oldest(visibleSeq);
    }

    /** Open snapshots and cursors. */
    long snapshotCount() {
        return snapshots.count();
    }
}
