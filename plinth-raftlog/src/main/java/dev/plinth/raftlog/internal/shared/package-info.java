/**
 * The shared Raft log: every group's records in one sequence of segment files, with group commit.
 *
 * <p>Lock order: a group's monitor ({@code SharedGroup}), then the log's queue lock, then its files lock
 * ({@code SharedLog}); the queue lock is never held while writing or forcing. {@code SharedRaftStorage}'s collect
 * lock is taken only when no group monitor is held, and takes group monitors one at a time. The log's leader waits
 * for its spare segment still being made ({@code SpareSegment}, which takes none of these locks) holding none of
 * them but a group's monitor, before its files lock.
 */
package dev.plinth.raftlog.internal.shared;
