package dev.plinth.rocksdb;

import dev.plinth.PlinthException;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.ScanSpec;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * A walk over {@code [start, end)} of one column family through a {@link RocksIterator}. Not thread-safe.
 *
 * <p>The range is enforced by RocksDB itself with {@code iterate_upper_bound} and, for a reverse walk,
 * {@code iterate_lower_bound}, so the iterator never reads past it; a forward walk starts with a seek at or
 * after the range's start and needs no lower bound. The view is fixed when the cursor opens: the iterator's
 * own implicit snapshot for a cursor on the engine, the snapshot's sequence number for a cursor on a snapshot; a
 * {@link #seek} repositions within that same view. When the iterator stops being valid its status is
 * checked, and an error (corruption, I/O) is thrown rather than taken for the end of the range.
 *
 * <p>Owns four native objects, freed by {@link #close()} in this order: the iterator, its read options,
 * then the bound slices the read options point to; and holds a reference to its column family's handle
 * from open to close, so a cursor opened before its keyspace was dropped keeps reading its view (see
 * {@link RocksDbKeyspace}). The engine closes cursors still open when it closes.
 */
final class RocksDbCursor implements EngineCursor {
    private static final int BEFORE = 0;
    private static final int ON_ENTRY = 1;
    private static final int DONE = 2;
    /** The key buffer's first size: room for most keys. */
    static final int INITIAL_KEY_BUFFER = 64;
    /** The value buffer's first size: room for small values. */
    static final int INITIAL_VALUE_BUFFER = 256;
    /** A buffer grows to fit an entry up to this size; a larger key or value is copied out in one step instead. */
    static final int MAX_REUSED_BUFFER = 64 * 1024;

    private final RocksDbEngine engine;
    /** Whose handle the iterator holds a reference to; null for an empty range, which has no iterator. */
    private final RocksDbKeyspace keyspace;
    private final String keyspaceName;
    private final View view;
    private final byte[] start;
    private final byte[] end;
    private final boolean reverse;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** See {@link #hashCode()}. */
    private final int hash = ThreadLocalRandom.current().nextInt();
    /** How much of each value the caller reads ({@link ScanSpec#valueBytes()}): less is copied out of RocksDB. */
    private final int valueBytes;

    // Native objects; null for an empty range, which needs none.
    private final RocksIterator iterator;
    private final ReadOptions readOptions;
    private final Slice lower;
    private final Slice upper;

    /**
     * Reused arrays that keys and values are copied into from RocksDB before each is copied again, at its own
     * length, into the array handed out (see {@link #copyKey()}); grown up to {@link #MAX_REUSED_BUFFER}.
     */
    private byte[] keyBuffer = new byte[INITIAL_KEY_BUFFER];
    private byte[] valueBuffer = new byte[INITIAL_VALUE_BUFFER];

    private int state = BEFORE;
    /** Where the next {@link #next()} positions from when {@link #state} is BEFORE; null for the range's edge. */
    private byte[] target;
    private byte[] key;
    private byte[] value;
    /** An iterator error, thrown again by every later {@link #next()}. */
    private PlinthException failure;

    private RocksDbCursor(RocksDbEngine engine, RocksDbKeyspace keyspace, String keyspaceName, View view, byte[] start,
                          byte[] end, boolean reverse, int valueBytes, RocksIterator iterator, ReadOptions readOptions,
                          Slice lower, Slice upper) {
        this.valueBytes = valueBytes;
        this.engine = engine;
        this.keyspace = keyspace;
        this.keyspaceName = keyspaceName;
        this.view = view;
        this.start = start;
        this.end = end;
        this.reverse = reverse;
        this.iterator = iterator;
        this.readOptions = readOptions;
        this.lower = lower;
        this.upper = upper;
    }

    /**
     * Opens a cursor. The caller holds the keyspace's guard (and the snapshot's, if any) for the duration.
     *
     * @param readOptions fresh read options, with the snapshot set if any; owned by the cursor from here on,
     *     closed here if opening fails
     * @param view what the cursor reads, for its messages
     */
    static RocksDbCursor open(RocksDbEngine engine, RocksDbKeyspace ks, ReadOptions readOptions, View view,
                              ScanSpec scan) {
        NativeTracker.track(readOptions);
        byte[] start = scan.start();
        byte[] end = scan.end();
        boolean reverse = scan.reverse();
        if (start != null && end != null && Arrays.compareUnsigned(start, end) >= 0) {
            readOptions.close();
            return new RocksDbCursor(engine, null, ks.name(), view, start, end, reverse, scan.valueBytes(), null, null,
                    null, null);
        }
        Slice lower = null;
        Slice upper = null;
        RocksIterator it = null;
        try {
            // A forward walk never needs the lower bound from RocksDB: it positions with seek() at or after
            // start (see position()) and only moves up from there, so the slice would be one more native
            // object made, copied into and freed per cursor for nothing. A reverse walk needs it to stop.
            if (start != null && reverse) {
                lower = NativeTracker.track(new Slice(start));
                readOptions.setIterateLowerBound(lower);
            }
            if (end != null) {
                upper = NativeTracker.track(new Slice(end));
                readOptions.setIterateUpperBound(upper);
            }
            it = NativeTracker.track(engine.db().newIterator(ks.handle, readOptions));
            RocksDbCursor c = new RocksDbCursor(engine, ks, ks.name(), view, start, end, reverse, scan.valueBytes(),
                    it, readOptions, lower, upper);
            ks.retainHandle(); // last: from here on close() releases it
            return c;
        } catch (RuntimeException | Error e) {
            closeQuietly(it, readOptions, lower, upper);
            throw e;
        }
    }

    @Override
    public boolean next() {
        requireOpen();
        if (failure != null) {
            throw failure;
        }
        if (state == DONE || iterator == null) {
            state = DONE;
            key = null;
            value = null;
            return false;
        }
        if (state == BEFORE) {
            position();
        } else if (reverse) {
            iterator.prev();
        } else {
            iterator.next();
        }
        value = null;
        if (iterator.isValid()) {
            state = ON_ENTRY;
            key = copyKey();
            return true;
        }
        state = DONE;
        key = null;
        try {
            iterator.status();
        } catch (RocksDBException e) {
            failure = engine.translate("scan of " + description(), e);
            throw failure;
        }
        return false;
    }

    /** Positions on the first entry at or after {@link #target} in the cursor's direction, within the range. */
    private void position() {
        byte[] t = target;
        target = null;
        if (!reverse) {
            if (t == null || (start != null && Arrays.compareUnsigned(t, start) <= 0)) {
                if (start == null) {
                    iterator.seekToFirst();
                } else {
                    iterator.seek(start); // no lower bound is set going forward (see open)
                }
            } else {
                iterator.seek(t); // past the upper bound it is simply not valid
            }
        } else {
            if (t == null || (end != null && Arrays.compareUnsigned(t, end) >= 0)) {
                iterator.seekToLast(); // honours the upper bound
            } else {
                iterator.seekForPrev(t); // below the lower bound it is simply not valid
            }
        }
    }

    @Override
    public byte[] key() {
        requireOpen();
        requireOnEntry();
        return key;
    }

    @Override
    public byte[] value() {
        requireOpen();
        requireOnEntry();
        if (value == null) {
            value = valueBytes == ScanSpec.FULL_VALUES ? copyValue() : valuePrefix();
        }
        return value;
    }

    /**
     * The current key, in a new array of its own. RocksJava's {@code key()} makes that array from native code
     * ({@code NewByteArray}, a slow path into the VM); copying the key into {@link #keyBuffer} through JNI and
     * then into a new array in Java is cheaper: key and value together, 35 ns or more less per entry of a
     * walk over 16-byte keys and 101-byte values (docs/performance.md, 2026-12-06).
     */
    private byte[] copyKey() {
        int length = iterator.key(keyBuffer);
        if (length <= keyBuffer.length) {
            return Arrays.copyOf(keyBuffer, length);
        }
        keyBuffer = grown(keyBuffer, length);
        return iterator.key(); // this once, at its exact size
    }

    /** The current value, in a new array of its own, the way {@link #copyKey()} copies the key. */
    private byte[] copyValue() {
        int length = iterator.value(valueBuffer);
        if (length <= valueBuffer.length) {
            return Arrays.copyOf(valueBuffer, length);
        }
        valueBuffer = grown(valueBuffer, length);
        return iterator.value();
    }

    /**
     * A buffer for entries of {@code length} bytes from now on: the next power of two at or above it, or the old
     * buffer if that would pass {@link #MAX_REUSED_BUFFER} (entries that large are copied out in one step).
     */
    private static byte[] grown(byte[] buffer, int length) {
        if (length > MAX_REUSED_BUFFER) {
            return buffer;
        }
        return new byte[Integer.highestOneBit(length - 1) << 1];
    }

    /**
     * The first {@link #valueBytes} bytes of the value, all of a shorter one: JNI copies no more. They go through
     * {@link #valueBuffer}, so a value shorter than the prefix (a keys-only scan's one-byte header) costs one
     * array, not a prefix-sized one and its trimmed copy.
     */
    private byte[] valuePrefix() {
        if (valueBuffer.length < valueBytes) {
            valueBuffer = grown(valueBuffer, valueBytes);
            if (valueBuffer.length < valueBytes) { // a prefix above MAX_REUSED_BUFFER: straight into its own array
                byte[] prefix = new byte[valueBytes];
                int length = iterator.value(prefix);
                return length < valueBytes ? Arrays.copyOf(prefix, length) : prefix;
            }
        }
        int length = iterator.value(valueBuffer, 0, valueBytes);
        return Arrays.copyOf(valueBuffer, Math.min(length, valueBytes));
    }

    @Override
    public void seek(byte[] k) {
        requireOpen();
        state = BEFORE;
        target = k;
        key = null;
        value = null;
        failure = null;
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private void requireOnEntry() {
        if (state != ON_ENTRY) {
            throw new IllegalStateException(this + " is not on an entry");
        }
    }

    @Override
    public void close() {
        if (markClosed()) {
            engine.closeCursor(this);
        }
    }

    /**
     * Turns later calls away.
     *
     * @return {@code true} the first time
     */
    boolean markClosed() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        key = null;
        value = null;
        return true;
    }

    /** Frees the native objects; the engine calls it once, after {@link #markClosed()}, with the database open. */
    void freeNatives() {
        try {
            closeQuietly(iterator, readOptions, lower, upper);
        } finally {
            if (keyspace != null) {
                keyspace.releaseHandle(); // after the iterator, which uses the handle
            }
        }
    }

    /** Frees the native objects in dependency order: the iterator before the options, the options before the slices. */
    private static void closeQuietly(RocksIterator it, ReadOptions ro, Slice lower, Slice upper) {
        if (it != null) {
            it.close();
        }
        if (ro != null) {
            ro.close();
        }
        if (lower != null) {
            lower.close();
        }
        if (upper != null) {
            upper.close();
        }
    }

    /**
     * A hash for the engine's set of open cursors, drawn at open: an identity hash costs a call into the VM the first
     * time an object is hashed, and every cursor is hashed once as it opens. Equality stays identity.
     */
    @Override
    public int hashCode() {
        return hash;
    }

    /** What the cursor walks, for messages: built only when one is needed, not at every open. */
    private String description() {
        return "keyspace '" + keyspaceName + "' of " + view.prefix + engine.path() + view.suffix;
    }

    /** Which view of the database a cursor reads, as its messages name it. */
    enum View {
        /** The database as the cursor opened. */
        LATEST("", ""),
        /** A snapshot. */
        SNAPSHOT("a snapshot of ", ""),
        /** The latest state, read by a batch's precondition. */
        PRECONDITION("", " (precondition check)");

        private final String prefix;
        private final String suffix;

        View(String prefix, String suffix) {
            this.prefix = prefix;
            this.suffix = suffix;
        }
    }

    @Override
    public String toString() {
        return "rocksdb cursor over " + description() + (reverse ? ", reverse" : "") + (closed.get() ? " (closed)" : "");
    }
}
