package dev.plinth.raftlog;

import dev.plinth.Durability;
import java.util.List;

/**
 * The Raft log of many groups (multi-Raft): appends, reads, truncation, replacement and purging of entries.
 *
 * <p>Thread safe: every method may be called from any thread. Calls naming the same group are applied one at a
 * time in some order; calls on different groups may run in parallel. Raft itself writes a group's log from one
 * thread, so ordering between concurrent writers of one group is the caller's concern.
 *
 * <h2>The shape of a group's log</h2>
 * Each group, named by a {@code long} id, has its own log. A log holds the contiguous entries
 * {@code firstIndex() .. lastIndex()} (both inclusive) and a <em>purge boundary</em>: the index and term of the
 * last entry removed by {@link #purge} (or set by {@link #reset(long, long, long, Durability)}), which is
 * {@code (0, 0)} for a new group. Always {@code firstIndex == boundary + 1}; the log is empty when
 * {@code lastIndex == firstIndex - 1}. A group never written reads as an empty log with boundary {@code (0, 0)}:
 * {@code firstIndex 1}, {@code lastIndex 0}.
 *
 * <h2>Durability</h2>
 * Every change takes a {@link Durability}; when the call returns the change has travelled that far. Changes to
 * one group become durable in the order they were made: after a crash the log is what it was after some prefix
 * of its changes that includes every change acknowledged at {@link Durability#SYNC} (and at
 * {@link Durability#PROCESS} if only the process died). Each call is atomic: after a crash it happened
 * entirely or not at all. An implementation that cannot honour a level throws
 * {@link dev.plinth.UnsupportedCapabilityException} before changing anything.
 *
 * <h2>Errors</h2>
 * Misuse is rejected before anything changes: {@link LogContinuityException} for gaps and falling terms,
 * {@link LogIndexOutOfRangeException} for an index the log does not hold, {@link IllegalArgumentException} for
 * inverted ranges, {@link dev.plinth.LimitExceededException} for a call larger than the storage accepts
 * ({@link RaftLogs#MAX_BATCH_BYTES} on the logs of our own, the engine's limits on a store). Such an error is the
 * caller's alone: nothing is written, and the log and every other group go on. After {@link #close()}, every call but {@code close} throws
 * {@link dev.plinth.StoreClosedException}. Storage failures surface as the unchecked exceptions of
 * {@code dev.plinth} ({@link dev.plinth.StorageIOException}, {@link dev.plinth.CorruptionException}); damaged
 * entries are reported, never returned.
 */
public interface LogStore extends AutoCloseable {

    /**
     * Appends entries to the end of a group's log, all or none.
     *
     * <p>The first entry's index must be {@code lastIndex(group) + 1}, each next index one more than the one
     * before, and each term at least the term before it (the first at least {@code termAt(group, lastIndex)}).
     * An empty list changes nothing.
     *
     * @param group      the group
     * @param entries    the entries, in index order; the list is read during the call only
     * @param durability how far the entries travel before the call returns
     * @throws LogContinuityException if the indexes are not contiguous with the log or a term falls
     * @throws dev.plinth.LimitExceededException if the entries are more than the storage takes in one call
     *                                           ({@link RaftLogs#MAX_BATCH_BYTES} on the logs of our own); nothing
     *                                           changes
     */
    void append(long group, List<LogEntry> entries, Durability durability);

