package dev.plinth.cli.transfer;

/**
 * A dump file is damaged or is not a dump: a checksum mismatch, a truncation, a malformed or misplaced
 * frame, counts that disagree. The message names the file and the byte offset.
 */
public final class DumpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Makes the exception.
     *
     * @param message what is wrong and where
     */
    public DumpException(String message) {
        super(message);
    }
}
