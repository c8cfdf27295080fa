package dev.plinth.lmdb;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EntrySink;
import dev.plinth.spi.LentBytes;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.lmdbjava.Cursor;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * A walk over {@code [start, end)} of one keyspace with an LMDB cursor, forward or in reverse. Not
 * thread-safe as an {@link EngineCursor}, but every native step runs under its transaction's mutex, so a
 * snapshot's cursors and reads may be used from several threads, and a store close may close it from
 * another thread.
 *
 * <p>The walk starts lazily: the first {@link #next()} after opening or {@link #seek} positions with
 * {@code MDB_SET_RANGE} at the lower bound (forward), or at the upper bound and one step back (reverse), so
 * a range scan costs one tree descent, never a walk from the first key. Each step copies the key (and
 * value) out of the map, so what it returns stays valid after the transaction ends.
 *
 * <p>A cursor over a read transaction reads ahead: each time its entries run out it copies the next ones
 * (1, then 2, 4 and so on up to {@value #MAX_READ_AHEAD}) in one go, under its locks once, and hands them
 * out from memory; a read transaction is a fixed view, so entries read ahead are exactly those a step at
 * a time would return. Seeking drops what was read ahead. Damage met while reading ahead is thrown when
 * the walk reaches it, after the entries before it. A cursor over a batch's write transaction steps one
 * entry at a time, since the batch may change what lies ahead.
 *
 * <p>A cursor over a read transaction also lends its entries ({@link #lend(EntrySink)}): under its locks
 * once per call, it steps and hands the sink the key and value where they lie in the map, each checked to
 * lie inside the map first, with no copy; the transaction cannot end during the call, since its close
 * takes the mutex the call holds.
 *
 * <p>A cursor opened before its keyspace was dropped keeps reading the view it opened on (the SPI's rule):
 * the native cursor is opened, and so bound to the database's root in its transaction, when the cursor is
 * made, while the handle is still valid.
 */
final class LmdbCursor implements EngineCursor {
    private final LmdbEngine engine;
    private final LmdbKeyspace keyspace;
    /** The transaction it reads; {@code null} for a cursor over a batch's write transaction. */
    private final ReadTxn readTxn;
    /** Whether closing the cursor closes {@link #readTxn} (an engine cursor's own transaction). */
    private final boolean ownsTxn;
    private final Object mutex;
    private final byte[] start;
    private final byte[] end;
    private final boolean reverse;
    /** How much of each value the caller reads ({@link ScanSpec#valueBytes()}); less is copied out of the map. */
    private final int valueBytes;

    /** Entries read ahead at most, per native read; see the class documentation. */
    static final int MAX_READ_AHEAD = 16;

    /** Whether the cursor reads ahead: only over a read transaction. */
    private final boolean readAhead;

    // Guarded by mutex.
    /** The native cursor, or {@code null} when the keyspace is invisible to the transaction (always empty). */
    private Cursor<ByteBuffer> cursor;
    /** Written under the mutex; volatile so that the lock-free paths see a close by another thread. */
    private volatile boolean closed;
    /** Entries read ahead, {@link #aheadIndex} to {@link #aheadSize}; the owner thread reads them without the mutex. */
    private final byte[][] aheadKeys;
    private final byte[][] aheadValues;
    private int aheadIndex;
    private int aheadSize;
    /** How many entries the next read ahead copies. */
    private int aheadNext = 1;
    /** Damage met while reading ahead, thrown when the entries before it have been handed out. */
    private RuntimeException aheadFailure;
    /** The entry {@link #stepLocked()} copied last. */
    private byte[] stepKey;
    private byte[] stepValue;
    /** Whether the native cursor sits where the next step continues from. */
    private boolean positioned;
    /** Set once the walk left its bounds; cleared by seek. */
    private boolean exhausted;
    /** The seek target for the next positioning, or {@code null} for the bound. */
    private byte[] target;
    private byte[] key;
    private byte[] value;

    /**
     * Opens a cursor over a read transaction, registering it there.
     *
     * @param ownsTxn whether closing the cursor closes the transaction
     * @param visible whether the keyspace existed when the transaction began
     */
    LmdbCursor(LmdbEngine engine, LmdbKeyspace keyspace, ReadTxn readTxn, boolean ownsTxn, boolean visible,
               ScanSpec scan) {
        this.engine = engine;
        this.keyspace = keyspace;
        this.readTxn = readTxn;
        this.ownsTxn = ownsTxn;
        this.mutex = readTxn.mutex;
        this.start = scan.start();
        this.end = scan.end();
        this.reverse = scan.reverse();
        this.valueBytes = scan.valueBytes();
        this.readAhead = true;
        this.aheadKeys = new byte[MAX_READ_AHEAD][];
        this.aheadValues = new byte[MAX_READ_AHEAD][];
        synchronized (mutex) {
            Txn<ByteBuffer> txn = readTxn.txnLocked(this);
            if (visible) {
                cursor = open(txn);
            }
            readTxn.addLocked(this);
        }
    }

    /** Opens a cursor over a batch's write transaction; the batch closes it before it commits. */
    LmdbCursor(LmdbEngine engine, LmdbKeyspace keyspace, Txn<ByteBuffer> writeTxn, byte[] start, byte[] end,
               boolean reverse) {
        this.engine = engine;
        this.keyspace = keyspace;
        this.readTxn = null;
        this.ownsTxn = false;
        this.mutex = new Object();
        this.start = start;
        this.end = end;
        this.reverse = reverse;
        this.valueBytes = ScanSpec.FULL_VALUES;
        this.readAhead = false;
        this.aheadKeys = null;
        this.aheadValues = null;
        synchronized (mutex) {
            cursor = open(writeTxn);
        }
    }

    private Cursor<ByteBuffer> open(Txn<ByteBuffer> txn) {
        long stamp = keyspace.use.readLock();
        try {
            engine.requireLiveLocked(keyspace, "cursor");
            return keyspace.dbi.openCursor(txn);
        } catch (LmdbException e) {
            throw engine.translate(e, "cursor");
        } finally {
            keyspace.use.unlockRead(stamp);
        }
    }

    @Override
    public boolean next() {
        if (readAhead && !closed && aheadIndex < aheadSize) {
            takeAhead(); // the owner thread's own buffer: no lock needed; a close was checked just above
            return true;
        }
        synchronized (mutex) {
            requireOpenLocked();
            key = null;
            value = null;
            if (readAhead) {
                if (aheadIndex < aheadSize) {
                    takeAhead();
                    return true;
                }
                if (aheadFailure != null) {
                    RuntimeException e = aheadFailure;
                    aheadFailure = null;
                    throw e;
                }
                readAheadLocked();
                if (aheadIndex < aheadSize) {
                    takeAhead();
                    return true;
                }
                return false;
            }
            if (exhausted || cursor == null) {
                exhausted = true;
                return false;
            }
            // The stamp keeps a concurrent drop from closing the database handle mid-step. A cursor opened
            // before the drop keeps reading its transaction's view: its native cursor was initialised while
            // the handle was valid, and LMDB's steps read only that transaction's pages from then on.
            long stamp = keyspace.use.readLock();
            try {
                if (!stepLocked()) {
                    return false;
                }
                key = stepKey;
                value = stepValue;
                return true;
            } catch (LmdbException e) {
                throw engine.translate(e, "cursor next");
            } finally {
                keyspace.use.unlockRead(stamp);
            }
        }
    }

    private void takeAhead() {
        int i = aheadIndex++;
        key = aheadKeys[i];
        value = aheadValues[i];
        aheadKeys[i] = null;
        aheadValues[i] = null;
    }

    /**
     * Copies the next entries into the read-ahead buffer, under one stamp: as many as {@link #aheadNext},
     * fewer at the end of the walk or where damage stops it (kept in {@link #aheadFailure} if entries came
     * before it, thrown at once otherwise).
     */
    private void readAheadLocked() {
        aheadIndex = 0;
        aheadSize = 0;
        if (exhausted || cursor == null) {
            exhausted = true;
            return;
        }
        int want = aheadNext;
        aheadNext = Math.min(aheadNext * 2, MAX_READ_AHEAD);
        long stamp = keyspace.use.readLock();
        try {
            while (aheadSize < want) {
                boolean found;
                try {
                    found = stepLocked();
                } catch (LmdbException e) {
                    RuntimeException x = engine.translate(e, "cursor next");
                    if (aheadSize == 0) {
                        throw x;
                    }
                    aheadFailure = x;
                    return;
                } catch (RuntimeException e) {
                    if (aheadSize == 0) {
                        throw e;
                    }
                    aheadFailure = e;
                    return;
                }
                if (!found) {
                    return;
                }
                aheadKeys[aheadSize] = stepKey;
                aheadValues[aheadSize] = stepValue;
                aheadSize++;
            }
        } finally {
            keyspace.use.unlockRead(stamp);
        }
    }

    /**
     * Moves the native cursor one entry and copies it into {@link #stepKey} and {@link #stepValue};
     * {@code false}, with the walk marked exhausted, past its end. The caller holds the mutex and a stamp.
     */
    private boolean stepLocked() {
        stepKey = null;
        stepValue = null;
        boolean found = moveLocked();
        if (found) {
            ByteBuffer k = engine.bounds().check(cursor.key(), "a key", "cursor next");
            if (beyondBound(k)) {
                found = false;
            } else {
                stepValue = valueBytes == 0 ? null : Buffers.copyPrefix(
                        engine.bounds().check(cursor.val(), "the value of a key", "cursor next"), valueBytes);
                stepKey = Buffers.copy(k);
            }
        }
        if (!found) {
            exhausted = true;
        }
        return found;
    }

    /** Moves the native cursor to the walk's next entry, positioning it first after opening or a seek. */
    private boolean moveLocked() {
        if (positioned) {
            return reverse ? cursor.prev() : cursor.next();
        }
        boolean found = position();
        positioned = true;
        return found;
    }

    /** Whether a key in the map lies past the walk's far bound, where the walk ends. */
    private boolean beyondBound(ByteBuffer k) {
        return reverse ? start != null && LentBytes.compare(k, start, start.length) < 0
                : end != null && LentBytes.compare(k, end, end.length) >= 0;
    }

    @Override
    public boolean lendsEntries() {
        return readAhead;
    }

    /**
     * Lends the entries after the current position, where they lie in the map: first any that {@link #next()}
     * read ahead (as wrapped copies), then the native cursor's, under the mutex and one stamp for the call.
     * A step that fails leaves the walk where it was; a sink that throws leaves it on the entry it was
     * lent, so that the next call goes on after it.
     */
    @Override
    public boolean lend(EntrySink sink) {
        if (!readAhead) {
            return EngineCursor.super.lend(sink);
        }
        synchronized (mutex) {
            requireOpenLocked();
            key = null;
            value = null;
            while (aheadIndex < aheadSize) {
                int i = aheadIndex++;
                ByteBuffer k = ByteBuffer.wrap(aheadKeys[i]);
                byte[] v = aheadValues[i];
                aheadKeys[i] = null;
                aheadValues[i] = null;
                if (!sink.entry(k, v == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(v))) {
                    return true;
                }
            }
            if (aheadFailure != null) {
                RuntimeException e = aheadFailure;
                aheadFailure = null;
                throw e;
            }
            if (exhausted || cursor == null) {
                exhausted = true;
                return false;
            }
            long stamp = keyspace.use.readLock();
            try {
                while (true) {
                    ByteBuffer k = moveLocked() ? engine.bounds().check(cursor.key(), "a key", "cursor next") : null;
                    if (k == null || beyondBound(k)) {
                        exhausted = true;
                        return false;
                    }
                    ByteBuffer v = engine.bounds().check(cursor.val(), "the value of a key", "cursor next");
                    if (!sink.entry(k, v)) {
                        return true;
                    }
                }
            } catch (LmdbException e) {
                throw engine.translate(e, "cursor next");
            } finally {
                keyspace.use.unlockRead(stamp);
            }
        }
    }

    /** Positions on the first entry of the walk, from the bounds and any seek target. */
    private boolean position() {
        int max = engine.maxKeySize();
        if (!reverse) {
            byte[] lo = start;
            if (target != null && (lo == null || Arrays.compareUnsigned(target, lo) > 0)) {
                lo = target;
            }
            return Buffers.seekCeiling(cursor, lo, max);
        }
        if (target != null && (end == null || Arrays.compareUnsigned(target, end) < 0)) {
            return Buffers.seekFloor(cursor, target, true, max);
        }
        return Buffers.seekFloor(cursor, end, false, max);
    }

    @Override
    public byte[] key() {
        // Fast path, without the mutex: the cursor is used by one thread, which set the field in next().
        // A close on another thread (the snapshot's or the store's) clears it; a read that misses that race
        // returns a copy made while the entry was valid. Anything else takes the checked path below.
        byte[] k = key;
        if (k != null && !closed) {
            return k;
        }
        synchronized (mutex) {
            requireOpenLocked();
            requirePositionedLocked();
            return key;
        }
    }

    @Override
    public byte[] value() {
        byte[] v = value; // fast path, as in key(); a keys-only cursor's value is copied below, under the mutex
        if (v != null && key != null && !closed) {
            return v;
        }
        synchronized (mutex) {
            requireOpenLocked();
            requirePositionedLocked();
            if (value == null) {
                // A keys-only cursor copies a value only when asked: from where the native cursor stands,
                // or, once it has read ahead, by looking the key up in the same transaction.
                long stamp = keyspace.use.readLock();
                try {
                    ByteBuffer raw = readAhead ? keyspace.dbi.get(readTxn.txnLocked(this), Buffers.key(key)) : cursor.val();
                    if (raw == null) {
                        throw new IllegalStateException(this + ": the entry's value is gone from its own view");
                    }
                    value = Buffers.copy(engine.bounds().check(raw, "the value of a key", "cursor value"));
                } catch (LmdbException e) {
                    throw engine.translate(e, "cursor value");
                } finally {
                    keyspace.use.unlockRead(stamp);
                }
            }
            return value;
        }
    }

    @Override
    public void seek(byte[] target) {
        synchronized (mutex) {
            requireOpenLocked();
            this.target = target;
            positioned = false;
            exhausted = false;
            key = null;
            value = null;
            if (readAhead) {
                Arrays.fill(aheadKeys, null);
                Arrays.fill(aheadValues, null);
                aheadIndex = 0;
                aheadSize = 0;
                aheadNext = 1;
                aheadFailure = null;
            }
        }
    }

    private void requireOpenLocked() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (readTxn != null && readTxn.isClosedLocked()) {
            closeLocked();
            throw new IllegalStateException(this + " is closed: its snapshot was closed");
        }
    }

    private void requirePositionedLocked() {
        if (key == null) {
            throw new IllegalStateException(this + " is not on an entry");
        }
    }

    @Override
    public void close() {
        synchronized (mutex) {
            if (closed) {
                return;
            }
            closeLocked();
            if (readTxn != null) {
                readTxn.removeLocked(this);
            }
        }
        if (ownsTxn) {
            readTxn.close();
        }
    }

    /**
     * Closes the native cursor; for a caller holding the mutex, before the transaction ends. A read
     * transaction's cursor may be closed after it ends too, which LMDB allows; a write transaction's may
     * not, so a batch closes its cursors before committing.
     */
    void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        key = null;
        value = null;
        Cursor<ByteBuffer> c = cursor;
        cursor = null;
        if (c != null) {
            try {
                c.close();
            } catch (LmdbException e) {
                throw engine.translate(e, "cursor close");
            }
        }
    }

    @Override
    public String toString() {
        return "lmdb cursor over " + keyspace + (reverse ? ", reverse" : "") + (closed ? " (closed)" : "");
    }
}
