package com.example.plinth.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.ForeignFilesException;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** What the kit cannot know about this engine: its files, its durability mapping and its error translation. */
class SqliteEngineTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFileThatIsNotASqliteDatabaseIsCorruptionAndIsLeftAsItWas() throws IOException {
        Path file = Files.createDirectories(dir.resolve("store")).resolve(SqliteDatabase.FILE);
        byte[] junk = new byte[8192];
        Arrays.fill(junk, (byte) 'x');
        Files.write(file, junk);
        assertThatThrownBy(() -> Plinth.open("sqlite:" + dir.resolve("store")))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("open on sqlite:" + dir.resolve("store"))
                .hasMessageContaining("not a SQLite database");
        assertThat(Files.readAllBytes(file)).isEqualTo(junk);
    }

    @Test
    void aSqliteDatabasePlinthDidNotWriteIsForeignAndIsLeftAsItWas() throws Exception {
        Path file = Files.createDirectories(dir.resolve("store")).resolve(SqliteDatabase.FILE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes(text TEXT)");
        }
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> Plinth.open("sqlite:" + dir.resolve("store")))
                .isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("a SQLite database that Plinth did not write")
                .hasMessageContaining("nothing was changed");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void damagedPagesAreReportedAsCorruptionNeverReturnedAsData() throws IOException {
        String uri = "sqlite:" + dir.resolve("store");
        try (Store s = Plinth.open(uri)) {
            Keyspace ks = s.defaultKeyspace();
            byte[] value = new byte[200];
            for (int i = 0; i < 2000; i++) {
                Arrays.fill(value, (byte) i);
                ks.put(bytes(String.format("key-%05d", i)), value);
            }
        }
        Path file = dir.resolve("store").resolve(SqliteDatabase.FILE);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] garbage = new byte[4096 * 8];
            Arrays.fill(garbage, (byte) 0x5A);
            f.seek(f.length() / 2 / 4096 * 4096); // whole pages in the middle of the table
            f.write(garbage);
        }
        try (Store s = Plinth.open(uri)) {
            assertThatThrownBy(() -> s.defaultKeyspace().scan(Range.all(), ScanOptions.forward()))
                    .isInstanceOf(CorruptionException.class)
                    .hasMessageContaining(uri);
            assertThatThrownBy(() -> s.defaultKeyspace().put(bytes("after"), bytes("damage")))
                    .as("writes after damage was found")
                    .isInstanceOf(CorruptionException.class);
        }
    }

    @Test
    void syncCommitsAreSyncedAndFlushSyncsTheOthersOnce() {
        try (Store s = Plinth.open("sqlite:" + dir.resolve("store"))) {
            Keyspace ks = s.defaultKeyspace();
            long commits = s.stats().counter("sqlite.commits");
            long synced = s.stats().counter("sqlite.syncedCommits");
            ks.put(bytes("a"), bytes("1"), WriteOptions.durability(Durability.SYNC));
            ks.put(bytes("b"), bytes("2"), WriteOptions.durability(Durability.PROCESS));
            ks.put(bytes("c"), bytes("3"), WriteOptions.durability(Durability.NONE));
            assertThat(s.stats().counter("sqlite.commits")).isEqualTo(commits + 3);
            assertThat(s.stats().counter("sqlite.syncedCommits")).as("only the SYNC put").isEqualTo(synced + 1);
            s.flush();
            assertThat(s.stats().counter("sqlite.syncedCommits")).as("flush syncs once").isEqualTo(synced + 2);
            s.flush();
            assertThat(s.stats().counter("sqlite.syncedCommits")).as("nothing left to sync").isEqualTo(synced + 2);
        }
    }

    @Test
    void sqliteErrorsBecomePlinthExceptionsNamingStoreAndKey() {
        String store = "sqlite:/data/app";
        byte[] key = bytes("user:42");
        assertThat(SqliteErrors.translate(new SQLiteException("locked", SQLiteErrorCode.SQLITE_BUSY), store, "apply", key))
                .isInstanceOf(StorageIOException.class)
                .hasMessageContaining("apply of key \"user:42\" on sqlite:/data/app failed")
                .hasMessageContaining("locked by another connection");
        assertThat(SqliteErrors.translate(new SQLiteException("full", SQLiteErrorCode.SQLITE_FULL), store, "apply", key))
                .isInstanceOf(StorageFullException.class)
                .hasMessageContaining("nothing was applied");
        assertThat(SqliteErrors.translate(new SQLiteException("bad", SQLiteErrorCode.SQLITE_CORRUPT), store, "get", key))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("get of key \"user:42\" on sqlite:/data/app failed");
        assertThat(SqliteErrors.translate(new SQLiteException("bad", SQLiteErrorCode.SQLITE_NOTADB), store, "open", null))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("not a SQLite database");
        assertThat(SqliteErrors.translate(new SQLiteException("io", SQLiteErrorCode.SQLITE_IOERR_FSYNC), store, "apply", null))
                .isInstanceOf(StorageIOException.class);
        assertThat(SqliteErrors.isFatal(new SQLiteException("io", SQLiteErrorCode.SQLITE_IOERR_FSYNC))).isTrue();
        assertThat(SqliteErrors.isFatal(new SQLiteException("full", SQLiteErrorCode.SQLITE_FULL))).isFalse();
        assertThat(SqliteErrors.show(new byte[] {0, (byte) 0xFF})).isEqualTo("0x00ff");
    }
}
