/**
 * The shared Raft log: every group's records in one sequence of segment files, with group commit.
 *
 * <p>Lock order: a group's monitor ({@code SharedGroup}), then the log's queue lock, then its files lock
 * ({@code SharedLog}); the queue lock is never held while writing or forcing. {@code SharedRaftStorage}'s collect
 * lock is taken only when no group monitor is held, and takes group monitors one at a time.
 */
package dev.plinth.raftlog.internal.shared;
