package dev.plinth.quadstore;

import dev.plinth.PlinthException;

/**
 * A quad store holds a sorted load ({@link QuadStore#loadSorted}) that has not finished: it is running, or it
 * was killed (or its store failed) before it made its indexes complete, so the store's quads are partial. Thrown
 * when such a quad store is opened, and by a write to a quad store while a sorted load runs. Open the quad store
 * with {@link QuadStoreOptions.Builder#discardIncompleteLoad(boolean)} set to empty it; its load can then be run
 * again. The message names the load's temporary directory, which a killed load leaves behind and the discard
 * deletes if the discarding machine has it.
 */
public class IncompleteLoadException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message naming the store.
     *
     * @param message the message
     */
    public IncompleteLoadException(String message) {
        super(message);
    }
}
