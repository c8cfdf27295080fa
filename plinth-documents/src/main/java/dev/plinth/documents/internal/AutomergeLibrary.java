package dev.plinth.documents.internal;

import org.automerge.Document;

/**
 * Makes sure Automerge's native library is loaded. In automerge-java 0.0.7 only {@link Document}'s constructors
 * and loaders load it; {@code new SyncState()} before any document exists in the process fails with
 * {@link UnsatisfiedLinkError}, which a sync session that receives before it loads a document would hit.
 */
public final class AutomergeLibrary {
    private static volatile boolean loaded;

    private AutomergeLibrary() {
    }

    /** Loads the library once; throws Automerge's {@code UnsupportedPlatformException} on a platform without it. */
    public static void ensureLoaded() {
        if (!loaded) {
            new Document().free();
            loaded = true;
        }
    }
}
