/**
 * Storage for Raft: a {@link dev.plinth.raftlog.LogStore} for the log entries of many groups and a
 * {@link dev.plinth.raftlog.MetaStore} for their hard state, opened by {@link dev.plinth.raftlog.RaftLogs}.
 * Implementations live in {@code dev.plinth.raftlog.internal}; the reusable test suite any implementation can
 * run is in {@code dev.plinth.raftlog.testkit}.
 */
package dev.plinth.raftlog;
