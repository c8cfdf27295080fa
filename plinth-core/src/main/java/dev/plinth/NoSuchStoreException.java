package dev.plinth;

/**
 * The location names no store of the engine, and the store was opened with
 * {@link StoreOptions.Builder#createIfMissing(boolean) createIfMissing(false)}, or the location holds files
 * that are not the engine's ({@link ForeignFilesException}). Nothing was created.
 */
public class NoSuchStoreException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what is missing, with the store's URI and path
     */
    public NoSuchStoreException(String message) {
        super(message);
    }
}
