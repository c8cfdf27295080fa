package dev.plinth.raftlog.internal;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.StoreClosedException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.LogReader;
import java.nio.ByteBuffer;

/**
 * A {@link LogReader} over a store cursor. Not thread safe. The cursor is opened by
 * {@link StoreRaftStorage#entries} while the group's monitor is held, right after the range was checked against the
 * group's bounds, so it reads the one view of the store (a cursor's snapshot) in which the log held that range: a
 * truncate, replace or purge made later is invisible to it. The reader checks that the cursor yields exactly the
 * indexes asked for, so a store that lacks some of them shows up as an exception, never as a silently short read:
 * a missing prefix or suffix of the range (removed outside this storage before the reader was created) is a
 * {@link LogIndexOutOfRangeException}, an index missing between two the view holds a {@link CorruptionException}.
 * It reads each entry from the views the cursor lends ({@link Cursor#keyView()}, {@link Cursor#valueView()}) and
 * checks it and its place in the budget before it allocates anything: the entry's payload, copied once, and the
 * entry are the only objects this reader makes per entry. What the store's cursor makes beneath it is the engine's:
 * the core copies each entry into buffers the cursor reuses, from an engine that lends it ({@code lsm:},
 * {@code lmdb:}) or from the arrays {@code mem:} stores; {@code rocksdb:}'s cursor makes a new key and value array
 * per entry across JNI, and {@code lsm:}'s may allocate as it reads its tables (docs/raftlog.md).
 */
final class StoreLogReader implements LogReader {
    private final StoreRaftStorage owner;
    private final long group;
    private final long fromInclusive;
    private final long toExclusive;
    private final ReadBudget budget;
    private final Cursor cursor;
    private long nextIndex;
    private LogEntry current;
    private boolean done;
    private boolean closed;

    /**
     * @param cursor the cursor over {@code fromInclusive .. toExclusive - 1}, opened with the group's monitor held,
     *               or null when the range is empty; the reader closes it
     */
    StoreLogReader(StoreRaftStorage owner, long group, long fromInclusive, long toExclusive, long maxBytes,
                   Cursor cursor) {
        this.owner = owner;
        this.cursor = cursor;
        this.group = group;
        this.fromInclusive = fromInclusive;
        this.nextIndex = fromInclusive;
        this.toExclusive = toExclusive;
        this.budget = new ReadBudget(maxBytes);
        this.done = fromInclusive == toExclusive;
    }

    @Override
    public boolean next() {
        if (closed || owner.isClosedForReaders()) {
            throw new StoreClosedException("This log reader of group " + group + " or its Raft storage was closed.");
        }
        current = null;
        if (done) {
            return false;
        }
        if (!cursor.next()) {
            throw missing();
        }
        // The cursor lends its key and value; each is read in place and the payload copied once, into the entry.
        long found = StoreRaftStorage.keyIndex(group, nextIndex, cursor.keyView());
        if (found != nextIndex) {
            if (nextIndex == fromInclusive && found > nextIndex) {
                throw missing();
            }
            // Within one view a truncate or purge removes a suffix or a prefix, never the middle: this is damage.
            throw new CorruptionException("The stored log of group " + group + " on " + owner.storeUri()
                    + " has a gap: its reader expected index " + nextIndex + " after index " + (nextIndex - 1)
                    + " and found index " + found + ".");
        }
        ByteBuffer value = cursor.valueView();
        long term = StoreRaftStorage.checkedTerm(group, nextIndex, value);
        if (!budget.admit(StoreRaftStorage.payloadSize(value))) {
            done = true;
            return false;
        }
        current = StoreRaftStorage.entryOf(nextIndex, term, value);
        nextIndex++;
        done = nextIndex == toExclusive;
        return true;
    }

    /**
     * The store's view lacks an index the group's bounds held when the reader was created: the entries were
     * truncated or purged in the store before the cursor was opened, by something other than this log's calls on the
     * group (which hold its monitor).
     */
    private LogIndexOutOfRangeException missing() {
        return new LogIndexOutOfRangeException("Group " + group + " on " + owner.storeUri() + " has no entry at index "
                + nextIndex + " in the view of the store its reader was opened on: it was truncated or purged there"
                + " before the reader was created.");
    }

    @Override
    public LogEntry entry() {
        if (current == null) {
            throw new IllegalStateException("There is no current entry: call next() and check that it returned true.");
        }
        return current;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (cursor != null) {
                cursor.close();
            }
        }
    }
}
