package dev.plinth.rocksdb;

import static dev.plinth.rocksdb.RocksDbTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URI parameters of the RocksDB engine: parsed, bounded, and rejected by name when wrong. */
class RocksDbOptionsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreBounded() {
        RocksDbOptions o = RocksDbOptions.fromConfig(config(dir, Map.of()));
        assertThat(o.blockCacheSize()).isEqualTo(64L << 20);
        assertThat(o.writeBufferSize()).isEqualTo(32L << 20);
        assertThat(o.compression()).isEqualTo(RocksDbOptions.Compression.LZ4);
        assertThat(o.maxOpenFiles()).isEqualTo(512);
    }

    @Test
    void parametersAreParsed() {
        RocksDbOptions o = RocksDbOptions.fromConfig(config(dir, Map.of("blockCacheSize", "256m",
                "writeBufferSize", "1G", "compression", "ZSTD", "maxOpenFiles", "-1")));
        assertThat(o.blockCacheSize()).isEqualTo(256L << 20);
        assertThat(o.writeBufferSize()).isEqualTo(1L << 30);
        assertThat(o.compression()).isEqualTo(RocksDbOptions.Compression.ZSTD);
        assertThat(o.maxOpenFiles()).isEqualTo(-1);
        assertThat(RocksDbOptions.fromConfig(config(dir, o.toParams())).toParams()).isEqualTo(o.toParams());
    }

    @Test
    void badValuesAreRejectedWithTheParameterName() {
        assertRejected(Map.of("blockCacheSize", "lots"), "blockCacheSize");
        assertRejected(Map.of("blockCacheSize", "-1"), "blockCacheSize");
        assertRejected(Map.of("writeBufferSize", "1k"), "writeBufferSize");
        assertRejected(Map.of("writeBufferSize", "64g"), "writeBufferSize");
        assertRejected(Map.of("compression", "gzip"), "compression");
        assertRejected(Map.of("maxOpenFiles", "many"), "maxOpenFiles");
        assertRejected(Map.of("maxOpenFiles", "5"), "maxOpenFiles");
        assertRejected(Map.of("cacheSize", "1m"), "cacheSize");
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        assertThatThrownBy(() -> RocksDbOptions.fromConfig(config(dir, Map.of("compression", "gzip",
                "maxOpenFiles", "5", "writeBufferSize", "x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compression").hasMessageContaining("maxOpenFiles")
                .hasMessageContaining("writeBufferSize");
    }

    @Test
    void theTypedBuilderChecksBoundsToo() {
        assertThatThrownBy(() -> RocksDbOptions.builder().writeBufferSize(10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeBufferSize");
        RocksDbOptions o = RocksDbOptions.builder().compression(RocksDbOptions.Compression.SNAPPY).build();
        assertThat(o.toParams()).containsEntry("compression", "snappy");
    }

    @Test
    void theUriReachesTheEngineAndBadParametersFailTheOpen() {
        String uri = "rocksdb:" + dir.resolve("a") + "?blockCacheSize=8m&writeBufferSize=1m&compression=snappy&maxOpenFiles=100";
        try (Store s = Plinth.open(uri)) {
            s.defaultKeyspace().put(new byte[] {1}, new byte[] {2});
            assertThat(s.defaultKeyspace().get(new byte[] {1})).containsExactly(2);
            assertThat(s.stats().counter("rocksdb.block-cache-capacity")).isEqualTo(8L << 20);
        }
        StoreOptions.Builder typed = Plinth.builder("rocksdb:" + dir.resolve("b"));
        RocksDbOptions.builder().compression(RocksDbOptions.Compression.NONE).blockCacheSize(0).build().toParams()
                .forEach(typed::param);
        try (Store s = typed.open()) {
            s.defaultKeyspace().put(new byte[] {1}, new byte[] {2});
        }
        assertThatThrownBy(() -> Plinth.open("rocksdb:" + dir.resolve("c") + "?compression=brotli"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compression");
        assertThatThrownBy(() -> Plinth.open("rocksdb:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("directory");
    }

    private void assertRejected(Map<String, String> params, String name) {
        assertThatThrownBy(() -> RocksDbOptions.fromConfig(config(dir, params)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }
}
