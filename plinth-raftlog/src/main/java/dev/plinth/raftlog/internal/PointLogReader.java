package dev.plinth.raftlog.internal;

import dev.plinth.StoreClosedException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.LogReader;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A {@link LogReader} for logs that keep every entry's position in memory (the segmented and shared logs): it
 * reads runs of consecutive entries, each with one file read ({@link EntryRuns}) into the thread's read buffer
 * ({@link RunBuffer}), and returns them one by one. Not thread safe.
 *
 * <p>An entry read ahead is returned only if the group's version is still the one the run was read at: the
 * version changes whenever an entry the group holds may change or go (a truncate, replace, purge or reset, or a
 * failure), and then the reader drops what it read ahead and reads again from the next index. So an index
 * truncated or purged while it reads shows up as a {@link LogIndexOutOfRangeException}, never as a silently
 * short or stale read. Appends do not change the version: they change no entry held.
 *
 * <p>The run asked for is bounded by the byte budget left (in stored bytes, which are never more than the payload
 * bytes), so a read stops reading ahead where the budget would end it; the budget itself is applied entry by
 * entry to the payloads, as {@link dev.plinth.raftlog.LogStore#entries} says.
 */
public final class PointLogReader implements LogReader {

    /** Reads a run of entries of one group. */
    @FunctionalInterface
    public interface RunRead {
        /**
         * Reads entries from {@code fromInclusive} on, at least that one.
         *
         * @param fromInclusive the first index
         * @param toExclusive   one past the last index wanted
         * @param maxStored     the most stored bytes wanted (the first entry is read whatever its size)
         * @return the entries read and the group's version when they were read
         * @throws LogIndexOutOfRangeException if {@code fromInclusive} is not held
         */
        EntryRuns.Run read(long fromInclusive, long toExclusive, long maxStored);
    }

    private final long group;
    private final long toExclusive;
    private final RunRead read;
    private final LongSupplier version;
    private final BooleanSupplier logClosed;
    private final long maxBytes;
    private final ReadBudget budget;
    private long used;
    private long next;
    private LogEntry[] ahead = new LogEntry[0];
    private int aheadAt;
    private long aheadVersion;
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
     * @param read          reads a run of entries, throwing {@link LogIndexOutOfRangeException} if the first is
     *                      not held
     * @param version       the group's version now (see above)
     * @param logClosed     whether the log was closed
     */
    public PointLogReader(long group, long fromInclusive, long toExclusive, long maxBytes, RunRead read,
                          LongSupplier version, BooleanSupplier logClosed) {
        this.group = group;
        this.next = fromInclusive;
        this.toExclusive = toExclusive;
        this.read = read;
        this.version = version;
        this.logClosed = logClosed;
        this.maxBytes = maxBytes;
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
        if (aheadAt < ahead.length && version.getAsLong() == aheadVersion) {
            e = ahead[aheadAt++];
        } else {
            EntryRuns.Run run;
            try {
                run = read.read(next, toExclusive, Math.max(0, maxBytes - used));
            } catch (LogIndexOutOfRangeException gone) {
                throw new LogIndexOutOfRangeException("Group " + group + " no longer holds index " + next
                        + ": it was truncated or purged while being read.");
            }
            ahead = run.entries();
            aheadVersion = run.version();
            aheadAt = 1;
            e = ahead[0];
        }
        if (!budget.admit(e.size())) {
            done = true;
            ahead = new LogEntry[0];
            return false;
        }
        used += e.size();
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
        ahead = new LogEntry[0];
    }
}
