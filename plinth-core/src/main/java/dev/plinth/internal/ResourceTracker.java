package dev.plinth.internal;

import dev.plinth.OpenResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cursors, snapshots and transactions a store has open, so that store close can close them and
 * {@link dev.plinth.Store#openResources()} can report leaks with their origin. Thread-safe.
 */
final class ResourceTracker {
    /** Something the store closes when it closes. */
    abstract static class Tracked {
        final OpenResource.Kind kind;
        final String description;
        final Throwable origin;

        Tracked(OpenResource.Kind kind, String description, boolean trackOrigin) {
            this.kind = kind;
            this.description = description;
            this.origin = trackOrigin ? new Throwable(kind.name().toLowerCase(java.util.Locale.ROOT) + " opened here") : null;
        }

        /** Releases engine resources because the store is closing; no engine call is in progress. */
        abstract void closeForStore();
    }

    private final Set<Tracked> open = ConcurrentHashMap.newKeySet();

    void add(Tracked t) {
        open.add(t);
    }

    void remove(Tracked t) {
        open.remove(t);
    }

    int count(OpenResource.Kind kind) {
        int n = 0;
        for (Tracked t : open) {
            if (t.kind == kind) {
                n++;
            }
        }
        return n;
    }

    List<OpenResource> list() {
        List<OpenResource> out = new ArrayList<>();
        for (Tracked t : open) {
            out.add(new OpenResource(t.kind, t.description, t.origin));
        }
        return out;
    }

    /** Closes everything still open; cursors first, since snapshots and transactions own cursors. */
    void closeAll() {
        for (OpenResource.Kind k : new OpenResource.Kind[] {OpenResource.Kind.CURSOR,
                OpenResource.Kind.TRANSACTION, OpenResource.Kind.SNAPSHOT}) {
            for (Tracked t : new ArrayList<>(open)) {
                if (t.kind == k) {
                    try {
                        t.closeForStore();
                    } finally {
                        open.remove(t);
                    }
                }
            }
        }
        open.clear();
    }
}
