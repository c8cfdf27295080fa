package dev.plinth.lmdb;

import dev.plinth.CorruptionException;
import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lmdbjava.LmdbException;
import org.lmdbjava.LmdbNativeException;

/**
 * Translates lmdbjava's exceptions into Plinth's, with the store and the operation in the message. The
 * decision is made on LMDB's numeric result code, which is stable across lmdbjava versions. Stateless.
 */
final class LmdbErrors {
    // LMDB's own result codes (lmdb.h).
    static final int MDB_PAGE_NOTFOUND = -30797;
    static final int MDB_CORRUPTED = -30796;
    static final int MDB_PANIC = -30795;
    static final int MDB_VERSION_MISMATCH = -30794;
    static final int MDB_INVALID = -30793;
    static final int MDB_MAP_FULL = -30792;
    static final int MDB_DBS_FULL = -30791;
    static final int MDB_READERS_FULL = -30790;
    static final int MDB_TXN_FULL = -30788;
    static final int MDB_MAP_RESIZED = -30785;
    static final int MDB_BAD_RSLOT = -30783;
    static final int MDB_BAD_TXN = -30782;
    static final int MDB_BAD_VALSIZE = -30781;
    static final int MDB_BAD_DBI = -30780;
    // errno values LMDB passes through (Linux numbering; the same on macOS for these).
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EFBIG = 27;
    static final int ENOSPC = 28;
    static final int EROFS = 30;
    static final int EDQUOT = 122;

    /** An {@code EIO} write failure while less than this (plus twice the write's size) is free is a full disk. */
    static final long FULL_DISK_SLACK = 16L << 20;

    private LmdbErrors() {
    }

    /**
     * LMDB's result code of an exception, if it carries one.
     *
     * @param e the exception
     * @return the code, or 0 when it is not a native error
     */
    static int code(Throwable e) {
        return e instanceof LmdbNativeException n ? n.getResultCode() : 0;
    }

    /**
     * Whether an exception means the map is full (and may be enlarged).
     *
     * @param e the exception
     * @return {@code true} for {@code MDB_MAP_FULL}
     */
    static boolean isMapFull(Throwable e) {
        return code(e) == MDB_MAP_FULL;
    }

    /**
     * Whether an error leaves the environment in a state no later write may trust: LMDB's panic, an I/O
     * error while writing or syncing.
     *
     * @param e the exception
     * @return {@code true} if the engine must refuse further writes
     */
    static boolean isFatal(Throwable e) {
        int rc = code(e);
        return rc == MDB_PANIC || rc == EIO || rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND;
    }

    /**
     * Translates an lmdbjava exception.
     *
     * @param e the exception
     * @param store the store's URI
     * @param operation what was being done
     * @return the Plinth exception to throw
     */
    static PlinthException translate(LmdbException e, String store, String operation) {
        int rc = code(e);
        String what = operation + " on " + store + " failed: " + describe(e);
        return switch (rc) {
            case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID ->
                    new CorruptionException(what + "; the LMDB file is damaged or is not an LMDB file", e);
            case MDB_VERSION_MISMATCH ->
                    new StorageIOException(what + "; the environment was written by an incompatible LMDB version", e);
            case MDB_MAP_FULL -> new StorageFullException(what + "; the LMDB map is full and could not be enlarged", e);
            case ENOSPC, EDQUOT, EFBIG -> new StorageFullException(what + "; the file system has no room left", e);
            case MDB_DBS_FULL -> new StorageFullException(what + "; every named database slot is in use: reopen the"
                    + " store with a larger " + LmdbOptions.MAX_KEYSPACES + " parameter", e);
            case MDB_TXN_FULL -> new StorageFullException(what + "; the batch dirties more pages than one LMDB"
                    + " transaction can hold: split it", e);
            case MDB_READERS_FULL -> new StorageIOException(what + "; every reader slot is in use (open snapshots and"
                    + " cursors each hold one): close some, or reopen with a larger " + LmdbOptions.MAX_READERS
                    + " parameter", e);
            case MDB_MAP_RESIZED -> new StorageIOException(what + "; another process enlarged the map: open an lmdb"
                    + " store from one process only", e);
            case EAGAIN, EACCES -> new StorageIOException(what + "; the environment is locked or not accessible"
                    + " (is another process using it?)", e);
            case EROFS -> new StorageIOException(what + "; the file system is read-only", e);
            case MDB_PANIC -> new StorageIOException(what + "; LMDB hit a fatal error and must be reopened", e);
            default -> new StorageIOException(what, e);
        };
    }

    /**
     * Recognises a write transaction that failed because the file system is full. LMDB reports a write the
     * file system cut short as {@code EIO} ("short write, filesystem full?" in its source), which is what a
     * full disk usually looks like, so an {@code EIO} while the file system has almost no room left is a
     * full disk. It leaves the engine usable: the failed transaction's pages are referenced by no meta
     * page, so nothing committed was touched. ({@code ENOSPC} and the like are full disks anyway.)
     *
     * @param e the failure
     * @param store the store's URI
     * @param op the operation
     * @param directory the environment's directory
     * @param batchBytes the bytes the write added, for judging "almost no room"
     * @return a {@link StorageFullException}, or {@code null} if the failure is not a full disk
     */
    static StorageFullException fullDisk(LmdbException e, String store, String op, Path directory, long batchBytes) {
        if (code(e) != EIO) {
            return null;
        }
        long usable;
        try {
            usable = Files.getFileStore(directory).getUsableSpace();
        } catch (IOException | SecurityException x) {
            return null;
        }
        if (usable >= FULL_DISK_SLACK + 2 * batchBytes) {
            return null;
        }
        return new StorageFullException(op + " on " + store + " failed: the file system holding " + directory
                + " is full (" + usable + " bytes usable; LMDB reported " + describe(e) + "); nothing was applied", e);
    }

    private static String describe(LmdbException e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
