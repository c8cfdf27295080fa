package dev.plinth.rocksdb;

import static dev.plinth.rocksdb.RocksDbTestSupport.b;
import static dev.plinth.rocksdb.RocksDbTestSupport.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged SST block is reported as {@link CorruptionException}, never returned as data, and a scan over
 * it fails instead of ending early with a partial result (a scan error swallowed would return a silently partial result).
 */
class RocksDbCorruptionTest {
    private static final Map<String, String> PLAIN = Map.of("compression", "none");

    @TempDir
    Path dir;

    @Test
    void aDamagedDataBlockFailsScansAndReadsWithCorruption() throws IOException {
        byte[] value = new byte[100];
        Arrays.fill(value, (byte) 'v');
        try (Engine e = open(dir, PLAIN)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            EngineBatch.Builder batch = EngineBatch.builder(Durability.SYNC);
            for (int i = 0; i < 1000; i++) {
                batch.put(ks, b(String.format("key%05d", i)), value);
            }
            e.apply(batch.build());
            e.flush();
        }
        List<Path> ssts;
        try (Stream<Path> files = Files.list(dir)) {
            ssts = files.filter(p -> p.toString().endsWith(".sst")).toList();
        }
        assertThat(ssts).hasSize(1);
        try (RandomAccessFile f = new RandomAccessFile(ssts.get(0).toFile(), "rw")) {
            // Inside the first data block, far from the footer, index and filter that opening reads.
            byte[] bytes = new byte[64];
            f.seek(200);
            f.readFully(bytes);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] ^= (byte) 0xFF;
            }
            f.seek(200);
            f.write(bytes);
        }
        try (Engine e = open(dir, PLAIN)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            assertThatThrownBy(() -> {
                try (EngineCursor c = e.cursor(ks, ScanSpec.of(null, null))) {
                    while (c.next()) {
                        c.value();
                    }
                }
            }).isInstanceOf(CorruptionException.class).hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("scan");
            assertThatThrownBy(() -> e.get(ks, b("key00001"))).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("get");
        }
        try (Engine e = open(dir, PLAIN)) {
            // RocksDB's own VerifyChecksum reads every block: damage is a reported problem, not a throw.
            assertThat(e.verify()).hasSize(1).allSatisfy(p -> assertThat(p).contains(dir.toAbsolutePath().toString()));
        }
    }
}
