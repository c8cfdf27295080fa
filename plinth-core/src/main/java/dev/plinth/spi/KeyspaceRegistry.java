package dev.plinth.spi;

import dev.plinth.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An engine's live keyspaces by name: what {@link Engine#keyspaceNames()}, {@link Engine#keyspace(String)} and
 * the fast path of {@link Engine#createKeyspace(String)} answer from, so every engine answers them the same way.
 * Thread-safe: reads take no lock; the engine changes it ({@link #register}, {@link #remove}) only under its
 * own lock for keyspace creation and drop, which also covers whatever the engine does natively, so the
 * registry needs none of its own.
 *
 * <p>Typical use, with the engine's lock around the native part:
 * <pre>{@code
 * public EngineKeyspace createKeyspace(String name) {
 *     MyKeyspace ks = registry.get(name);          // no lock: the common case
 *     if (ks != null) {
 *         return ks;
 *     }
 *     synchronized (keyspaceLock) {
 *         ks = registry.get(name);                  // again: another thread may have created it
 *         return ks != null ? ks : registry.register(createNatively(name));
 *     }
 * }
 * }</pre>
 *
 * @param <K> the engine's keyspace type
 */
public final class KeyspaceRegistry<K extends EngineKeyspace> {
    private final String store;
    private final ConcurrentHashMap<String, K> byName = new ConcurrentHashMap<>();

    /**
     * An empty registry.
     *
     * @param store the store's URI or path, for messages
     */
    public KeyspaceRegistry(String store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The names of the live keyspaces.
     *
     * @return a new list, in no particular order
     */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /**
     * The live keyspace of a name.
     *
     * @param name the name
     * @return the keyspace, or {@code null} if there is none
     */
    public K get(String name) {
        return byName.get(name);
    }

    /**
     * The live keyspaces.
     *
     * @return an unmodifiable view, weakly consistent under concurrent change
     */
    public Collection<K> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    /**
     * How many keyspaces are live.
     *
     * @return the count, the default keyspace included
     */
    public int size() {
        return byName.size();
    }

    /**
     * Whether this handle is the live keyspace of its name: not dropped, and not a handle of another engine
     * that happens to have the same name.
     *
     * @param handle a handle
     * @return {@code true} if live here
     */
    public boolean isLive(EngineKeyspace handle) {
        return handle != null && byName.get(handle.name()) == handle;
    }

    /**
     * Adds a keyspace just created (or found at open). Call under the engine's keyspace lock.
     *
     * @param keyspace the keyspace
     * @return the keyspace
     * @throws IllegalStateException if a live keyspace already has its name
     */
    public K register(K keyspace) {
        K before = byName.putIfAbsent(keyspace.name(), keyspace);
        if (before != null) {
            throw new IllegalStateException("keyspace '" + keyspace.name() + "' of " + store + " is registered twice");
        }
        return keyspace;
    }

    /**
     * Removes a keyspace that was dropped. Call under the engine's keyspace lock.
     *
     * @param keyspace the keyspace
     * @return {@code true} if it was the live keyspace of its name
     */
    public boolean remove(K keyspace) {
        boolean[] removed = new boolean[1];
        byName.computeIfPresent(keyspace.name(), (name, current) -> {
            if (current != keyspace) {
                return current; // by identity: a handle equal to the live one is still not it
            }
            removed[0] = true;
            return null;
        });
        return removed[0];
    }

    /** Forgets every keyspace; for engine close. */
    public void clear() {
        byName.clear();
    }

    /**
     * Refuses to drop the default keyspace, which every store has; call first in
     * {@link Engine#dropKeyspace(String)}. (The core never asks; this keeps a direct caller from doing so.)
     *
     * @param name the name asked for
     * @throws IllegalArgumentException if it is {@link Store#DEFAULT_KEYSPACE}
     */
    public void refuseDroppingDefault(String name) {
        if (Store.DEFAULT_KEYSPACE.equals(name)) {
            throw new IllegalArgumentException("the " + Store.DEFAULT_KEYSPACE + " keyspace of " + store
                    + " cannot be dropped");
        }
    }

    @Override
    public String toString() {
        return "keyspaces of " + store + " " + byName.keySet();
    }
}
