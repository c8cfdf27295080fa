package dev.plinth.io;

import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The one translation of an {@link IOException} into Plinth's exceptions, used by every {@link Vfs}
 * implementation (the test kit's fault-injecting one too, so an injected failure looks exactly like a
 * real one). No room left ({@code ENOSPC}, {@code EDQUOT}, {@code EFBIG}) becomes a
 * {@link StorageFullException}; everything else a {@link StorageIOException}. Stateless and thread-safe.
 */
public final class StorageErrors {
    private StorageErrors() {
    }

    /**
     * Translates an I/O failure.
     *
     * @param operation what was being done, as a verb phrase ("write", "rename to CURRENT")
     * @param location the path, as {@link Vfs#location(String)} shows it
     * @param e the failure
     * @return the exception to throw, whose message names the operation, the path and the reason, and whose
     *     cause is {@code e}
     */
    public static StorageIOException translate(String operation, String location, IOException e) {
        String reason = reason(e);
        String message = "cannot " + operation + " " + location + ": " + reason;
        if (isNoSpace(reason)) {
            return new StorageFullException(message + "; the file system has no room left", e);
        }
        return new StorageIOException(message, e);
    }

    /**
     * Whether a failure's reason is a full disk or an exhausted quota.
     *
     * @param reason the operating system's reason text
     * @return whether it says no room is left
     */
    static boolean isNoSpace(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        return r.contains("no space left") || r.contains("disk quota exceeded") || r.contains("file too large")
                || r.contains("not enough space");
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the directory is not empty";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof AccessDeniedException) {
            return "access denied";
        }
        if (e instanceof ClosedByInterruptException) {
            return "the thread was interrupted, which closed the file";
        }
        String text = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return text == null || text.isBlank() ? e.getClass().getSimpleName() : text;
    }
}
