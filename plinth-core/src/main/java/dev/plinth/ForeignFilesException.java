package dev.plinth;

/**
 * The location holds files that are not the engine's own: another engine's store, or files that are no
 * store at all. The engine neither opens nor creates a store there, whatever
 * {@link StoreOptions.Builder#createIfMissing(boolean) createIfMissing} says, and changes nothing. The
 * message names what was found (the other engine's store, or some of the files).
 */
public class ForeignFilesException extends NoSuchStoreException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what was found, with the store's URI and path
     */
    public ForeignFilesException(String message) {
        super(message);
    }
}
