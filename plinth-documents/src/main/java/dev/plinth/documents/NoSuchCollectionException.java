package dev.plinth.documents;

import dev.plinth.PlinthException;

/** Thrown when a collection is asked for by name on a store that holds none of that name and cannot create it. */
public class NoSuchCollectionException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a sentence naming the store and the collection
     * @param cause why the collection could not be created (a read-only store), or {@code null}
     */
    public NoSuchCollectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
