/**
 * Storage for Raft: a {@link dev.plinth.raftlog.LogStore} for the log entries of many groups and a
 * {@link dev.plinth.raftlog.MetaStore} for their hard state. Implementations live in
 * {@code dev.plinth.raftlog.internal}.
 */
package dev.plinth.raftlog;
