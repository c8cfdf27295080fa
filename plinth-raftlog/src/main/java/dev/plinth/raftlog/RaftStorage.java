package dev.plinth.raftlog;

/**
 * A {@link LogStore} and a {@link MetaStore} in one object, sharing one storage: what {@link RaftLogs} opens.
 *
 * <p>Thread safe, as both interfaces say. {@link #close()} closes both views at once and is safe to call twice.
 */
public interface RaftStorage extends LogStore, MetaStore {

    /** Closes the log and the meta store. Safe to call twice. */
    @Override
    void close();
}
