package dev.plinth.raftlog.internal;

/**
 * The byte budget of one streaming read ({@link dev.plinth.raftlog.LogStore#entries}): the first entry always
 * passes, so a read makes progress; each later one only while the payload bytes admitted stay within the budget.
 * Not thread safe: owned by one reader.
 */
public final class ReadBudget {
    private final long maxBytes;
    private long used;
    private long admitted;

    /**
     * Creates a budget.
     *
     * @param maxBytes the payload bytes allowed, at least 0
     */
    public ReadBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Admits an entry if the budget allows it, counting its bytes.
     *
     * @param payloadBytes the entry's payload size
     * @return {@code true} if the entry may be returned; {@code false} ends the read
     */
    public boolean admit(int payloadBytes) {
        if (admitted > 0 && used + payloadBytes > maxBytes) {
            return false;
        }
        used += payloadBytes;
        admitted++;
        return true;
    }
}
