package dev.plinth.raftlog.internal;

import dev.plinth.Cursor;
import dev.plinth.StoreClosedException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.LogReader;
import java.nio.ByteBuffer;

/**
 * A {@link LogReader} over a store cursor. Not thread safe. It checks that the cursor yields exactly the indexes
 * asked for, so a concurrent truncate or purge shows up as an exception, never as a silently short read. It reads
 * each entry from the views the cursor lends ({@link Cursor#keyView()}, {@link Cursor#valueView()}) and checks it
 * and its place in the budget before it allocates anything: the entry's payload, copied once, and the entry are the
 * only objects made per entry.
 */
final class StoreLogReader implements LogReader {
    private final StoreRaftStorage owner;
    private final long group;
    private final long toExclusive;
    private final ReadBudget budget;
    private Cursor cursor;
    private long nextIndex;
    private LogEntry current;
    private boolean done;
    private boolean closed;

    StoreLogReader(StoreRaftStorage owner, long group, long fromInclusive, long toExclusive, long maxBytes) {
        this.owner = owner;
        this.group = group;
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
        if (cursor == null) {
            cursor = owner.entryCursor(group, nextIndex, toExclusive);
        }
        if (!cursor.next()) {
            throw new LogIndexOutOfRangeException("Group " + group + " no longer holds index " + nextIndex
                    + ": it was truncated or purged while being read.");
        }
        // The cursor lends its key and value; each is read in place and the payload copied once, into the entry.
        if (StoreRaftStorage.keyIndex(group, cursor.keyView()) != nextIndex) {
            throw new LogIndexOutOfRangeException("Group " + group + " no longer holds index " + nextIndex
                    + ": it was truncated or purged while being read.");
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
