package dev.plinth.internal;

/**
 * A raw cursor whose every call that reaches the engine enters a guard: a snapshot's cursors use the
 * snapshot's guard, so a close of the snapshot on another thread waits for a call in progress instead of
 * freeing what it uses (an LMDB read transaction, a RocksDB iterator), and later calls throw instead of
 * returning a walk cut short. Not thread-safe, like any cursor; only close may come from another thread.
 */
final class GuardedRawCursor implements RawCursor {
    private final RawCursor cursor;
    private final CallGuard guard;

    GuardedRawCursor(RawCursor cursor, CallGuard guard) {
        this.cursor = cursor;
        this.guard = guard;
    }

    @Override
    public boolean next() {
        guard.enter();
        try {
            return cursor.next();
        } finally {
            guard.exit();
        }
    }

    @Override
    public byte[] key() {
        guard.enter();
        try {
            return cursor.key();
        } finally {
            guard.exit();
        }
    }

    @Override
    public byte[] raw() {
        guard.enter();
        try {
            return cursor.raw();
        } finally {
            guard.exit();
        }
    }

    @Override
    public void seek(byte[] key) {
        guard.enter();
        try {
            cursor.seek(key);
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
