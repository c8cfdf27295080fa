package dev.plinth.internal;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EntrySink;

/**
 * An engine cursor with expired entries skipped, judged at one instant. Values are always read, even
 * for keys-only cursors, because the expiry instant lives in the stored value. Not thread-safe.
 */
final class LiveCursor implements RawCursor {
    private final EngineCursor cursor;
    private final long nowMillis;

    LiveCursor(EngineCursor cursor, long nowMillis) {
        this.cursor = cursor;
        this.nowMillis = nowMillis;
    }

    @Override
    public boolean next() {
        while (cursor.next()) {
            if (ValueCodec.isLive(cursor.value(), nowMillis)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] key() {
        return cursor.key();
    }

    @Override
    public byte[] raw() {
        return cursor.value();
    }

    @Override
    public boolean lendsEntries() {
        return cursor.lendsEntries();
    }

    /** Lends the live entries on; an expired one is passed over where it lies. */
    @Override
    public boolean lend(EntrySink sink) {
        return cursor.lend((k, v) -> !ValueCodec.isLive(v, nowMillis) || sink.entry(k, v));
    }

    @Override
    public void seek(byte[] key) {
        cursor.seek(key);
    }

    @Override
    public void close() {
        cursor.close();
    }
}
