package dev.plinth.raftlog.internal;

import dev.plinth.raftlog.LogContinuityException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import java.util.List;
import java.util.Objects;

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

    /** Checks the arguments of a reset. */
    public static void requireResetArgs(long boundaryIndex, long boundaryTerm) {
        if (boundaryIndex < 0 || boundaryTerm < 0) {
            throw new IllegalArgumentException("A reset boundary must have an index and term of at least 0, but was ("
                    + boundaryIndex + ", " + boundaryTerm + ").");
        }
    }
}
