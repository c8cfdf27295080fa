package com.example.plinth.sqlite;

import dev.plinth.CorruptionException;
import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.sqlite.SQLiteException;

/**
 * Translates SQLite's errors into Plinth's at the engine's edge, with the store, the operation and (where
 * there is one) the key in a sentence. Decides on SQLite's primary result code, which is stable across
 * SQLite and driver versions. Stateless.
 */
final class SqliteErrors {
    // SQLite's primary result codes (sqlite3.h).
    static final int SQLITE_PERM = 3;
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    static final int SQLITE_NOMEM = 7;
    static final int SQLITE_READONLY = 8;
    static final int SQLITE_IOERR = 10;
    static final int SQLITE_CORRUPT = 11;
    static final int SQLITE_FULL = 13;
    static final int SQLITE_CANTOPEN = 14;
    static final int SQLITE_NOTADB = 26;

    /** Bytes of a key shown in a message, at most. */
    private static final int SHOWN_KEY_BYTES = 48;

    private SqliteErrors() {
    }

    /**
     * SQLite's primary result code of an exception.
     *
     * @param e the exception
     * @return the code, or 0 when it carries none
     */
    static int code(SQLException e) {
        if (e instanceof SQLiteException s && s.getResultCode() != null) {
            return s.getResultCode().code & 0xFF;
        }
        return e.getErrorCode() & 0xFF;
    }

    /**
     * Whether no later write may be trusted after this error: an I/O error (a failed fsync above all, which
     * must never be retried into a false success) or damage.
     *
     * @param e the exception
     * @return {@code true} if the engine must refuse further writes
     */
    static boolean isFatal(SQLException e) {
        int rc = code(e);
        return rc == SQLITE_IOERR || rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
    }

    /**
     * Translates an error.
     *
     * @param e the exception
     * @param store the store's URI
     * @param operation what was being done, for example {@code "get"}
     * @param key the key concerned, or {@code null}
     * @return the Plinth exception to throw
     */
    static PlinthException translate(SQLException e, String store, String operation, byte[] key) {
        String what = operation + (key == null ? "" : " of key " + show(key)) + " on " + store + " failed: "
                + e.getMessage();
        return switch (code(e)) {
            case SQLITE_BUSY, SQLITE_LOCKED -> new StorageIOException(what + "; the database is locked by another"
                    + " connection (is another process writing to it?); nothing was applied", e);
            case SQLITE_FULL -> new StorageFullException(what + "; the file system holding the store is full;"
                    + " nothing was applied", e);
            case SQLITE_CORRUPT -> new CorruptionException(what + "; the SQLite database file is damaged", e);
            case SQLITE_NOTADB -> new CorruptionException(what + "; plinth.db is not a SQLite database"
                    + " (damaged header, or another kind of file)", e);
            case SQLITE_READONLY -> new StorageIOException(what + "; the database file or its directory is"
                    + " read-only", e);
            case SQLITE_CANTOPEN, SQLITE_PERM -> new StorageIOException(what + "; SQLite cannot open the database"
                    + " file (permissions, or a missing directory)", e);
            case SQLITE_IOERR -> new StorageIOException(what + "; SQLite reported an I/O error; reopen the store", e);
            case SQLITE_NOMEM -> new StorageIOException(what + "; SQLite ran out of memory", e);
            default -> new StorageIOException(what, e);
        };
    }

    /**
     * A key for a message: printable ASCII as quoted text, anything else as hex; long keys are cut.
     *
     * @param key the key
     * @return the text
     */
    static String show(byte[] key) {
        int n = Math.min(key.length, SHOWN_KEY_BYTES);
        boolean printable = true;
        for (int i = 0; i < n; i++) {
            if (key[i] < 0x20 || key[i] > 0x7e) {
                printable = false;
                break;
            }
        }
        StringBuilder b = new StringBuilder();
        if (printable) {
            b.append('"').append(new String(key, 0, n, StandardCharsets.US_ASCII)).append('"');
        } else {
            b.append("0x");
            for (int i = 0; i < n; i++) {
                b.append(String.format("%02x", key[i] & 0xFF));
            }
        }
        return n < key.length ? b.append("... (").append(key.length).append(" bytes)").toString() : b.toString();
    }
}
