package dev.plinth.raftlog;

import dev.plinth.raftlog.internal.OwnedEntries;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Raft log entry: its index, its term and its opaque payload.
 *
 * <p>Immutable and safe to share between threads: the payload is copied in and out, so no caller ever holds an
 * array the entry (or a log) keeps using.
 */
public final class LogEntry {
    static {
        OwnedEntries.install(new OwnedEntries.Factory() {
            @Override
            public LogEntry create(long index, long term, byte[] payload) {
                return new LogEntry(index, term, payload, null);
            }

            @Override
            public byte[] payloadOf(LogEntry entry) {
                return entry.payload;
            }
        });
    }

    private final long index;
    private final long term;
    private final byte[] payload;

    /**
     * Checks and copies the fields.
     *
     * @param index   the entry's position in its group's log, at least 1
     * @param term    the term in which the entry was created, at least 0
     * @param payload the entry's bytes, never null (may be empty); copied, so the caller may reuse the array
     * @throws IllegalArgumentException if {@code index < 1} or {@code term < 0}
     * @throws NullPointerException if {@code payload} is null
     */
    public LogEntry(long index, long term, byte[] payload) {
        this(index, term, checked(index, term, payload).clone(), null);
    }

    /**
     * An entry that takes {@code payload} without copying it: only for arrays no one else holds or will write
     * (reached from the logs through {@link OwnedEntries}).
     */
    private LogEntry(long index, long term, byte[] payload, Void owned) {
        this.index = index;
        this.term = term;
        this.payload = checked(index, term, payload);
    }

    private static byte[] checked(long index, long term, byte[] payload) {
        if (index < 1) {
            throw new IllegalArgumentException("A log entry's index must be at least 1, but it was " + index + ".");
        }
        if (term < 0) {
            throw new IllegalArgumentException("A log entry's term must not be negative, but it was " + term + ".");
        }
        return Objects.requireNonNull(payload, "payload");
    }

    /**
     * The entry's position in its group's log.
     *
     * @return the index, at least 1
     */
    public long index() {
        return index;
    }

    /**
     * The term in which the entry was created.
     *
     * @return the term, at least 0
     */
    public long term() {
        return term;
    }

    /**
     * The payload.
     *
     * @return a fresh copy of the payload, never null (may be empty)
     */
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * The payload's length, without copying it.
     *
     * @return the number of payload bytes
     */
    public int size() {
        return payload.length;
    }

    /** Equal when the index, the term and the payload bytes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && e.index == index && e.term == term && Arrays.equals(e.payload, payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "LogEntry[index=" + index + ", term=" + term + ", " + payload.length + " bytes]";
    }
}
