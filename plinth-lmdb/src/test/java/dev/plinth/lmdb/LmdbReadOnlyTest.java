package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only LMDB store opens its environment {@code MDB_RDONLY}: the engine itself refuses writes (not
 * only the core in front of it), creates nothing, and leaves the data file's bytes as they were.
 */
class LmdbReadOnlyTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void writeOneValue() {
        try (Store s = Plinth.open("lmdb:" + dir)) {
            s.defaultKeyspace().put(b("k"), b("v"));
        }
    }

    @Test
    void theEngineOpenedReadOnlyRefusesWritesItself() {
        writeOneValue();
        String uri = "lmdb:" + dir;
        EngineConfig config = new EngineConfig(uri, "lmdb", dir.toString(), Map.of(), Clock.systemUTC(), false, true);
        try (Engine engine = new LmdbEngineProvider().open(config)) {
            assertThat(engine.keyspaceNames()).containsExactly(Store.DEFAULT_KEYSPACE);
            assertThatThrownBy(() -> engine.createKeyspace("other"))
                    .isInstanceOf(UnsupportedCapabilityException.class)
                    .hasMessageStartingWith("Store " + uri + " was opened read-only");
        }
        try (Store s = Plinth.open("lmdb:" + dir)) {
            assertThat(s.keyspaces()).containsExactly(Store.DEFAULT_KEYSPACE);
        }
    }

    @Test
    void aReadOnlyOpenReadsAndLeavesTheDataFileAsItWas() throws Exception {
        writeOneValue();
        Path data = dir.resolve("data.mdb");
        byte[] before = Files.readAllBytes(data);
        try (Store s = Plinth.open("lmdb:" + dir + "?readOnly=true")) {
            assertThat(s.defaultKeyspace().get(b("k"))).isEqualTo(b("v"));
            assertThatThrownBy(() -> s.defaultKeyspace().put(b("k"), b("w")))
                    .isInstanceOf(UnsupportedCapabilityException.class);
            s.flush();
        }
        assertThat(Arrays.equals(Files.readAllBytes(data), before)).as("data.mdb unchanged").isTrue();
    }
}
