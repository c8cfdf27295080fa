package dev.plinth.raftlog.internal;

import dev.plinth.StoreClosedException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.LogReader;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * A {@link LogReader} that reads entry by entry through a point read, for logs that keep every entry's position
 * in memory (the segmented and shared logs). Not thread safe. An index truncated or purged while it reads shows
 * up as a {@link LogIndexOutOfRangeException}, never as a silently short read.
 */
public final class PointLogReader implements LogReader {
    private final long group;
    private final long toExclusive;
    private final LongFunction<LogEntry> read;
    private final BooleanSupplier logClosed;
    private final ReadBudget budget;
    private long next;
    private LogEntry current;
    private boolean done;
    private boolean closed;

    /**
     * Creates a reader of {@code fromInclusive .. toExclusive - 1}; the caller has checked the range.
     *
     * @param group         the group, for messages
     * @param fromInclusive the first index
     * @param toExclusive   one past the last index
     * @param maxBytes      the payload budget
     * @param read          reads one entry, throwing {@link LogIndexOutOfRangeException} if it is not held
     * @param logClosed     whether the log was closed
     */
    public PointLogReader(long group, long fromInclusive, long toExclusive, long maxBytes, LongFunction<LogEntry> read,
                          BooleanSupplier logClosed) {
        this.group = group;
        this.next = fromInclusive;
        this.toExclusive = toExclusive;
        this.read = read;
        this.logClosed = logClosed;
        this.budget = new ReadBudget(maxBytes);
        this.done = fromInclusive == toExclusive;
    }

    @Override
    public boolean next() {
        if (closed || logClosed.getAsBoolean()) {
            throw new StoreClosedException("This log reader of group " + group + " or its log was closed.");
        }
        current = null;
        if (done) {
            return false;
        }
        LogEntry e;
        try {
            e = read.apply(next);
        } catch (LogIndexOutOfRangeException gone) {
            throw new LogIndexOutOfRangeException("Group " + group + " no longer holds index " + next
                    + ": it was truncated or purged while being read.");
        }
        if (!budget.admit(e.size())) {
            done = true;
            return false;
        }
        next++;
        done = next == toExclusive;
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
        closed = true;
    }
}
