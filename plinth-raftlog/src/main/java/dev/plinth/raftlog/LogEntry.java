package dev.plinth.raftlog;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Raft log entry: its index, its term and its opaque payload.
 *
 * <p>Immutable and safe to share between threads: the payload is copied in and out.
 *
 * @param index the entry's position in its group's log, at least 1
 * @param term  the term in which the entry was created, at least 0
 * @param payload the entry's bytes, never null (may be empty)
 */
public record LogEntry(long index, long term, byte[] payload) {

    /**
     * Checks and copies the fields.
     *
     * @throws IllegalArgumentException if {@code index < 1} or {@code term < 0}
     * @throws NullPointerException if {@code payload} is null
     */
    public LogEntry {
        if (index < 1) {
            throw new IllegalArgumentException("A log entry's index must be at least 1, but it was " + index + ".");
        }
        if (term < 0) {
            throw new IllegalArgumentException("A log entry's term must not be negative, but it was " + term + ".");
        }
        payload = Objects.requireNonNull(payload, "payload").clone();
    }

    /**
     * The payload.
     *
     * @return a fresh copy of the payload
     */
    @Override
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
