package com.example.plinth.sqlite;

import dev.plinth.ForeignFilesException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.StorageIOException;
import dev.plinth.spi.StoreDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/**
 * The store's directory and database file: refusing another engine's files, opening connections with
 * the engine's settings, and creating or checking the tables. Stateless.
 */
final class SqliteDatabase {
    /** The database file; its presence is what makes the directory a store. */
    static final String FILE = "plinth.db";
    /** What a store directory holds: the database, SQLite's WAL and shared-memory index, a rollback journal. */
    static final StoreDirectory.Signature SIGNATURE = StoreDirectory.Signature.of("a Plinth sqlite store", "sqlite",
            FILE, "plinth\\.db(-wal|-shm|-journal)?");
    /** How long a connection waits for a lock another connection or process holds before SQLITE_BUSY. */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private SqliteDatabase() {
    }

    /**
     * Checks the directory and creates it if it is new. Changes nothing when it throws.
     *
     * @return the database file
     * @throws NoSuchStoreException if there is no store and {@code create} is false
     * @throws ForeignFilesException if the directory holds other files
     */
    static Path prepare(String uri, Path dir, boolean create) {
        StoreDirectory.State state = StoreDirectory.check(uri, dir, SIGNATURE, create);
        if (state == StoreDirectory.State.NEW) {
            try {
                Files.createDirectories(dir);
            } catch (IOException | SecurityException e) {
                throw new StorageIOException("open " + uri + ": cannot create the directory " + dir + ": " + e, e);
            }
        }
        return dir.resolve(FILE);
    }

    /**
     * Opens a connection. The writer's sets WAL mode (a property of the file, kept from then on) and
     * {@code synchronous=FULL}; readers set nothing but the busy timeout.
     *
     * @param file the database file
     * @param writer whether this is the writer's connection
     * @param readOnly whether to open the file read-only
     * @return the connection
     * @throws SQLException if SQLite cannot open it
     */
    static Conn connect(Path file, boolean writer, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setReadOnly(readOnly);
        if (writer) {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        }
        return new Conn(config.createConnection("jdbc:sqlite:" + file));
    }

    /**
     * Checks what the file holds, reading only: a connection that set WAL mode first would already have
     * changed a stranger's file.
     *
     * @param uri the store's URI, for messages
     * @param conn a connection with no settings of its own
     * @param file the database file, for messages
     * @param readOnly whether the store is opened read-only (then a new store cannot be created)
     * @return {@code true} if the database has no tables yet: a new store, or one whose creation was cut short
     * @throws ForeignFilesException if the file is a SQLite database Plinth did not write
     * @throws NoSuchStoreException if it has no tables and {@code readOnly} is set
     * @throws StorageIOException if it was written in a format this engine does not read
     * @throws SQLException if SQLite fails, {@code SQLITE_NOTADB} among others
     */
    static boolean check(String uri, Conn conn, Path file, boolean readOnly) throws SQLException {
        if (conn.queryLong(Schema.COUNT_TABLES) == 0) {
            if (readOnly) {
                throw new NoSuchStoreException("open " + uri + ": " + file + " holds no tables yet, and a read-only"
                        + " store cannot create them; open it once for writing first");
            }
            return true;
        }
        long applicationId = conn.queryLong("PRAGMA application_id");
        if (applicationId != Schema.APPLICATION_ID) {
            throw new ForeignFilesException("open " + uri + ": " + file + " is a SQLite database that Plinth did not"
                    + " write (its application_id is " + applicationId + ", not " + Schema.APPLICATION_ID
                    + "); nothing was changed");
        }
        long version = conn.queryLong("PRAGMA user_version");
        if (version != Schema.FORMAT_VERSION) {
            throw new StorageIOException("open " + uri + ": " + file + " has format version " + version
                    + ", and this engine reads only version " + Schema.FORMAT_VERSION + "; nothing was changed");
        }
        return false;
    }

    /**
     * Creates the tables of a new store in one transaction, and makes the file's directory entry durable.
     *
     * @param conn the writer's connection
     * @param file the database file
     * @throws SQLException if SQLite fails; nothing was created then
     */
    static void create(Conn conn, Path file) throws SQLException {
        conn.exec("BEGIN IMMEDIATE");
        try {
            for (String sql : Schema.CREATE) {
                conn.exec(sql);
            }
            conn.exec("COMMIT");
        } catch (SQLException e) {
            conn.exec("ROLLBACK");
            throw e;
        }
        syncDirectory(file.getParent());
    }

    /** Makes a new file's directory entry durable; quietly skipped where directories cannot be synced. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some platforms cannot open a directory; SQLite synced the file itself
        }
    }
}