    /**
     * Appends entries as {@link #append(long, List, Durability)} does, and returns before they are durable: a
     * pipelined append for a Raft leader that hands the next batch to the log while the previous one is being
     * forced. The returned future completes once a force that covers the entries (and every change made to the
     * storage before this call) has returned; several batches in flight share a force.
     *
     * <p>When this returns, the entries are in the log, as after an append at {@link Durability#PROCESS}:
     * {@code lastIndex}, {@code entry} and {@code entries} see them, the next {@code appendAsync} continues after
     * them, and they survive the death of the process but not yet power loss. When the future completes normally
     * they survive power loss too. Futures of one group complete in the order of their calls; a future completing
     * normally means every earlier change of the group is durable as well.
     *
     * <p>Failure: a force that fails fails the future of every batch it was to cover and of every batch written
     * after them, with a {@link dev.plinth.StorageIOException}, and leaves the log failed for good (as any failed
     * force does): such entries may or may not be present after a restart, as an unacknowledged append may; a
     * future never completes normally for entries not forced. Misuse, a closed store or a storage that has failed
     * already is thrown by this call, before anything changes, as by {@code append}; a failure of the write itself is
     * thrown too.
     *
     * <p>Backpressure: the logs of our own bound the bytes written and not yet forced per log file (the shared log:
     * for all groups together) at {@link RaftLogs#MAX_UNFORCED_BYTES}; a call that would pass it waits until a force
     * makes room. A call larger than the bound is let through alone. A caller that bounds its own pipelining depth
     * (waits for the future of batch N before handing over batch N + depth) stays below it.
     *
     * <p>Close: {@link #close()} waits until every batch handed over before it is forced, or failed, so no future is
     * left pending. Futures complete on a thread of the log: dependent actions that take long belong on an executor
     * of the caller's ({@code thenRunAsync}); they never hold up later forces, but they do hold up the completion of
     * later futures, which complete in order: a dependent action that waits on the log's thread for the future of a
     * later append waits for ever. The order is that of completion, not of every dependent action: as with any
     * {@code CompletableFuture}, a thread that waits for a future ({@code join}, {@code get}) may run that future's
     * actions itself, after the log's thread has gone on to complete later futures and run theirs. A caller that
     * needs its actions in order chains them, or checks in each that the earlier futures are done.
     *
     * <p>This default, what the log on a Plinth store does, appends at {@link Durability#SYNC} and returns a completed
     * future (the engine's own write-ahead log commits concurrent {@code SYNC} writers together); an engine that does
     * not honour {@code SYNC} refuses it with {@link dev.plinth.UnsupportedCapabilityException}.
     *
     * @param group   the group
     * @param entries the entries, in index order; the list is read during the call only
     * @return a future completed with the index of the last entry appended (for an empty list, the group's last
     *     index) once the entries are durable, or failed if they are not known to be
     * @throws LogContinuityException if the indexes are not contiguous with the log or a term falls; nothing changes
     * @throws dev.plinth.LimitExceededException if the entries are more than the storage takes in one call; nothing
     *                                           changes
     */
    default java.util.concurrent.CompletableFuture<Long> appendAsync(long group, List<LogEntry> entries) {
        append(group, entries, Durability.SYNC);
        long last = entries.isEmpty() ? lastIndex(group) : entries.get(entries.size() - 1).index();
        return java.util.concurrent.CompletableFuture.completedFuture(last);
    }

    /**
     * Reads one entry.
     *
     * @param group the group
     * @param index the entry's index, in {@code firstIndex(group) .. lastIndex(group)} (both inclusive)
     * @return the entry, never null
     * @throws LogIndexOutOfRangeException if the log does not hold {@code index} (purged or not yet written)
     */
    LogEntry entry(long group, long index);

    /**
     * Opens a streaming read of the entries {@code fromInclusive .. toExclusive - 1}, stopping early once the
     * payloads returned reach {@code maxBytes}. The first entry is always returned, however large, so a reader
     * over a non-empty range always makes progress; after it, an entry is returned only if the payload bytes
     * returned so far plus its own stay within {@code maxBytes}.
     *
     * @param group         the group
     * @param fromInclusive the first index to read, at least {@code firstIndex(group)}
     * @param toExclusive   one past the last index to read, at most {@code lastIndex(group) + 1}; equal to
     *                      {@code fromInclusive} for an empty read
     * @param maxBytes      the budget of payload bytes, at least 0
     * @return a reader the caller must close
     * @throws IllegalArgumentException if {@code fromInclusive > toExclusive} or {@code maxBytes < 0}
     * @throws LogIndexOutOfRangeException if the range reaches outside the entries the log holds
     */
    LogReader entries(long group, long fromInclusive, long toExclusive, long maxBytes);

    /**
     * Reads all the entries {@code fromInclusive .. toExclusive - 1} into a list, with no byte budget.
     *
     * @param group         the group
     * @param fromInclusive the first index to read
     * @param toExclusive   one past the last index to read
     * @return the entries, in index order
     * @throws IllegalArgumentException if {@code fromInclusive > toExclusive}
     * @throws LogIndexOutOfRangeException if the range reaches outside the entries the log holds
     */
    default List<LogEntry> entries(long group, long fromInclusive, long toExclusive) {
        List<LogEntry> out = new java.util.ArrayList<>();
        try (LogReader r = entries(group, fromInclusive, toExclusive, Long.MAX_VALUE)) {
            while (r.next()) {
                out.add(r.entry());
            }
        }
        return out;
    }

