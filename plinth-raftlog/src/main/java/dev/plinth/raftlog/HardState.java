package dev.plinth.raftlog;

/**
 * The Raft hard state of one group: the current term, the vote cast in it, and the commit index.
 *
 * <p>Immutable and safe to share between threads.
 *
 * @param term        the current term, at least 0
 * @param votedFor    the node voted for in {@code term}, or {@link #NO_VOTE}
 * @param commitIndex the highest index known to be committed (inclusive), at least 0
 */
public record HardState(long term, long votedFor, long commitIndex) {

    /** The value of {@link #votedFor()} when no vote was cast in the term. */
    public static final long NO_VOTE = -1;

    /** The hard state of a group that never saved one: term 0, no vote, commit index 0. */
    public static final HardState INITIAL = new HardState(0, NO_VOTE, 0);

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if {@code term} or {@code commitIndex} is negative, or {@code votedFor}
     *                                  is negative without being {@link #NO_VOTE}
     */
    public HardState {
        if (term < 0) {
            throw new IllegalArgumentException("A hard state's term must not be negative, but it was " + term + ".");
        }
        if (commitIndex < 0) {
            throw new IllegalArgumentException("A hard state's commit index must not be negative, but it was "
                    + commitIndex + ".");
        }
        if (votedFor < 0 && votedFor != NO_VOTE) {
            throw new IllegalArgumentException("A hard state's vote must be a node id of at least 0 or NO_VOTE ("
                    + NO_VOTE + "), but it was " + votedFor + ".");
        }
    }
}
