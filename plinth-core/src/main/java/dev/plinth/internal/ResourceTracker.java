package dev.plinth.internal;

import dev.plinth.OpenResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The cursors, snapshots and transactions a store has open, so that store close can close them and
 * {@link dev.plinth.Store#openResources()} can report leaks with their origin; and how many of them hold a
 * read view of their own, for {@link dev.plinth.Capabilities#maxOpenSnapshots()}. Thread-safe.
 */
final class ResourceTracker {
    /** Something the store closes when it closes. */
    abstract static class Tracked {
        final OpenResource.Kind kind;
        /** Says what it is; called only when open resources are listed, so that opening one formats nothing. */
        private final Supplier<String> description;
        final Throwable origin;
        /** Whether it holds one of the store's reserved views ({@link #tryReserveView}); set before it is added. */
        private boolean holdsView;

        Tracked(OpenResource.Kind kind, Supplier<String> description, boolean trackOrigin) {
            this.kind = kind;
            this.description = description;
            this.origin = trackOrigin ? new Throwable(kind.name().toLowerCase(java.util.Locale.ROOT) + " opened here") : null;
        }

        /** Releases engine resources because the store is closing; no engine call is in progress. */
        abstract void closeForStore();

        /** Hands it a view reserved with {@link #tryReserveView}, given back when it is removed. */
        void holdView() {
            holdsView = true;
        }
    }

    private final Set<Tracked> open = ConcurrentHashMap.newKeySet();
    /** Views reserved: by open resources that {@link Tracked#holdView() hold one}, and by opens in progress. */
    private final AtomicInteger views = new AtomicInteger();

    void add(Tracked t) {
        open.add(t);
    }

    void remove(Tracked t) {
        if (open.remove(t) && t.holdsView) {
            views.decrementAndGet();
        }
    }

    /**
     * Reserves a view for a snapshot, transaction or cursor about to be opened, if fewer than {@code max}
     * are reserved; check and count are one atomic step, so racing opens never pass the limit together.
     *
     * @return the number reserved before, or {@code -1} if {@code max} were already reserved (nothing taken)
     */
    int tryReserveView(int max) {
        while (true) {
            int n = views.get();
            if (n >= max) {
                return -1;
            }
            if (views.compareAndSet(n, n + 1)) {
                return n;
            }
        }
    }

    /** Gives back a view reserved for an open that failed. */
    void releaseView() {
        views.decrementAndGet();
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
            out.add(new OpenResource(t.kind, t.description.get(), t.origin));
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
