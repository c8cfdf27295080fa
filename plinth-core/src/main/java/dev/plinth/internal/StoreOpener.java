package dev.plinth.internal;

import dev.plinth.Store;
import dev.plinth.StoreOptions;
import java.util.List;

/** Placeholder while the core is written. */
public final class StoreOpener {
    private StoreOpener() {
    }

    public static Store open(StoreOptions options) {
        throw new UnsupportedOperationException("not yet");
    }

    public static List<String> schemes() {
        return List.of();
    }
}
