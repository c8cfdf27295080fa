package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.NoSuchStoreException;
import dev.plinth.Plinth;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RocksDB store that another process holds open: before, even reading it failed with RocksDB's raw
 * {@code LOCK} message. A write open now says "in use by another process"; {@code readOnly=true} reads it.
 */
class RocksDbReadOnlyTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The child: opens the store, writes {@code k=v} with SYNC, says "ready" and holds it until stdin closes. */
    public static final class HoldOpen {
        private HoldOpen() {
        }

        /**
         * Runs the child.
         *
         * @param args the store URI
         * @throws IOException if stdin fails
         */
        public static void main(String[] args) throws IOException {
            try (Store s = Plinth.open(args[0])) {
                s.defaultKeyspace().put(b("k"), b("v"), WriteOptions.durability(Durability.SYNC));
                System.out.println("ready");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // hold the store open until the parent closes our stdin
                }
            }
        }
    }

    @Test
    void aStoreHeldByAnotherProcessIsRefusedForWritingAndReadableReadOnly() throws Exception {
        String uri = "rocksdb:" + dir.resolve("db");
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldOpen.class.getName(), uri))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");

            assertThatThrownBy(() -> Plinth.open(uri).close()).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("is in use by another process").hasMessageContaining("readOnly=true");

            try (Store ro = Plinth.builder(uri).readOnly(true).open()) {
                assertThat(ro.defaultKeyspace().get(b("k"))).isEqualTo(b("v"));
                assertThat(ro.verify()).isEmpty();
                assertThatThrownBy(() -> ro.defaultKeyspace().put(b("x"), b("y")))
                        .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("read-only");
                ro.flush(); // nothing to do, and no error
            }
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        try (Store s = Plinth.open(uri + "?readOnly=true")) {
            assertThat(s.defaultKeyspace().get(b("k"))).isEqualTo(b("v"));
        }
    }

    @Test
    void readOnlyNeverCreatesAStore() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> Plinth.open("rocksdb:" + missing + "?readOnly=true").close())
                .isInstanceOf(NoSuchStoreException.class);
        assertThat(Files.exists(missing)).isFalse();
    }
}
