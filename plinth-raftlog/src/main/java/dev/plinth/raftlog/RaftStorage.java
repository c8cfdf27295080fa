package dev.plinth.raftlog;

import dev.plinth.Durability;
import java.util.List;

/**
 * A {@link LogStore} and a {@link MetaStore} in one object, sharing one storage: what {@link RaftLogs} opens.
 *
 * <p>Thread safe, as both interfaces say. {@link #close()} closes both views at once and is safe to call twice.
 */
public interface RaftStorage extends LogStore, MetaStore {

    /**
     * Appends entries to a group's log and replaces its hard state, in one atomic step: after a crash both
     * happened or neither did. This is what a Raft node persists before it answers: the entries it accepted and
     * the term, vote and commit index that go with them. The entries follow the rules of
     * {@link #append(long, List, Durability)}; an empty list saves the hard state alone.
     *
     * <p>Every implementation opened by {@link RaftLogs} supports it except the per-group segmented log
     * ({@link RaftLogs#openSegmented(java.nio.file.Path)}), which keeps the hard state in a file of its own and
     * says so with {@link #atomicHardState()}.
     *
     * @param group      the group
     * @param entries    the entries, in index order; the list is read during the call only
     * @param state      the new hard state
     * @param durability how far both travel before the call returns
     * @throws LogContinuityException if the indexes are not contiguous with the log or a term falls; nothing
     *                                changes, the hard state included
     * @throws dev.plinth.LimitExceededException if the entries are more than the storage takes in one call
     *                                           ({@link RaftLogs#MAX_BATCH_BYTES} on the logs of our own); nothing
     *                                           changes, the hard state included
     * @throws dev.plinth.UnsupportedCapabilityException if {@link #atomicHardState()} is {@code false}; nothing
     *                                                   changes
     */
    void appendWithHardState(long group, List<LogEntry> entries, HardState state, Durability durability);

    /**
     * Whether {@link #appendWithHardState} is supported.
     *
     * @return {@code true} if entries and hard state can be written in one atomic step
     */
    default boolean atomicHardState() {
        return true;
    }

    /** Closes the log and the meta store. Safe to call twice. */
    @Override
    void close();
}
