package dev.plinth.raftlog.internal;

import dev.plinth.Cursor;
import dev.plinth.StoreClosedException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.LogReader;

/**
 * A {@link LogReader} over a store cursor. Not thread safe. It checks that the cursor yields exactly the indexes
 * asked for, so a concurrent truncate or purge shows up as an exception, never as a silently short read.
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
        LogEntry e = StoreRaftStorage.decode(group, cursor.key(), cursor.value());
        if (e.index() != nextIndex) {
            throw new LogIndexOutOfRangeException("Group " + group + " no longer holds index " + nextIndex
                    + ": it was truncated or purged while being read.");
        }
        if (!budget.admit(e.size())) {
            done = true;
            return false;
        }
        nextIndex++;
        done = nextIndex == toExclusive;
        current = e;
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
