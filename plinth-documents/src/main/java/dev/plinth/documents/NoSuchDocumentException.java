package dev.plinth.documents;

import dev.plinth.PlinthException;

/** Thrown when an operation needs a document that does not exist (never created, deleted, or expired). */
public class NoSuchDocumentException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message a sentence naming the store, the collection and the document
     */
    public NoSuchDocumentException(String message) {
        super(message);
    }
}
