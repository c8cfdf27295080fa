package dev.plinth.rocksdb;

import static dev.plinth.rocksdb.RocksDbTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TableProperties;

/**
 * URI parameters of the RocksDB engine: parsed, bounded, rejected by name when wrong, and read back from
 * what RocksDB itself reports (its OPTIONS file and its properties) to prove they reached it.
 */
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
        assertThat(o.statistics()).isFalse();
        assertThat(o.indexAndFilters()).isEqualTo(RocksDbOptions.IndexAndFilters.MEMORY);
    }

    @Test
    void parametersAreParsed() {
        RocksDbOptions o = RocksDbOptions.fromConfig(config(dir, Map.of("blockCacheSize", "256m",
                "writeBufferSize", "1G", "compression", "ZSTD", "maxOpenFiles", "-1", "statistics", "TRUE",
                "indexAndFilters", " Cache ")));
        assertThat(o.blockCacheSize()).isEqualTo(256L << 20);
        assertThat(o.writeBufferSize()).isEqualTo(1L << 30);
        assertThat(o.compression()).isEqualTo(RocksDbOptions.Compression.ZSTD);
        assertThat(o.maxOpenFiles()).isEqualTo(-1);
        assertThat(o.statistics()).isTrue();
        assertThat(o.indexAndFilters()).isEqualTo(RocksDbOptions.IndexAndFilters.CACHE);
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
        assertRejected(Map.of("statistics", "yes"), "statistics");
        assertRejected(Map.of("cacheSize", "1m"), "cacheSize");
        assertThatThrownBy(() -> RocksDbOptions.fromConfig(config(dir, Map.of("indexAndFilters", "disk"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter indexAndFilters=disk is not one of memory, cache");
        assertThatThrownBy(() -> RocksDbOptions.builder().indexAndFilters(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("indexAndFilters");
    }

    @Test
    void indexAndFilterBlocksAreHeldWhereTheParameterSays() {
        int keys = 20_000;
        Map<RocksDbOptions.IndexAndFilters, Map<String, Long>> stats = new HashMap<>();
        for (RocksDbOptions.IndexAndFilters where : RocksDbOptions.IndexAndFilters.values()) {
            try (Store s = Plinth.open("rocksdb:" + dir.resolve(where.paramValue()) + "?indexAndFilters="
                    + where.paramValue())) {
                for (int i = 0; i < keys; i++) {
                    s.defaultKeyspace().put(String.format("key%08d", i).getBytes(), new byte[] {(byte) i},
                            WriteOptions.durability(Durability.NONE));
                }
                s.flush();
                assertThat(s.defaultKeyspace().get(String.format("key%08d", keys / 2).getBytes()))
                        .containsExactly((byte) (keys / 2));
                stats.put(where, s.stats().counters());
            }
        }
        // The one SST file's Bloom filter alone is 10 bits a key, 25,000 bytes: in the table reader's memory by
        // default, in the block cache (pinned, as the file is in L0) with indexAndFilters=cache.
        long filterBytes = keys * (long) RocksDbNativeOptions.BLOOM_BITS_PER_KEY / 8;
        Map<String, Long> memory = stats.get(RocksDbOptions.IndexAndFilters.MEMORY);
        Map<String, Long> cache = stats.get(RocksDbOptions.IndexAndFilters.CACHE);
        assertThat(memory.get("rocksdb.estimate-table-readers-mem") - cache.get("rocksdb.estimate-table-readers-mem"))
                .as("table readers' memory, default %s, cached %s", memory, cache).isGreaterThan(filterBytes * 9 / 10);
        assertThat(cache.get("rocksdb.block-cache-pinned-usage") - memory.get("rocksdb.block-cache-pinned-usage"))
                .as("pinned block cache, default %s, cached %s", memory, cache).isGreaterThan(filterBytes * 9 / 10);
    }

    @Test
    void aStoreWrittenWithOneIndexAndFiltersSettingReadsWithTheOther() {
        // Stores made before memory became the default have partitioned index and filter blocks: each SST file
        // records its own index type, so either setting reads files written with the other.
        Path store = dir.resolve("switched");
        String[] order = {"cache", "memory", "cache"};
        for (int round = 0; round < order.length; round++) {
            try (Store s = Plinth.open("rocksdb:" + store + "?indexAndFilters=" + order[round])) {
                for (int earlier = 0; earlier < round; earlier++) {
                    for (int i = 0; i < 1_000; i += 97) {
                        assertThat(s.defaultKeyspace().get(String.format("r%d-%06d", earlier, i).getBytes()))
                                .as("written with %s, read with %s", order[earlier], order[round])
                                .containsExactly((byte) i);
                    }
                }
                for (int i = 0; i < 1_000; i++) {
                    s.defaultKeyspace().put(String.format("r%d-%06d", round, i).getBytes(), new byte[] {(byte) i},
                            WriteOptions.durability(Durability.NONE));
                }
                s.flush();
            }
        }
    }

    @Test
    void compactRewritesEveryFileWithTheIndexAndFiltersSettingTheStoreIsOpenWith() throws RocksDBException {
        // The layout is fixed in each SST file when it is written. A file already in the bottommost level is one
        // RocksDB's plain compactRange leaves alone: compact() must rewrite it too, so that a changed setting
        // (or a store made before memory became the default) reaches every file.
        int keys = 20_000;
        long filterBytes = keys * (long) RocksDbNativeOptions.BLOOM_BITS_PER_KEY / 8;
        String[][] switches = {{"cache", "memory"}, {"memory", "cache"}};
        for (String[] change : switches) {
            Path store = dir.resolve(change[0] + "-then-" + change[1]);
            try (Store s = Plinth.open("rocksdb:" + store + "?indexAndFilters=" + change[0])) {
                for (int i = 0; i < keys; i++) {
                    s.defaultKeyspace().put(String.format("key%08d", i).getBytes(), new byte[] {(byte) i},
                            WriteOptions.durability(Durability.NONE));
                }
                s.flush();
                s.compact(); // into the bottommost level
            }
            try (Engine e = RocksDbTestSupport.open(store, Map.of("indexAndFilters", change[1]))) {
                RocksDB db = ((RocksDbEngine) e).db();
                assertThat(layouts(db)).as("SST files written with %s", change[0]).isNotEmpty()
                        .containsOnly(change[0]);
                e.compact();
                assertThat(layouts(db)).as("SST files written with %s, compacted with %s", change[0], change[1])
                        .isNotEmpty().containsOnly(change[1]);
                if (change[1].equals("memory")) {
                    // The rewritten file's table reader (opened by the compaction to check it) holds its filter.
                    assertThat(e.stats().get("rocksdb.estimate-table-readers-mem")).as("table readers' memory")
                            .isGreaterThan(filterBytes * 9 / 10);
                }
            }
        }
    }

    /** The layout of each live SST file: {@code cache} if its index is partitioned, {@code memory} if whole. */
    private static List<String> layouts(RocksDB db) throws RocksDBException {
        List<String> out = new ArrayList<>();
        for (TableProperties p : db.getPropertiesOfAllTables().values()) {
            out.add(p.getIndexPartitions() > 0 ? "cache" : "memory");
        }
        return out;
    }

    @Test
    void aRefusedIndexAndFiltersValueCreatesNothing() {
        Path store = dir.resolve("refused");
        assertThatThrownBy(() -> Plinth.open("rocksdb:" + store + "?indexAndFilters=pinned"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("indexAndFilters=pinned");
        assertThat(store).doesNotExist();
    }

    @Test
    void cacheWithoutABlockCacheIsRefused() {
        // Nothing would bound the index and filter blocks: RocksDB would hold them outside any cache instead.
        assertThatThrownBy(() -> RocksDbOptions.fromConfig(config(dir, Map.of("indexAndFilters", "cache",
                "blockCacheSize", "0k"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid rocksdb store URI ")
                .hasMessageContaining("parameter indexAndFilters=cache needs blockCacheSize > 0, not 0k");
        assertThatThrownBy(() -> RocksDbOptions.builder().indexAndFilters(RocksDbOptions.IndexAndFilters.CACHE)
                .blockCacheSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter indexAndFilters=cache needs blockCacheSize > 0, not 0");
        Path store = dir.resolve("uncached");
        assertThatThrownBy(() -> Plinth.open("rocksdb:" + store + "?indexAndFilters=cache&blockCacheSize=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blockCacheSize > 0");
        assertThat(store).doesNotExist();
        // Without a block cache the default, memory, is accepted.
        assertThat(RocksDbOptions.builder().blockCacheSize(0).build().indexAndFilters())
                .isEqualTo(RocksDbOptions.IndexAndFilters.MEMORY);
    }

    @Test
    void anUnknownParameterDoesNotHideBadValuesBesideIt() {
        assertThatThrownBy(() -> RocksDbOptions.fromConfig(config(dir, Map.of("bogus", "1",
                "writeBufferSize", "1k"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid rocksdb store URI ")
                .hasMessageContaining("unknown parameter bogus")
                .hasMessageContaining("writeBufferSize=1k must be between 64k and 4g");
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
        RocksDbOptions o = RocksDbOptions.builder().compression(RocksDbOptions.Compression.SNAPPY)
                .indexAndFilters(RocksDbOptions.IndexAndFilters.CACHE).build();
        assertThat(o.toParams()).containsEntry("compression", "snappy").containsEntry("indexAndFilters", "cache");
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

    @Test
    void everySettingReachesRocksDb() throws IOException, RocksDBException {
        Map<RocksDbOptions.Compression, String> rocksNames = Map.of(RocksDbOptions.Compression.NONE, "kNoCompression",
                RocksDbOptions.Compression.LZ4, "kLZ4Compression", RocksDbOptions.Compression.ZSTD, "kZSTD",
                RocksDbOptions.Compression.SNAPPY, "kSnappyCompression");
        for (RocksDbOptions.Compression c : RocksDbOptions.Compression.values()) {
            long blockCache = c == RocksDbOptions.Compression.NONE ? 0 : (8L << 20) + (c.ordinal() << 20);
            long writeBuffer = (3L << 20) + ((long) c.ordinal() << 16);
            int maxOpenFiles = c == RocksDbOptions.Compression.NONE ? -1 : 123 + c.ordinal();
            // Every compression with the default (index and filters in memory) and again with them cached, which
            // needs a block cache (cacheWithoutABlockCacheIsRefused).
            for (RocksDbOptions.IndexAndFilters where : RocksDbOptions.IndexAndFilters.values()) {
                if (where == RocksDbOptions.IndexAndFilters.CACHE && blockCache == 0) {
                    continue;
                }
                checkSettingsReachRocksDb(dir.resolve(c.paramValue() + "-" + where.paramValue()), c, rocksNames.get(c),
                        blockCache, writeBuffer, maxOpenFiles, where);
            }
        }
    }

    private static void checkSettingsReachRocksDb(Path d, RocksDbOptions.Compression c, String rocksCompression,
                                                  long blockCache, long writeBuffer, int maxOpenFiles,
                                                  RocksDbOptions.IndexAndFilters where)
            throws IOException, RocksDBException {
        Map<String, String> params = Map.of("blockCacheSize", Long.toString(blockCache), "writeBufferSize",
                Long.toString(writeBuffer), "compression", c.paramValue(), "maxOpenFiles",
                Integer.toString(maxOpenFiles), "indexAndFilters", where.paramValue());
        try (Engine e = RocksDbTestSupport.open(d, params)) {
            e.createKeyspace("later"); // made after open: it must get the same column family options
            RocksDbEngine engine = (RocksDbEngine) e;
            if (blockCache > 0) {
                assertThat(engine.db().getLongProperty("rocksdb.block-cache-capacity")).as("block cache of %s", c)
                        .isEqualTo(blockCache);
            }
        }
        Map<String, Map<String, String>> options = newestOptionsFile(d);
        assertSection(options, "DBOptions", params, Map.of(
                "max_open_files", Integer.toString(maxOpenFiles),
                "db_write_buffer_size", Long.toString(RocksDbOptions.MEMTABLE_BUDGET_FACTOR * writeBuffer),
                "keep_log_file_num", Integer.toString(RocksDbNativeOptions.INFO_LOG_FILES_KEPT),
                "max_log_file_size", Long.toString(RocksDbNativeOptions.INFO_LOG_FILE_SIZE)));
        boolean cached = where == RocksDbOptions.IndexAndFilters.CACHE;
        if (blockCache > 0) {
            // The high-priority pool cached index and filter blocks go to (RocksJava's LRUCache(capacity) has none),
            // which the OPTIONS file does not show: RocksDB's info LOG prints the cache's options when it opens.
            assertThat(Files.readString(d.resolve("LOG"))).as("RocksDB's LOG of a store opened with %s", params)
                    .contains("high_pri_pool_ratio: " + (cached ? "0.500" : "0.000"));
        }
        for (String cf : new String[] {"default", "later"}) {
            assertSection(options, "CFOptions \"" + cf + "\"", params, Map.of(
                    "write_buffer_size", Long.toString(writeBuffer),
                    "compression", rocksCompression));
            Map<String, String> table = new HashMap<>(Map.of(
                    "no_block_cache", Boolean.toString(blockCache == 0),
                    "cache_index_and_filter_blocks", Boolean.toString(cached),
                    "filter_policy", "bloomfilter:" + (int) RocksDbNativeOptions.BLOOM_BITS_PER_KEY + ":false"));
            if (cached) {
                // The bounded read path at scale (docs/engines/rocksdb.md): partitioned, top level and L0 pinned.
                table.putAll(Map.of(
                        "index_type", "kTwoLevelIndexSearch",
                        "partition_filters", "true",
                        "pin_top_level_index_and_filter", "true",
                        "cache_index_and_filter_blocks_with_high_priority", "true",
                        "pin_l0_filter_and_index_blocks_in_cache", "true"));
            } else {
                // As RocksDB's defaults: one whole index per file, held by the table reader.
                table.putAll(Map.of("index_type", "kBinarySearch", "partition_filters", "false"));
            }
            assertSection(options, "TableOptions/BlockBasedTable \"" + cf + "\"", params, table);
        }
    }

    /** Checks that a section of an OPTIONS file holds the expected values, showing only those on failure. */
    private static void assertSection(Map<String, Map<String, String>> options, String section,
                                      Map<String, String> params, Map<String, String> expected) {
        assertThat(options).as("OPTIONS file sections").containsKey(section);
        Map<String, String> actual = new HashMap<>();
        for (String name : expected.keySet()) {
            actual.put(name, options.get(section).get(name));
        }
        assertThat(actual).as("[%s] of a store opened with %s", section, params).isEqualTo(expected);
    }

    /**
     * The newest {@code OPTIONS-NNNNNN} file RocksDB wrote in a store, as sections ({@code DBOptions},
     * {@code CFOptions "default"}, ...) of {@code name=value} lines.
     */
    private static Map<String, Map<String, String>> newestOptionsFile(Path store) throws IOException {
        Optional<Path> newest;
        try (Stream<Path> files = Files.list(store)) {
            newest = files.filter(p -> p.getFileName().toString().startsWith("OPTIONS-"))
                    .max(Comparator.comparing(p -> Long.parseLong(p.getFileName().toString().substring(8))));
        }
        assertThat(newest).as("an OPTIONS file in %s", store).isPresent();
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : Files.readAllLines(newest.get())) {
            String t = line.trim();
            if (t.startsWith("[") && t.endsWith("]")) {
                current = sections.computeIfAbsent(t.substring(1, t.length() - 1), k -> new HashMap<>());
            } else if (current != null && !t.startsWith("#") && t.contains("=")) {
                current.put(t.substring(0, t.indexOf('=')), t.substring(t.indexOf('=') + 1));
            }
        }
        return sections;
    }

    private void assertRejected(Map<String, String> params, String name) {
        assertThatThrownBy(() -> RocksDbOptions.fromConfig(config(dir, params)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }
}
