package dev.plinth.internal.mem;

import dev.plinth.spi.EngineCursor;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;

/**
 * A walk over {@code [start, end)} of one keyspace at one sequence number, forward or in reverse,
 * skipping keys with no visible value. Not thread-safe.
 *
 * <p>It iterates the keyspace's skip list directly (weakly consistent iterators never fail on
 * concurrent change) and resolves each key's chain at its sequence number, so keys written or
 * removed after it was opened do not change what it returns. Its sequence number is registered for as
 * long as it is open, by the snapshot it was opened on or, for a cursor on the engine, by itself until
 * {@link #close()}.
 */
final class MemCursor implements EngineCursor {
    private final MemKeyspace keyspace;
    private final long seq;
    private final byte[] start;
    private final byte[] end;
    private final boolean reverse;
    /** Releases the cursor's own registration on close, or {@code null} if it has none. */
    private Runnable onClose;

    private Iterator<Map.Entry<byte[], VersionChain>> entries;
    private byte[] key;
    private byte[] value;
    private boolean closed;

    MemCursor(MemKeyspace keyspace, long seq, byte[] start, byte[] end, boolean reverse, Runnable onClose) {
        this.keyspace = keyspace;
        this.seq = seq;
        this.start = start;
        this.end = end;
        this.reverse = reverse;
        this.onClose = onClose;
        position(null);
    }

    /** Positions before the first entry at or after {@code target} in the cursor's direction. */
    private void position(byte[] target) {
        key = null;
        value = null;
        if (!reverse) {
            byte[] lo = start;
            if (target != null && (lo == null || MemKeyspace.KEY_ORDER.compare(target, lo) > 0)) {
                lo = target;
            }
            entries = keyspace.range(lo, true, end, false).entrySet().iterator();
        } else {
            byte[] hi = end;
            boolean hiInclusive = false;
            if (target != null && (hi == null || MemKeyspace.KEY_ORDER.compare(target, hi) < 0)) {
                hi = target;
                hiInclusive = true;
            }
            entries = keyspace.range(start, true, hi, hiInclusive).descendingMap().entrySet().iterator();
        }
    }

    @Override
    public boolean next() {
        requireOpen();
        while (entries.hasNext()) {
            Map.Entry<byte[], VersionChain> e = entries.next();
            VersionChain.Version v = e.getValue().resolve(seq);
            if (v == VersionChain.PRUNED) {
                // Only a cursor whose snapshot was released during this read can meet a reclaimed version.
                key = null;
                value = null;
                throw new IllegalStateException("mem cursor over " + keyspace + " at sequence " + seq
                        + " was closed during the read");
            }
            if (v != null && v.value != null) {
                key = e.getKey();
                value = v.value;
                return true;
            }
        }
        key = null;
        value = null;
        return false;
    }

    @Override
    public byte[] key() {
        requireOpen();
        requirePositioned();
        return key;
    }

    @Override
    public byte[] value() {
        requireOpen();
        requirePositioned();
        return value;
    }

    @Override
    public void seek(byte[] target) {
        requireOpen();
        position(target);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("mem cursor over " + keyspace + " is closed");
        }
    }

    private void requirePositioned() {
        if (key == null) {
            throw new IllegalStateException("mem cursor over " + keyspace + " is not on an entry");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        entries = Collections.emptyIterator();
        key = null;
        value = null;
        Runnable release = onClose;
        onClose = null;
        if (release != null) {
            release.run();
        }
    }

    @Override
    public String toString() {
        return "mem cursor over " + keyspace + " at sequence " + seq + (reverse ? ", reverse" : "")
                + (closed ? " (closed)" : "");
    }
}