    /**
     * The term of an entry, or of the purge boundary.
     *
     * @param group the group
     * @param index an index in {@code firstIndex(group) - 1 .. lastIndex(group)} (both inclusive); the lowest
     *              answers the boundary's term, which survives restarts
     * @return the term
     * @throws LogIndexOutOfRangeException if {@code index} is below the boundary or above the last entry
     */
    long termAt(long group, long index);

    /**
     * The index of the first entry the log holds (or would hold): the purge boundary plus one. O(1).
     *
     * @param group the group
     * @return the first index, at least 1
     */
    long firstIndex(long group);

    /**
     * The index of the last entry, or {@code firstIndex(group) - 1} when the log is empty. O(1).
     *
     * @param group the group
     * @return the last index, at least 0
     */
    long lastIndex(long group);

    /**
     * Removes the entries up to {@code upToInclusive}, moving the purge boundary there. Entries beyond the last
     * one cannot be purged: the boundary stops at {@code lastIndex(group)}. Purging at or below the current
     * boundary changes nothing.
     *
     * @param group         the group
     * @param upToInclusive the last index to remove
     * @param durability    how far the change travels before the call returns
     * @return the purge boundary after the call: {@code max(boundary, min(upToInclusive, lastIndex))}
     */
    long purge(long group, long upToInclusive, Durability durability);

    /**
     * Removes the entries {@code fromInclusive .. lastIndex(group)}. Truncating at {@code lastIndex + 1}
     * changes nothing.
     *
     * @param group         the group
     * @param fromInclusive the first index to remove, in {@code firstIndex(group) .. lastIndex(group) + 1}
     * @param durability    how far the change travels before the call returns
     * @throws LogIndexOutOfRangeException if {@code fromInclusive} is purged or beyond {@code lastIndex + 1}
     */
    void truncate(long group, long fromInclusive, Durability durability);

    /**
     * Replaces the entries from {@code fromInclusive} on with {@code entries}, in one atomic step: after a crash
     * the log holds either the old suffix or the new one, never neither. This is how a follower resolves a
     * conflicting suffix.
     *
     * @param group         the group
     * @param fromInclusive the first index replaced, in {@code firstIndex(group) .. lastIndex(group) + 1}
     * @param entries       the new entries, starting at {@code fromInclusive}, contiguous, terms not falling
     *                      (the first at least {@code termAt(group, fromInclusive - 1)}); empty is a truncate
     * @param durability    how far the change travels before the call returns
     * @throws LogIndexOutOfRangeException if {@code fromInclusive} is purged or beyond {@code lastIndex + 1}
     * @throws LogContinuityException if the entries do not start at {@code fromInclusive}, have a gap or a
     *                                falling term
     * @throws dev.plinth.LimitExceededException if the entries are more than the storage takes in one call
     *                                           ({@link RaftLogs#MAX_BATCH_BYTES} on the logs of our own); nothing
     *                                           changes
     */
    void replaceFrom(long group, long fromInclusive, List<LogEntry> entries, Durability durability);

    /**
     * Drops every entry of a group and sets its purge boundary to {@code (boundaryIndex, boundaryTerm)}, for
     * example after installing a snapshot: the next append starts at {@code boundaryIndex + 1}. The group's
     * {@link MetaStore} state is untouched.
     *
     * @param group         the group
     * @param boundaryIndex the new boundary index (inclusive: the last index covered by the snapshot), at least 0
     * @param boundaryTerm  the term of that index, at least 0
     * @param durability    how far the change travels before the call returns
     * @throws IllegalArgumentException if an argument is negative
     */
    void reset(long group, long boundaryIndex, long boundaryTerm, Durability durability);

    /**
     * Makes every change acknowledged so far, to every group, survive power loss.
     *
     * @throws dev.plinth.StorageIOException if the storage fails
     */
    void flush();

    /**
     * Closes the log store. Readers still open fail on their next call. Safe to call twice. Whether the
     * underlying storage is closed too is said by the factory that opened this store.
     */
    @Override
    void close();

    /**
     * Whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();
}
