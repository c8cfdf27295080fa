package dev.plinth.quadstore;

import dev.plinth.PlinthException;

/**
 * A bulk load met input it cannot parse. The batch being parsed when the error was met is not applied; the
 * batches applied before it stay ({@link #progress()} says how many quads they held). A load that fits in one
 * batch ({@link QuadStoreOptions#loadBatchQuads()}) therefore leaves the store as it was.
 */
public class RdfParseException extends PlinthException {
    private static final long serialVersionUID = 1L;

    private final long line;
    private final long column;
    private final transient LoadProgress progress;

    /**
     * Makes the exception.
     *
     * @param message a sentence naming the store, the source, the line and the column
     * @param line the line of the error, from 1, or -1 if the parser did not say
     * @param column the column of the error, from 1, or -1 if the parser did not say
     * @param progress what the load had applied before the failed batch
     * @param cause the parser's exception
     */
    public RdfParseException(String message, long line, long column, LoadProgress progress, Throwable cause) {
        super(message, cause);
        this.line = line;
        this.column = column;
        this.progress = progress;
    }

    /**
     * The line the parser stopped at.
     *
     * @return from 1, or -1 if unknown
     */
    public long line() {
        return line;
    }

    /**
     * The column the parser stopped at.
     *
     * @return from 1, or -1 if unknown
     */
    public long column() {
        return column;
    }

    /**
     * What the load had applied before the failed batch.
     *
     * @return the progress at the last applied batch
     */
    public LoadProgress progress() {
        return progress;
    }
}
