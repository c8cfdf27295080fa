package dev.plinth.raftlog.internal;

import dev.plinth.LimitExceededException;
import dev.plinth.raftlog.LogContinuityException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.RaftLogs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** The argument checks every {@link dev.plinth.raftlog.LogStore} implementation makes before changing anything. */
public final class LogChecks {
    private LogChecks() {
    }

    /**
     * Checks that entries continue a log whose next index is {@code nextIndex} and whose previous term is
     * {@code prevTerm}.
     *
     * @throws LogContinuityException if not
     */
    public static void requireContinues(long group, long nextIndex, long prevTerm, List<LogEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        long expect = nextIndex;
        long term = prevTerm;
        for (LogEntry e : entries) {
            Objects.requireNonNull(e, "entry");
            if (e.index() != expect) {
                throw new LogContinuityException("Group " + group + " expected an entry at index " + expect
                        + " but was given index " + e.index() + "; entries must be contiguous with the log.");
            }
            if (e.term() < term) {
                throw new LogContinuityException("Group " + group + " was given term " + e.term() + " at index "
                        + e.index() + ", lower than the term " + term + " before it; terms must not fall.");
            }
            term = e.term();
            expect++;
        }
    }

    /**
     * Checks that {@code fromInclusive} is where a truncate or replace may start.
     *
     * @throws LogIndexOutOfRangeException if it is purged or beyond {@code last + 1}
     */
    public static void requireSuffixStart(long group, long fromInclusive, long first, long last, String op) {
        if (fromInclusive < first || fromInclusive > last + 1) {
            throw new LogIndexOutOfRangeException("Group " + group + " cannot " + op + " from index " + fromInclusive
                    + ": it must be between the first index " + first + " and one past the last index " + last
                    + " (both inclusive).");
        }
    }

    /** Checks that an index is held. */
    public static void requireHeld(long group, long index, long first, long last) {
        if (index < first || index > last) {
            throw new LogIndexOutOfRangeException("Group " + group + " holds no entry at index " + index
                    + (index < first ? ": it was purged" : ": it is beyond the last entry")
                    + "; the log holds indexes " + first + " to " + last + " (both inclusive).");
        }
    }

    /** Checks a read range. */
    public static void requireReadRange(long group, long fromInclusive, long toExclusive, long maxBytes,
                                        long first, long last) {
        if (fromInclusive > toExclusive) {
            throw new IllegalArgumentException("Group " + group + " was asked for the inverted range from "
                    + fromInclusive + " (inclusive) to " + toExclusive + " (exclusive).");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("The byte budget must not be negative, but it was " + maxBytes + ".");
        }
        if (fromInclusive == toExclusive && fromInclusive >= first && fromInclusive <= last + 1) {
            return;
        }
        if (fromInclusive < first || toExclusive > last + 1) {
            throw new LogIndexOutOfRangeException("Group " + group + " cannot read from " + fromInclusive
                    + " (inclusive) to " + toExclusive + " (exclusive): the log holds indexes " + first + " to "
                    + last + " (both inclusive).");
        }
    }

    /** Checks a term lookup. */
    public static void requireTermIndex(long group, long index, long first, long last) {
        if (index < first - 1 || index > last) {
            throw new LogIndexOutOfRangeException("Group " + group + " knows no term for index " + index
                    + ": it knows the purge boundary " + (first - 1) + " and the entries up to " + last
                    + " (both inclusive).");
        }
    }

    /**
     * Checks a key of a group's key-value area.
     *
     * @throws IllegalArgumentException if it is empty or longer than {@link dev.plinth.raftlog.MetaStore#MAX_KEY_BYTES}
     */
    public static void requireMetaKey(String key) {
        Objects.requireNonNull(key, "key");
        int n = key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (n == 0 || n > dev.plinth.raftlog.MetaStore.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("A meta key must have 1 to " + dev.plinth.raftlog.MetaStore.MAX_KEY_BYTES
                    + " UTF-8 bytes, but '" + key + "' has " + n + ".");
        }
    }

    /**
     * Checks that the entries of one call fit the logs of our own, before anything is encoded or queued: counted
     * as {@link RaftLogs#MAX_BATCH_BYTES} says, on the payloads as given (a compressed payload is never stored
     * larger), so the answer does not depend on compression.
     *
     * @param group   the group
     * @param entries the entries of the call
     * @param op      what the call does, for the message ("append", "replace entries")
     * @param log     names the log, for the message
     * @throws LimitExceededException if they do not fit; nothing has changed
     */
    public static void requireEntriesFit(long group, List<LogEntry> entries, String op, Supplier<String> log) {
        long bytes = 0;
        for (LogEntry e : entries) {
            bytes += (long) e.size() + RaftLogs.ENTRY_OVERHEAD_BYTES;
        }
        if (bytes > RaftLogs.MAX_BATCH_BYTES) {
            throw new LimitExceededException(LimitExceededException.Limit.BATCH_BYTES, bytes, RaftLogs.MAX_BATCH_BYTES,
                    op + " of " + entries.size() + " entries to group " + group + " of " + log.get() + ", refused "
                            + "before anything was written: each entry counts its payload and "
                            + RaftLogs.ENTRY_OVERHEAD_BYTES + " bytes; split the batch");
        }
    }

    /**
     * Checks that a group's key-value area, as a change would leave it, fits the logs of our own (counted as
     * {@link RaftLogs#MAX_BATCH_BYTES} says): the area is written whole.
     *
     * @param group the group
     * @param key   the key being put, for the message
     * @param area  the area as the change would leave it
     * @param log   names the log, for the message
     * @throws LimitExceededException if it does not fit; nothing has changed
     */
    public static void requireMetaFits(long group, String key, Map<String, byte[]> area, Supplier<String> log) {
        long bytes = 0;
        for (Map.Entry<String, byte[]> e : area.entrySet()) {
            bytes += (long) e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length
                    + RaftLogs.ENTRY_OVERHEAD_BYTES;
        }
        if (bytes > RaftLogs.MAX_BATCH_BYTES) {
            throw new LimitExceededException(LimitExceededException.Limit.BATCH_BYTES, bytes, RaftLogs.MAX_BATCH_BYTES,
                    "put of key '" + key + "' to group " + group + " of " + log.get() + ", refused before anything "
                            + "was written: a group's key-value area is written whole, each key and value with "
                            + RaftLogs.ENTRY_OVERHEAD_BYTES + " bytes more, and with this value it would be too large");
        }
    }

    /** Checks the arguments of a reset. */
    public static void requireResetArgs(long boundaryIndex, long boundaryTerm) {
        if (boundaryIndex < 0 || boundaryTerm < 0) {
            throw new IllegalArgumentException("A reset boundary must have an index and term of at least 0, but was ("
                    + boundaryIndex + ", " + boundaryTerm + ").");
        }
    }
}
