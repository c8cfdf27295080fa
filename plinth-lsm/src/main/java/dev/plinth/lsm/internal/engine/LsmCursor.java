package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EntrySink;
import dev.plinth.spi.LentBytes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * A walk over {@code [start, end)} of one keyspace at one sequence number, over the {@link ReadView} it
 * opened on: it merges the versions of every structure, takes for each key the newest one at or below
 * its sequence number, and skips deletes and keys a range delete hides. Not thread-safe.
 *
 * <p>Forward it works on the merged walk's entries in place ({@link EntryIterator#keyArray()} and the rest),
 * so stepping makes no object for a table's entry: the key it lands on is copied into a buffer of its own (to
 * tell that key's older versions, which follow, from the next key), and {@link #next()} then copies key and
 * value into new arrays (a memtable entry's too, which it once returned as they were), while
 * {@link #lend(EntrySink)} hands the sink that key buffer and the value where it lies, both read-only: in a
 * table's block (one view per block: a cached block, or the table's mapping, whose CRC32C was checked as the
 * walk entered the block), or in the memtable's entry (one buffer object per entry, over the entry's array).
 * The view the cursor holds keeps every table it walks open, and so mapped, until the cursor closes, so a
 * lent value never lies in memory that is gone during the sink's call. With more than
 * {@link #FEW_TOMBSTONES} range deletes over its range the cursor looks each key it lands on up in every
 * structure's range deletes, with a copy of the key. In reverse a key's versions come oldest first, so the
 * walk passes the one it lands on before it knows it is the newest it may see: it keeps that version as an
 * {@link Entry} (a reverse table walk makes one per version anyway) and lends its value from there, through
 * a read-only buffer made per entry; {@link #next()} copies its key and value.
 */
final class LsmCursor implements EngineCursor {
    /** Up to this many range deletes over the cursor's range are checked one by one for each key. */
    private static final int FEW_TOMBSTONES = 8;

    private final ReadView view;
    private final int ks;
    private final byte[] start;
    private final byte[] end;
    private final boolean reverse;
    private final long seq;
    private final List<RangeTombstone> tombstones;
    private final String what;
    private Runnable onClose;
    private EntryIterator it;
    /** The key the walk is on (its first {@link #foundLength} bytes), copied out of the merged walk; reused. */
    private byte[] found = new byte[64];
    private int foundLength;
    /**
     * Lends {@link #found}, read-only (a sink that wrote to it would change the key whose older versions the
     * cursor then skips); made anew only when that grows.
     */
    private ByteBuffer foundView = ByteBuffer.wrap(found).asReadOnlyBuffer();
    /**
     * Forward: whether the merged walk is on the version of {@link #found} the cursor landed on, older ones
     * after it.
     */
    private boolean onFound;
    /** Forward: whether the walk has reached the start bound (from then on every key is at or after it). */
    private boolean pastStart;
    /**
     * Forward: whether {@link #found} holds a key the walk passed since it opened or was sought (then every key
     * after it in the walk is compared with it).
     */
    private boolean haveFound;
    /** Forward: whether {@link #found} is at or after the start bound. */
    private boolean foundInRange;
    /**
     * Forward, with an end bound: where {@link #found}, which is before the bound, first differs from it
     * ({@link Arrays#mismatch}), or -1 when not known. A key that agrees with {@link #found} past that position
     * agrees with it there too, and so is before the bound as well: no comparison with the bound is needed.
     */
    private int endDiffers = -1;
    /**
     * Reverse: the version the cursor landed on. A reverse walk meets a key's versions oldest first, so it
     * knows which is the newest it may see only once past them; a reverse table walk makes its entries as
     * {@link Entry} objects anyway (see {@code TableIterator}), and this one is kept.
     */
    private Entry chosen;
    /** What {@link #next()} landed on, as new arrays; {@code null} when not on an entry. */
    private byte[] key;
    private byte[] value;
    private boolean closed;

    LsmCursor(ReadView view, int ks, byte[] start, byte[] end, boolean reverse, long seq, String what, Runnable onClose) {
        this.view = view;
        this.ks = ks;
        this.start = start;
        this.end = end;
        this.reverse = reverse;
        this.seq = seq;
        this.what = what;
        this.onClose = onClose;
        this.tombstones = view.tombstones(ks, start, end, seq);
        this.it = view.entries(ks, reverse ? end : start, reverse);
    }

    @Override
    public boolean next() {
        requireOpen();
        key = null;
        value = null;
        if (!advance()) {
            return false;
        }
        byte[] v;
        if (reverse) {
            byte[] cv = chosen.value(); // the version kept, whose array a memtable entry may hold: copied
            v = cv == null ? new byte[0] : cv.clone();
        } else {
            try {
                ByteBuffer lent = it.valueView();
                v = new byte[lent.remaining()];
                lent.get(lent.position(), v);
            } catch (InternalError e) {
                throw it.valueReadFailed(e);
            }
        }
        key = Arrays.copyOf(found, foundLength);
        value = v;
        return true;
    }

    /** Lends natively: the key from the cursor's own buffer, the value where it lies (see the class). */
    @Override
    public boolean lendsEntries() {
        return true;
    }

    /**
     * Lends each entry after the position: the same entries {@link #next()} would land on, with no copy of the
     * value and one of the key into the cursor's buffer. A fault of a table's mapping met while the sink reads
     * a value is reported as that table's read failing ({@link EntryIterator#valueReadFailed}).
     */
    @Override
    public boolean lend(EntrySink sink) {
        requireOpen();
        key = null;
        value = null;
        while (advance()) {
            ByteBuffer v = foundValue();
            ByteBuffer k = foundView;
            k.limit(foundLength).position(0);
            boolean more;
            try {
                more = sink.entry(k, v);
            } catch (InternalError e) {
                throw it.valueReadFailed(e);
            }
            if (!more) {
                return true;
            }
        }
        return false;
    }

    /**
     * Moves the merged walk past the versions of the key the cursor was on, then to the newest version at or
     * below the cursor's sequence number of the next key in range that is a put no range delete hides; copies
     * that key into {@link #found}.
     *
     * @return {@code false} at the end of the walk or its bound
     */
    private boolean advance() {
        chosen = null;
        if (!reverse) {
            return advanceForward();
        }
        while (it.onEntry()) {
            byte[] ka = it.keyArray();
            int ko = it.keyOffset();
            int kl = it.keyLength();
            if (start != null && Arrays.compareUnsigned(ka, ko, ko + kl, start, 0, start.length) < 0) {
                return false;
            }
            boolean inRange = end == null || Arrays.compareUnsigned(ka, ko, ko + kl, end, 0, end.length) < 0;
            if (found.length < kl) {
                found = new byte[Math.max(kl, 2 * found.length)];
                foundView = ByteBuffer.wrap(found).asReadOnlyBuffer();
            }
            System.arraycopy(ka, ko, found, 0, kl);
            foundLength = kl;
            // Versions come oldest first: the last at or below the cursor's sequence number is the one.
            Entry newest = null;
            for (; onFoundKey(); it.next()) {
                Entry e = it.current();
                if (e.seq() <= seq && (newest == null || e.seq() > newest.seq())) {
                    newest = e;
                }
            }
            if (inRange && newest != null && newest.kind() == Kind.PUT && !hidden(newest.seq())) {
                chosen = newest;
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #advance()} forward, with one comparison per entry the walk passes: where its key first differs
     * from {@link #found} ({@link LentBytes#mismatch}, inline eight bytes at a time) tells whether it is another
     * version of that key and, since {@link #found} is before the end bound, often that it is before the bound too
     * (see {@link #endDiffers}), so that the bound is compared with only when that cannot tell; and only the bytes
     * from that position on are copied into {@link #found}.
     */
    private boolean advanceForward() {
        EntryIterator walk = it;
        // Whether the walk is past the version of found the cursor returned or passed over: found's other
        // versions are skipped. Otherwise, with haveFound, it looks for found's newest version at or below seq.
        boolean skipping = onFound;
        if (onFound) {
            onFound = false;
            walk.next();
        }
        while (walk.onEntry()) {
            byte[] ka = walk.keyArray();
            int ko = walk.keyOffset();
            int kl = walk.keyLength();
            int differs = haveFound ? LentBytes.mismatch(ka, ko, ko + kl, found, 0, foundLength) : 0;
            if (differs < 0) {
                if (skipping) {
                    walk.next();
                    continue;
                }
            } else {
                // Another key: its first `differs` bytes are found's.
                if (end != null) {
                    if (haveFound && endDiffers >= 0 && differs > endDiffers) {
                        // it agrees with found up to and past where found is below the bound: below it too
                    } else {
                        if (Arrays.compareUnsigned(ka, ko, ko + kl, end, 0, end.length) >= 0) {
                            return false;
                        }
                        endDiffers = Arrays.mismatch(ka, ko, ko + kl, end, 0, end.length);
                    }
                }
                // Forward, keys only grow: once one is at or after the start, every later one is.
                foundInRange = pastStart || (pastStart = start == null
                        || Arrays.compareUnsigned(ka, ko, ko + kl, start, 0, start.length) >= 0);
                if (found.length < kl) {
                    found = new byte[Math.max(kl, 2 * found.length)];
                    foundView = ByteBuffer.wrap(found).asReadOnlyBuffer();
                    differs = 0;
                }
                System.arraycopy(ka, ko + differs, found, differs, kl - differs);
                foundLength = kl;
                haveFound = true;
                skipping = false;
            }
            // On a version of found not yet judged; versions come newest first, and those newer than the
            // cursor's sequence number are not its to see.
            long version = walk.seq();
            if (version <= seq) {
                if (foundInRange && walk.kind() == Kind.PUT && !hidden(version)) {
                    onFound = true;
                    return true;
                }
                skipping = true;
            }
            walk.next();
        }
        return false;
    }

    /**
     * The value of the entry {@link #advance()} landed on: forward where it lies in the merged walk's source,
     * in reverse that of the {@link #chosen} entry.
     */
    private ByteBuffer foundValue() {
        if (!reverse) {
            return it.valueView();
        }
        return EntryIterator.readOnlyView(chosen.value()); // a memtable's entry may hold the array
    }

    /** Whether the merged walk is on a version of {@link #found}. */
    private boolean onFoundKey() {
        if (!it.onEntry()) {
            return false;
        }
        int ko = it.keyOffset();
        return Arrays.equals(it.keyArray(), ko, ko + it.keyLength(), found, 0, foundLength);
    }

    /** Whether a range delete newer than {@code version} (and not newer than the cursor) hides {@link #found}. */
    private boolean hidden(long version) {
        if (tombstones.isEmpty()) {
            return false;
        }
        if (tombstones.size() > FEW_TOMBSTONES) {
            // each structure's deletes looked up by key
            return view.coveredAfter(ks, Arrays.copyOf(found, foundLength), version, seq);
        }
        for (RangeTombstone t : tombstones) {
            if (t.seq() > version && t.covers(ks, found, foundLength)) {
                return true;
            }
        }
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

    /**
     * Re-positions the walk it has open (see {@link EntryIterator#seek}): the same view, sequence number and
     * range deletes, each memtable and table run moved to the target rather than a new merge opened.
     */
    @Override
    public void seek(byte[] target) {
        requireOpen();
        key = null;
        value = null;
        onFound = false;
        pastStart = false;
        haveFound = false;
        endDiffers = -1;
        byte[] from;
        if (!reverse) {
            from = start != null && Arrays.compareUnsigned(target, start) < 0 ? start : target;
        } else {
            from = end != null && Arrays.compareUnsigned(target, end) >= 0 ? end : target;
        }
        it.seek(from);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    private void requirePositioned() {
        if (key == null) {
            throw new IllegalStateException(what + " is not on an entry");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        it.close();
        key = null;
        value = null;
        Runnable r = onClose;
        onClose = null;
        if (r != null) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return what + (closed ? " (closed)" : "");
    }
}
