package com.example.plinth.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.NoSuchStoreException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only sqlite store opens its connections read-only: the engine itself refuses writes (not only
 * the core in front of it), creates nothing, and leaves the database file's bytes as they were.
 */
class SqliteReadOnlyTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void writeOneValue() {
        try (Store s = Plinth.open("sqlite:" + dir)) {
            s.defaultKeyspace().put(b("k"), b("v"));
        }
    }

    @Test
    void theEngineOpenedReadOnlyRefusesWritesItself() {
        writeOneValue();
        String uri = "sqlite:" + dir;
        EngineConfig config = new EngineConfig(uri, "sqlite", dir.toString(), Map.of(), Clock.systemUTC(), false, true);
        try (Engine engine = new SqliteEngineProvider().open(config)) {
            assertThat(engine.keyspaceNames()).containsExactly(Store.DEFAULT_KEYSPACE);
            assertThatThrownBy(() -> engine.createKeyspace("other"))
                    .isInstanceOf(UnsupportedCapabilityException.class)
                    .hasMessageStartingWith("Store " + uri + " was opened read-only");
        }
        try (Store s = Plinth.open(uri)) {
            assertThat(s.keyspaces()).containsExactly(Store.DEFAULT_KEYSPACE);
        }
    }

    @Test
    void aReadOnlyOpenReadsAndLeavesTheDatabaseAsItWas() throws Exception {
        writeOneValue();
        Path db = dir.resolve(SqliteDatabase.FILE);
        byte[] before = Files.readAllBytes(db);
        try (Store s = Plinth.open("sqlite:" + dir + "?readOnly=true")) {
            assertThat(s.defaultKeyspace().get(b("k"))).isEqualTo(b("v"));
            assertThatThrownBy(() -> s.defaultKeyspace().put(b("k"), b("w")))
                    .isInstanceOf(UnsupportedCapabilityException.class);
            s.flush();
        }
        assertThat(Files.readAllBytes(db)).as("plinth.db unchanged").isEqualTo(before);
    }

    @Test
    void aReadOnlyOpenOfNoStoreCreatesNothing() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> Plinth.open("sqlite:" + missing + "?readOnly=true"))
                .isInstanceOf(NoSuchStoreException.class);
        assertThat(missing).doesNotExist();
    }
}
