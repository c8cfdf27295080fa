package dev.plinth.internal;

import dev.plinth.spi.CallGuard;

/**
 * A raw cursor whose every call that reaches the engine enters a guard: a snapshot's cursors use the
 * snapshot's guard, so a close of the snapshot on another thread waits for a call in progress instead of
 * freeing what it uses (an LMDB read transaction, a RocksDB iterator), and later calls throw instead of
 * returning a walk cut short. Not thread-safe, like any cursor; only close may come from another thread.
 */
final class GuardedRawCursor implements RawCursor {
    private final RawCursor cursor;
    private final CallGuard guard;
    /** The entry the last move landed on, read inside the same guarded call as the move. */
    private byte[] key;
    private byte[] raw;

    GuardedRawCursor(RawCursor cursor, CallGuard guard) {
        this.cursor = cursor;
        this.guard = guard;
    }

    /** Moves and reads the entry in one guarded call, so an entry costs one guard entry, not three. */
    @Override
    public boolean next() {
        guard.enter();
        try {
            if (cursor.next()) {
                key = cursor.key();
                raw = cursor.raw();
                return true;
            }
            key = null;
            raw = null;
            return false;
        } finally {
            guard.exit();
        }
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
        key = null;
        raw = null;
        guard.enter();
        try {
            cursor.seek(target);
        } finally {
            guard.exit();
        }
    }

    /** Closes the cursor; the guard's owner calls this after draining the guard, so it does not enter. */
    @Override
    public void close() {
        cursor.close();
    }
}
