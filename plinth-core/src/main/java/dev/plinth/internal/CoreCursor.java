package dev.plinth.internal;

import dev.plinth.Cursor;
import dev.plinth.OpenResource;
import dev.plinth.ScanOptions;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.EntrySink;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The user's cursor: limit, keys-only, closed-state rules, leak tracking and, for serializable
 * transactions, a record of which key intervals were read. Not thread-safe, like the API it implements.
 *
 * <p>A cursor whose source is a fixed view (a cursor on the store reads the engine snapshot it opened)
 * may read ahead: when its entries run out it takes the next ones from the source in one call under the
 * store's guard (1, then 2, 4 and so on up to {@link #MAX_READ_AHEAD}, never past its limit) and hands
 * them out from memory, so the guard's two atomic updates are paid once per batch of entries rather than
 * once per entry. Entries read ahead are exactly those single steps would return, since the view does
 * not change; a failure met while reading ahead is thrown when the walk reaches it, after the entries
 * before it, and the walk may go on after a damaged value as before. Seeking drops what was read ahead.
 * Every call still checks first that neither the cursor nor the store is closed.
 *
 * <p>{@link #keyView()} and {@link #valueView()} lend the current entry through two buffers the cursor
 * owns, one for keys and one for values: each call copies the key, or the value without its stored
 * header, into the buffer's array (grown when an entry does not fit, and only then made anew) and returns
 * the same read-only view of it every time. A lent view so never aliases what the engine returned: the
 * engine's arrays (for {@code mem:}, the arrays the store holds) and the previous key the integrity check
 * compares the next one with stay out of the caller's reach, and a view kept past the next move, or past a
 * close on another thread, reads stale heap bytes, never freed or foreign memory. Per entry that is a copy
 * of its bytes into memory already in cache and no allocation, where {@link #key()} and {@link #value()}
 * make a new array each.
 *
 * <p>Over an engine cursor that lends its entries ({@link dev.plinth.spi.EngineCursor#lendsEntries()}, such
 * as LMDB's, whose entries live in its memory map), a store cursor reads ahead by being lent them: each is
 * checked in place (key order and range, value header and checksum, expiry) and then copied once into one
 * array the cursor owns and reuses, the <em>arena</em>, instead of into two new arrays per entry. From
 * there {@link #key()} and {@link #value()} copy into the caller's new arrays, and {@link #keyView()} and
 * {@link #valueView()} lend views of the arena itself, which keeps them out of the engine's memory: a view
 * kept too long reads stale heap bytes, never an unmapped page. A batch stops early once the arena holds
 * {@link #ARENA_BUDGET} bytes, so that large values do not make it grow by the batch.
 */
final class CoreCursor extends ResourceTracker.Tracked implements Cursor {
    /** Entries read ahead at most, per call under the guard; see the class documentation. */
    static final int MAX_READ_AHEAD = 32;
    /** Bytes of entries after which a lent batch stops early; a single larger entry still fits whole. */
    static final int ARENA_BUDGET = 64 << 10;
    /** What {@link #key} and {@link #value} hold while the current entry is in the arena. */
    private static final byte[] IN_ARENA = new byte[0];

    /** Told which intervals a cursor read, for phantom detection. */
    interface CoverageListener {
        /** The cursor read every entry of {@code [lo, hi)}; null bounds unbounded. */
        void covered(byte[] lo, byte[] hi);
    }

    /** Told when the cursor closes, by its user or by the store. */
    interface CloseListener {
        void closed(CoreCursor cursor);
    }

    private final CoreStore store;
    private final RawCursor raw;
    private final byte[] start;
    private final byte[] end;
    private final boolean reverse;
    private final boolean keysOnly;
    private final long limit;
    private final CoverageListener coverage;
    private final CloseListener onClose;

    /** Whether this cursor reads ahead: only over a fixed view. */
    private final boolean readAhead;
    /** Entries read ahead and not yet handed out, {@link #aheadIndex} to {@link #aheadSize}; made on first use. */
    private byte[][] aheadKeys;
    private byte[][] aheadValues;
    private int aheadIndex;
    private int aheadSize;
    /** How many entries the next read ahead takes. */
    private int aheadNext = 1;
    /** A failure met while reading ahead, thrown once the entries before it have been handed out. */
    private RuntimeException aheadFailure;
    /** Whether the source reported its end while reading ahead; the walk ends when the buffer is empty. */
    private boolean aheadAtEnd;

    /** Whether this cursor reads ahead by being lent entries into {@link #arena}; see the class documentation. */
    private final boolean lending;
    /** The entries read ahead while lending, one after another, each its key then its stored value. */
    private byte[] arena;
    private int arenaUsed;
    /** Read-only views over the arena that {@link #keyView()} and {@link #valueView()} lend. */
    private ByteBuffer arenaKeyView;
    private ByteBuffer arenaValueView;
    /** Per entry read ahead into the arena: where it starts, its key's length and its stored value's. */
    private int[] entryStart;
    private int[] keyLength;
    private int[] rawLength;
    /** The entry the cursor is on while lending (index into the arrays above). */
    private int current;
    /** The most entries the batch being lent may take. */
    private int lendWant;
    /** Takes lent entries into the arena; made once. */
    private EntrySink arenaSink;

    private long returned;
    private boolean exhausted;
    private byte[] key;
    private byte[] value;
    private boolean closed;
    private volatile boolean closedByStore;

    /** What {@link #keyView()} lends: the array it copies keys into and the read-only view over it; made on first use. */
    private byte[] lentKey;
    private ByteBuffer lentKeyView;
    /** What {@link #valueView()} lends, as for keys. */
    private byte[] lentValue;
    private ByteBuffer lentValueView;

    /** Coverage of the current run: its near bound (lower going forward, exclusive upper in reverse). */
    private byte[] runBound;
    private boolean runOpen;
    private byte[] lastKey;

    CoreCursor(CoreStore store, RawCursor raw, byte[] start, byte[] end, ScanOptions options,
               Supplier<String> description, CoverageListener coverage, CloseListener onClose) {
        this(store, raw, start, end, options, description, coverage, onClose, false);
    }

    /**
     * @param readAhead whether {@code raw} reads a view that never changes while the cursor is open, so
     *     that the cursor may read ahead of its user (see the class documentation)
     */
    CoreCursor(CoreStore store, RawCursor raw, byte[] start, byte[] end, ScanOptions options,
               Supplier<String> description, CoverageListener coverage, CloseListener onClose, boolean readAhead) {
        super(OpenResource.Kind.CURSOR, description, store.trackOrigins());
        this.readAhead = readAhead;
        this.store = store;
        this.raw = raw;
        this.start = start;
        this.end = end;
        this.reverse = options.isReverse();
        this.keysOnly = options.isKeysOnly();
        this.limit = options.limit();
        this.coverage = coverage;
        this.onClose = onClose;
        // Coverage keeps each returned key, which the arena would overwrite: lend only without it.
        this.lending = readAhead && coverage == null && raw.lendsEntries();
        startRun(reverse ? end : start);
    }

    @Override
    public boolean next() {
        checkUsable();
        if (exhausted || returned >= limit) {
            clearEntry();
            endRunAtLastKey();
            return false;
        }
        if (readAhead) {
            if (nextAhead()) {
                return true;
            }
        } else {
            store.guard().enter();
            try {
                if (raw.next()) {
                    key = raw.key();
                    value = raw.raw();
                    returned++;
                    lastKey = key;
                    return true;
                }
            } finally {
                store.guard().exit();
            }
        }
        clearEntry();
        exhausted = true;
        endRunAtRangeEdge();
        return false;
    }

    /**
     * Moves to the next entry read ahead, reading more first if none is left; {@code false} at the end of
     * the walk. Throws a failure met while reading ahead when the walk reaches it.
     */
    private boolean nextAhead() {
        if (aheadIndex == aheadSize) {
            if (aheadFailure != null) {
                RuntimeException e = aheadFailure;
                aheadFailure = null;
                throw e; // the entry before it stays current, as when a single step fails
            }
            if (aheadAtEnd) {
                return false;
            }
            fillAhead();
            if (aheadIndex == aheadSize) {
                return false;
            }
        }
        int i = aheadIndex++;
        if (lending) {
            current = i;
            key = IN_ARENA;
            value = IN_ARENA;
        } else {
            key = aheadKeys[i];
            value = aheadValues[i];
            aheadKeys[i] = null;
            aheadValues[i] = null;
        }
        returned++;
        lastKey = key;
        return true;
    }

    /**
     * Reads up to {@link #aheadNext} entries (never more than the limit leaves) in one call under the
     * guard. A failure after at least one entry is kept for {@link #nextAhead()}; before any, it is thrown.
     */
    private void fillAhead() {
        int want = (int) Math.min(aheadNext, limit - returned);
        aheadNext = Math.min(aheadNext * 2, MAX_READ_AHEAD);
        if (lending) {
            fillLent(want);
            return;
        }
        if (aheadKeys == null || aheadKeys.length < want) {
            int size = (int) Math.min(MAX_READ_AHEAD, limit - returned);
            aheadKeys = new byte[size][];
            aheadValues = new byte[size][];
        }
        aheadIndex = 0;
        aheadSize = 0;
        store.guard().enter();
        try {
            while (aheadSize < want) {
                byte[] key;
                byte[] value;
                try {
                    if (!raw.next()) {
                        aheadAtEnd = true;
                        return;
                    }
                    key = raw.key();
                    value = raw.raw();
                } catch (RuntimeException e) {
                    // The whole step, so that a failure never comes out ahead of entries read before it.
                    if (aheadSize == 0) {
                        throw e;
                    }
                    aheadFailure = e;
                    return;
                }
                aheadKeys[aheadSize] = key;
                aheadValues[aheadSize] = value;
                aheadSize++;
            }
        } finally {
            store.guard().exit();
        }
    }

    /** {@link #fillAhead()} over a cursor that lends: up to {@code want} entries copied into the arena. */
    private void fillLent(int want) {
        if (entryStart == null) {
            int size = (int) Math.min(MAX_READ_AHEAD, limit - returned);
            entryStart = new int[size];
            keyLength = new int[size];
            rawLength = new int[size];
            arenaSink = this::takeLent;
        }
        aheadIndex = 0;
        aheadSize = 0;
        arenaUsed = 0;
        lendWant = want;
        store.guard().enter();
        try {
            if (!raw.lend(arenaSink)) {
                aheadAtEnd = true;
            }
        } catch (RuntimeException e) {
            // The entry that failed was not taken; those before it were, and are handed out first.
            if (aheadSize == 0) {
                throw e;
            }
            aheadFailure = e;
        } finally {
            store.guard().exit();
        }
    }

    /**
     * The arena's sink: copies a checked, live entry in (a keys-only cursor only its key, as its value is
     * never asked for); asks for another while the batch has room.
     */
    private boolean takeLent(ByteBuffer k, ByteBuffer v) {
        int kl = k.remaining();
        int vl = keysOnly ? 0 : v.remaining();
        int at = arenaUsed;
        int needed = at + kl + vl;
        if (arena == null || arena.length < needed) {
            growArena(needed);
        }
        k.get(k.position(), arena, at, kl);
        v.get(v.position(), arena, at + kl, vl);
        int i = aheadSize++;
        entryStart[i] = at;
        keyLength[i] = kl;
        rawLength[i] = vl;
        arenaUsed = needed;
        return aheadSize < lendWant && arenaUsed < ARENA_BUDGET;
    }

    /** A larger arena, keeping the entries already in it, with new views over it. */
    private void growArena(int needed) {
        int size = Math.max(lentCapacity(needed), 4096);
        arena = arena == null ? new byte[size] : Arrays.copyOf(arena, size);
        arenaKeyView = ByteBuffer.wrap(arena).asReadOnlyBuffer();
        arenaValueView = ByteBuffer.wrap(arena).asReadOnlyBuffer();
    }

    /** Drops what was read ahead, for a seek or close. */
    private void dropAhead() {
        if (aheadKeys != null) {
            Arrays.fill(aheadKeys, null);
            Arrays.fill(aheadValues, null);
        }
        aheadIndex = 0;
        aheadSize = 0;
        aheadFailure = null;
        aheadAtEnd = false;
        aheadNext = 1;
    }

    @Override
    public byte[] key() {
        // Arrays.copyOf, not clone(): CPU profiles of store scans showed byte[].clone() here going through
        // the VM's generic JVM_Clone (a runtime call that makes handles) instead of an inline copy, for up to
        // an eighth of an LMDB scan; copyOf compiles to an allocation and an inline array copy.
        byte[] k = entryField(key);
        if (k == IN_ARENA) {
            int from = entryStart[current];
            return Arrays.copyOfRange(arena, from, from + keyLength[current]);
        }
        return Arrays.copyOf(k, k.length);
    }

    @Override
    public byte[] value() {
        byte[] v = entryField(value);
        if (keysOnly) {
            throw new IllegalStateException("cursor was opened keys-only; value() is not available");
        }
        if (v == IN_ARENA) {
            int from = entryStart[current] + keyLength[current];
            int length = rawLength[current];
            return Arrays.copyOfRange(arena, from + ValueCodec.valueOffset(arena, from, length), from + length);
        }
        return ValueCodec.decode(v);
    }

    @Override
    public ByteBuffer keyView() {
        byte[] k = entryField(key);
        if (k == IN_ARENA) {
            int from = entryStart[current];
            return arenaKeyView.limit(from + keyLength[current]).position(from);
        }
        if (lentKey == null || lentKey.length < k.length) {
            lentKey = new byte[lentCapacity(k.length)];
            lentKeyView = ByteBuffer.wrap(lentKey).asReadOnlyBuffer();
        }
        System.arraycopy(k, 0, lentKey, 0, k.length);
        return lentKeyView.limit(k.length).position(0);
    }

    @Override
    public ByteBuffer valueView() {
        byte[] v = entryField(value);
        if (keysOnly) {
            throw new IllegalStateException("cursor was opened keys-only; valueView() is not available");
        }
        if (v == IN_ARENA) {
            int from = entryStart[current] + keyLength[current];
            int length = rawLength[current];
            return arenaValueView.limit(from + length).position(from + ValueCodec.valueOffset(arena, from, length));
        }
        int offset = ValueCodec.valueOffset(v);
        int length = v.length - offset;
        if (lentValue == null || lentValue.length < length) {
            lentValue = new byte[lentCapacity(length)];
            lentValueView = ByteBuffer.wrap(lentValue).asReadOnlyBuffer();
        }
        System.arraycopy(v, offset, lentValue, 0, length);
        return lentValueView.limit(length).position(0);
    }

    /** The size of a lent buffer that must hold {@code length} bytes: 64 at least, else the next power of two. */
    private static int lentCapacity(int length) {
        if (length <= 64) {
            return 64;
        }
        int power = Integer.highestOneBit(length - 1) << 1;
        return power > 0 ? power : length;
    }

    /** The stored form of the current value; for the core's own scans, which do not read keys only. */
    byte[] rawValue() {
        byte[] v = entryField(value);
        if (v == IN_ARENA) {
            int from = entryStart[current] + keyLength[current];
            return Arrays.copyOfRange(arena, from, from + rawLength[current]);
        }
        return v;
    }

    /**
     * A field of the current entry, read once: a snapshot's or the store's close, on another thread, may
     * clear the entry meanwhile (the only cross-thread call a cursor gets), and then this refuses as a closed
     * cursor does rather than failing on a cleared field.
     */
    private byte[] entryField(byte[] field) {
        checkOnEntry();
        if (field == null) {
            checkUsable();
            throw new IllegalStateException("cursor was closed while on an entry");
        }
        return field;
    }

    @Override
    public void seek(byte[] requested) {
        Objects.requireNonNull(requested, "key");
        checkUsable();
        // A copy: engines keep the target until the next move (the lazy positioning of RocksDB and LMDB
        // cursors), and the coverage of a serializable transaction keeps it as an interval bound; the
        // caller may change its array as soon as this returns.
        byte[] target = requested.clone();
        endRunAtLastKey();
        dropAhead();
        store.guard().enter();
        try {
            raw.seek(target);
        } finally {
            store.guard().exit();
        }
        clearEntry();
        exhausted = false;
        byte[] bound;
        if (reverse) {
            byte[] succ = Bytes.successor(target);
            bound = end != null && Bytes.compare(succ, end) > 0 ? end : succ;
        } else {
            bound = start != null && Bytes.compare(target, start) < 0 ? start : target;
        }
        startRun(bound);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        endRunAtLastKey();
        clearEntry();
        dropAhead();
        if (closedByStore) {
            return;
        }
        try {
            store.guard().enter();
        } catch (StoreClosedException e) {
            return; // the closing store closes the raw cursor and untracks this one
        }
        try {
            raw.close();
        } finally {
            store.guard().exit();
            onClose.closed(this);
        }
    }

    @Override
    void closeForStore() {
        closedByStore = true;
        try {
            raw.close();
        } finally {
            onClose.closed(this);
        }
    }

    private void checkUsable() {
        if (closedByStore || store.guard().isClosed()) {
            throw new StoreClosedException("store " + store.uri() + " is closed; its cursors are closed");
        }
        if (closed) {
            throw new IllegalStateException("cursor is closed");
        }
    }

    private void checkOnEntry() {
        checkUsable();
        if (key == null) {
            throw new IllegalStateException("cursor is not on an entry: call next() and check that it returned true");
        }
    }

    private void clearEntry() {
        key = null;
        value = null;
    }

    private void startRun(byte[] bound) {
        runBound = bound;
        runOpen = true;
        lastKey = null;
    }

    /** The run ends where the cursor stands: everything from its start to the last key returned was read. */
    private void endRunAtLastKey() {
        if (!runOpen) {
            return;
        }
        runOpen = false;
        if (coverage == null || lastKey == null) {
            return;
        }
        if (reverse) {
            coverage.covered(lastKey, runBound);
        } else {
            coverage.covered(runBound, Bytes.successor(lastKey));
        }
    }

    /** The run reached the edge of the range: everything from its start to that edge was read. */
    private void endRunAtRangeEdge() {
        if (!runOpen) {
            return;
        }
        runOpen = false;
        if (coverage == null) {
            return;
        }
        if (reverse) {
            coverage.covered(start, runBound);
        } else {
            coverage.covered(runBound, end);
        }
    }
}
