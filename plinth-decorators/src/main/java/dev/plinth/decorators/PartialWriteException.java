package dev.plinth.decorators;

import dev.plinth.PlinthException;

/**
 * A {@link NonAtomicBatchWriter} failed part way: the chunks it wrote before the failure stay written; the
 * failed chunk was not written and is dropped. The cause is the store's exception.
 */
public class PartialWriteException extends PlinthException {
    private static final long serialVersionUID = 1L;

    private final long written;
    private final long notWritten;

    /**
     * Makes the exception.
     *
     * @param message what happened, with the store
     * @param cause the store's exception
     * @param written operations the writer wrote before the failure
     * @param notWritten operations of the failed chunk, not written
     */
    public PartialWriteException(String message, Throwable cause, long written, long notWritten) {
        super(message, cause);
        this.written = written;
        this.notWritten = notWritten;
    }

    /**
     * Operations the writer wrote, in earlier chunks, before the failure.
     *
     * @return the count
     */
    public long written() {
        return written;
    }

    /**
     * Operations of the failed chunk, which were not written.
     *
     * @return the count
     */
    public long notWritten() {
        return notWritten;
    }
}
