package com.example.plinth.sqlite;

import dev.plinth.spi.EngineKeyspace;

/**
 * One keyspace of a {@link SqliteEngine}: a name and the number its rows carry in the {@code ks} column of
 * {@code plinth_entries}. Numbers are never reused, so a snapshot taken before a keyspace was dropped and
 * created again cannot see the old rows under the new handle. Thread-safe.
 */
final class SqliteKeyspace implements EngineKeyspace {
    private final String name;
    private final long id;
    private final SqliteEngine owner;
    /** Set once, under the engine's write lock, when the drop commits. */
    private volatile boolean dropped;

    SqliteKeyspace(String name, long id, SqliteEngine owner) {
        this.name = name;
        this.id = id;
        this.owner = owner;
    }

    @Override
    public String name() {
        return name;
    }

    long id() {
        return id;
    }

    SqliteEngine owner() {
        return owner;
    }

    boolean isDropped() {
        return dropped;
    }

    void markDropped() {
        dropped = true;
    }

    @Override
    public String toString() {
        return "sqlite keyspace '" + name + "'" + (dropped ? " (dropped)" : "");
    }
}
