package dev.plinth.raftlog;

import dev.plinth.Durability;

/**
 * The Raft hard state of many groups, plus a small key-value area per group for what the state machine must
 * remember (its applied index, the membership configuration).
 *
 * <p>Thread safe: every method may be called from any thread. Each save or put is atomic: after a crash a
 * reader sees the old value or the new one, never a mix. A change acknowledged at {@link Durability#SYNC}
 * survives power loss. After {@link #close()} every call but {@code close} throws
 * {@link dev.plinth.StoreClosedException}.
 */
public interface MetaStore extends AutoCloseable {

    /** The longest key accepted by {@link #put}, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 256;

    /**
     * Saves a group's hard state, replacing the previous one atomically.
     *
     * @param group      the group
     * @param state      the new hard state
     * @param durability how far it travels before the call returns
     */
    void saveHardState(long group, HardState state, Durability durability);

    /**
     * Reads a group's hard state.
     *
     * @param group the group
     * @return the last one saved, or {@link HardState#INITIAL} if none was
     */
    HardState loadHardState(long group);

    /**
     * Stores a value under a key of a group's key-value area, replacing any previous value atomically.
     *
     * @param group      the group
     * @param key        a non-empty key of at most {@link #MAX_KEY_BYTES} UTF-8 bytes
     * @param value      the value; copied
     * @param durability how far it travels before the call returns
     * @throws IllegalArgumentException if the key is empty or too long
     * @throws dev.plinth.LimitExceededException if the value is more than the storage takes: over the engine's
     *                                           value size on a store; on the logs of our own, if the group's whole
     *                                           key-value area would be over {@link RaftLogs#MAX_BATCH_BYTES};
     *                                           nothing changes
     */
    void put(long group, String key, byte[] value, Durability durability);

    /**
     * Reads a value of a group's key-value area.
     *
     * @param group the group
     * @param key   the key
     * @return a fresh copy of the value, or {@code null} if absent
     */
    byte[] get(long group, String key);

    /**
     * Removes a key of a group's key-value area, if present.
     *
     * @param group      the group
     * @param key        the key
     * @param durability how far the removal travels before the call returns
     * @return {@code true} if the key was present
     */
    boolean delete(long group, String key, Durability durability);

    /** Closes the meta store. Safe to call twice. */
    @Override
    void close();
}
