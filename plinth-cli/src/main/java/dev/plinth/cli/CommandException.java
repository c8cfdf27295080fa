package dev.plinth.cli;

/**
 * A command failed in a way the user should read as one line: the root command prints
 * {@code plinth: <message>} and exits with {@link #exitCode()}.
 */
public final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /**
     * A failure with exit code {@link ExitCode#FAILURE}.
     *
     * @param message what went wrong, naming the store or file
     */
    public CommandException(String message) {
        this(ExitCode.FAILURE, message, null);
    }

    /**
     * A failure with exit code {@link ExitCode#FAILURE} and a cause, shown with {@code --verbose}.
     *
     * @param message what went wrong, naming the store or file
     * @param cause the underlying error
     */
    public CommandException(String message, Throwable cause) {
        this(ExitCode.FAILURE, message, cause);
    }

    /**
     * A failure with a chosen exit code.
     *
     * @param exitCode one of {@link ExitCode}'s constants
     * @param message what went wrong
     * @param cause the underlying error, or {@code null}
     */
    public CommandException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /**
     * The exit code the process ends with.
     *
     * @return the code
     */
    public int exitCode() {
        return exitCode;
    }
}
