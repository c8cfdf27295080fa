package dev.plinth.cli;

/** The exit codes of the {@code plinth} command, documented in {@code docs/cli.md}. */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /**
     * The work failed: a store or file error, a damaged dump, a verification that found problems, a
     * refused destination.
     */
    public static final int FAILURE = 1;
    /** The command line was wrong: unknown option, missing argument, bad encoding, malformed URI. */
    public static final int USAGE = 2;
    /** {@code get} or {@code delete} found no such key. */
    public static final int NOT_FOUND = 3;
    /**
     * The store is damaged: a read met stored data that failed a checksum or format check
     * ({@link dev.plinth.CorruptionException}), or {@code verify} found the store inconsistent with itself.
     */
    public static final int DAMAGED = 4;

    private ExitCode() {
    }
}
