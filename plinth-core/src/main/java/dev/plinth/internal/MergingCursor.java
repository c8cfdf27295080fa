package dev.plinth.internal;

import java.util.Map;
import java.util.NavigableMap;

/**
 * A transaction's view of a range: the snapshot's entries merged with the transaction's own pending
 * writes, which win on equal keys, hide what they delete, and are filtered by expiry like everything
 * else. Not thread-safe; the buffer must not change while the cursor is open (transactions snapshot it).
 */
final class MergingCursor implements RawCursor {
    private final RawCursor base;
    private final NavigableMap<byte[], byte[]> overlay;
    private final WriteBuffer.Pending pending;
    private final boolean reverse;
    private final long nowMillis;

    private boolean baseHasNext;
    private boolean basePrimed;
    /** The last key returned, or the seek target's predecessor position; {@code null} before the first. */
    private byte[] position;
    private boolean positionInclusive;
    private byte[] key;
    private byte[] raw;

    MergingCursor(RawCursor base, WriteBuffer.Pending pending, byte[] start, byte[] end, boolean reverse,
                  long nowMillis) {
        this.base = base;
        this.pending = pending;
        NavigableMap<byte[], byte[]> m = WriteBuffer.subMap(pending.points, start, end);
        this.overlay = reverse ? m.descendingMap() : m;
        this.reverse = reverse;
        this.nowMillis = nowMillis;
    }

    @Override
    public boolean next() {
        while (true) {
            if (!basePrimed) {
                baseHasNext = advanceBase();
                basePrimed = true;
            }
            Map.Entry<byte[], byte[]> o = nextOverlay();
            if (!baseHasNext && o == null) {
                key = null;
                raw = null;
                return false;
            }
            int c;
            if (o == null) {
                c = -1;
            } else if (!baseHasNext) {
                c = 1;
            } else {
                c = Bytes.compare(base.key(), o.getKey());
                if (reverse) {
                    c = -c;
                }
            }
            byte[] k;
            byte[] v;
            if (c < 0) {
                k = base.key();
                v = base.raw();
                basePrimed = false;
            } else {
                k = o.getKey();
                v = o.getValue();
                if (c == 0) {
                    basePrimed = false;
                }
            }
            position = k;
            positionInclusive = false;
            if (v == WriteBuffer.TOMBSTONE || !ValueCodec.isLive(v, nowMillis)) {
                continue;
            }
            key = k;
            raw = v;
            return true;
        }
    }

    /** Advances the base past entries the transaction deleted by range. */
    private boolean advanceBase() {
        while (base.next()) {
            if (!pending.coveredByDeletedRange(base.key())) {
                return true;
            }
        }
        return false;
    }

    private Map.Entry<byte[], byte[]> nextOverlay() {
        if (position == null) {
            return overlay.firstEntry();
        }
        return positionInclusive ? ceiling(position) : higher(position);
    }

    private Map.Entry<byte[], byte[]> ceiling(byte[] k) {
        return overlay.ceilingEntry(k);
    }

    private Map.Entry<byte[], byte[]> higher(byte[] k) {
        return overlay.higherEntry(k);
    }

    @Override
    public byte[] key() {
        return key;
    }

    @Override
    public byte[] raw() {
        return raw;
    }

    @Override
    public void seek(byte[] target) {
        base.seek(target);
        basePrimed = false;
        position = target;
        positionInclusive = true;
        key = null;
        raw = null;
    }

    @Override
    public void close() {
        base.close();
    }
}
