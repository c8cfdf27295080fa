package dev.plinth.lsm.internal.engine;

import dev.plinth.spi.EngineKeyspace;

/**
 * One keyspace of an {@link LsmEngine}: a name and the id that prefixes its keys in every structure.
 * Ids are never reused, so a dropped keyspace's entries can never reappear under a new one. Thread-safe.
 */
final class LsmKeyspace implements EngineKeyspace {
    private final String name;
    private final int id;
    private final LsmEngine owner;
    private volatile boolean dropped;

    LsmKeyspace(String name, int id, LsmEngine owner) {
        this.name = name;
        this.id = id;
        this.owner = owner;
    }

    @Override
    public String name() {
        return name;
    }

    int id() {
        return id;
    }

    LsmEngine owner() {
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
        return "lsm keyspace '" + name + "' (id " + id + ")" + (dropped ? " (dropped)" : "");
    }
}
