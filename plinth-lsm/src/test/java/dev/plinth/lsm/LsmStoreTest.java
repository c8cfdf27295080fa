package dev.plinth.lsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.ForeignFilesException;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.PlinthException;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lsm: scheme through the public API: read-only opening, and what it takes for its own files. */
class LsmStoreTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> files(Path d) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void aStoreOpenedReadOnlyReadsEverythingWritesNothingAndTakesNoLock() throws IOException {
        Path d = dir.resolve("store");
        String uri = "lsm:" + d + "?memtableSize=16k";
        try (Store s = Plinth.open(uri)) {
            Keyspace ks = s.createKeyspace("other");
            for (int i = 0; i < 500; i++) {
                s.defaultKeyspace().put(b("k" + i), b("value " + i + " ".repeat(40)));
                ks.put(b("o" + i), b("v" + i));
            }
            s.defaultKeyspace().deleteRange(dev.plinth.Range.of(b("k1"), b("k2")));
        }
        Map<String, byte[]> before = files(d);
        try (Store writer = Plinth.open(uri);
             Store reader = Plinth.builder(uri).readOnly(true).open()) {
            assertThat(reader.defaultKeyspace().get(b("k7"))).isEqualTo(b("value 7" + " ".repeat(40)));
            assertThat(reader.defaultKeyspace().get(b("k15"))).isNull();
            assertThat(reader.keyspace("other").get(b("o499"))).isEqualTo(b("v499"));
            assertThatThrownBy(() -> reader.defaultKeyspace().put(b("x"), b("y"))).isInstanceOf(PlinthException.class);
            assertThat(reader.verify()).isEmpty();
            assertThat(writer.defaultKeyspace().get(b("k7"))).isNotNull();
        }
        Map<String, byte[]> afterWriterClosed = files(d);
        try (Store reader = Plinth.builder(uri).readOnly(true).open()) {
            assertThat(reader.defaultKeyspace().get(b("k499"))).isNotNull();
        }
        assertThat(files(d).keySet()).as("a read-only open and close changes no file")
                .isEqualTo(afterWriterClosed.keySet());
        files(d).forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(afterWriterClosed.get(name)));
        assertThat(before).isNotEmpty();
    }

    @Test
    void uncompressedTablesReadInPlaceFromTheMappingServeGetsAndCursorsAsTheModel() {
        // Random values and no compression: every data block is read where it lies in the mapping.
        String uri = "lsm:" + dir.resolve("inplace") + "?memtableSize=16k&blockCacheSize=64k&tableReads=mmap"
                + "&compression=none&" + LsmConformanceTest.TINY_LEVELS;
        java.util.Random rnd = new java.util.Random(Long.getLong("plinth.seed", 11L));
        TreeMap<String, byte[]> model = new TreeMap<>();
        for (int round = 0; round < 3; round++) {
            try (Store s = Plinth.open(uri)) {
                Keyspace ks = s.defaultKeyspace();
                for (int i = 0; i < 3000; i++) {
                    String k = String.format("key-%05d", rnd.nextInt(4000));
                    if (rnd.nextInt(8) == 0) {
                        ks.delete(b(k), WriteOptions.durability(Durability.PROCESS));
                        model.remove(k);
                    } else {
                        byte[] v = new byte[20 + rnd.nextInt(100)];
                        rnd.nextBytes(v);
                        ks.put(b(k), v, WriteOptions.durability(Durability.PROCESS));
                        model.put(k, v);
                    }
                }
                if (round == 1) {
                    s.compact();
                }
                for (int i = 0; i < 4000; i++) {
                    String k = String.format("key-%05d", i);
                    assertThat(ks.get(b(k))).as(k).isEqualTo(model.get(k));
                }
                for (boolean reverse : new boolean[] {false, true}) {
                    String from = String.format("key-%05d", rnd.nextInt(4000));
                    java.util.NavigableMap<String, byte[]> want = reverse ? model.headMap(from, false).descendingMap()
                            : model.tailMap(from, true);
                    java.util.Iterator<Map.Entry<String, byte[]>> expected = want.entrySet().iterator();
                    dev.plinth.Range range = reverse ? dev.plinth.Range.until(b(from)) : dev.plinth.Range.from(b(from));
                    try (dev.plinth.Cursor c = ks.cursor(range, reverse ? dev.plinth.ScanOptions.reverse()
                            : dev.plinth.ScanOptions.forward())) {
                        while (c.next()) {
                            Map.Entry<String, byte[]> e = expected.next();
                            assertThat(new String(c.key(), StandardCharsets.UTF_8)).isEqualTo(e.getKey());
                            assertThat(c.value()).as(e.getKey()).isEqualTo(e.getValue());
                        }
                    }
                    assertThat(expected.hasNext()).as("round %d reverse %s: entries the cursor missed", round, reverse)
                            .isFalse();
                }
                assertThat(s.verify()).isEmpty();
            }
        }
    }

    @Test
    void tablesReadThroughAMappingOrWithPositionalReadsServeWhatWasWrittenAcrossFlushesCompactionAndReopen() {
        for (String reads : new String[] {"", "&tableReads=pread"}) { // the default is mmap
            tablesServeWhatWasWrittenAcrossFlushesCompactionAndReopen(
                    "lsm:" + dir.resolve("reads" + reads.length()) + "?memtableSize=16k&blockCacheSize=64k" + reads);
        }
        assertThatThrownBy(() -> Plinth.open("lsm:" + dir.resolve("bad") + "?tableReads=sometimes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tableReads must be pread or mmap");
    }

    private static void tablesServeWhatWasWrittenAcrossFlushesCompactionAndReopen(String uri) {
        java.util.Random rnd = new java.util.Random(Long.getLong("plinth.seed", 7L));
        Map<String, byte[]> model = new TreeMap<>();
        for (int round = 0; round < 3; round++) {
            try (Store s = Plinth.open(uri)) {
                for (int i = 0; i < 2000; i++) {
                    String k = "key-" + rnd.nextInt(3000);
                    byte[] v = b("v" + rnd.nextInt() + " ".repeat(rnd.nextInt(60)));
                    s.defaultKeyspace().put(b(k), v, WriteOptions.durability(Durability.PROCESS)); // no fsync each
                    model.put(k, v);
                }
                if (round == 1) {
                    s.compact();
                }
                for (Map.Entry<String, byte[]> e : model.entrySet()) {
                    assertThat(s.defaultKeyspace().get(b(e.getKey()))).as("%s %s", uri, e.getKey())
                            .isEqualTo(e.getValue());
                }
                assertThat(s.verify()).isEmpty();
            }
        }
    }

    @Test
    void theLeftoversOfAnInterruptedCreationAreItsOwnButAnotherEnginesStoreIsRefused() throws IOException {
        Path interrupted = Files.createDirectories(dir.resolve("interrupted"));
        // The first manifest and CURRENT are written before the identity file that proves a store.
        Files.write(interrupted.resolve("CURRENT"), b("MANIFEST-0000000001 00000000\n"));
        Files.write(interrupted.resolve("MANIFEST-0000000001"), new byte[40]);
        try (Store s = Plinth.open("lsm:" + interrupted)) {
            s.defaultKeyspace().put(b("a"), b("b"));
        }
        try (Store s = Plinth.open("lsm:" + interrupted)) {
            assertThat(s.defaultKeyspace().get(b("a"))).isEqualTo(b("b"));
        }
        Path rocks = Files.createDirectories(dir.resolve("rocks"));
        Files.write(rocks.resolve("CURRENT"), b("MANIFEST-000005\n"));
        Files.write(rocks.resolve("IDENTITY"), b("x"));
        Files.write(rocks.resolve("000004.log"), b("x"));
        assertThatThrownBy(() -> Plinth.open("lsm:" + rocks)).isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("RocksDB");
    }

    @Test
    void theConformanceKitsOptionsCompactInTheBackgroundIntoDeeperLevels() {
        String uri = "lsm:" + dir.resolve("levels") + "?memtableSize=8k&walSegmentSize=32k&" + LsmConformanceTest.TINY_LEVELS;
        try (Store s = Plinth.open(uri)) {
            for (int i = 0; i < 3000; i++) {
                s.defaultKeyspace().put(b(String.format("k%05d", (i * 7919) % 3000)), b("value " + i + " ".repeat(30)));
            }
            s.compact();
            for (int i = 0; i < 1500; i++) {
                s.defaultKeyspace().put(b(String.format("k%05d", (i * 7919) % 3000)), b("again " + i));
            }
            Map<String, Long> stats = s.stats().counters();
            assertThat(stats.get("lsm.compactions")).as("%s", stats).isGreaterThan(1);
            assertThat(s.defaultKeyspace().get(b(String.format("k%05d", (1499 * 7919) % 3000)))).isEqualTo(b("again 1499"));
            assertThat(s.verify()).isEmpty();
        }
    }

    @Test
    void compactionParametersAreCheckedAllAtOnce() {
        String uri = "lsm:" + dir.resolve("bad") + "?l0CompactionTrigger=0&tableSize=1&levelMultiplier=x";
        assertThatThrownBy(() -> Plinth.open(uri)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("levelMultiplier=x");
        String uri2 = "lsm:" + dir.resolve("bad") + "?l0CompactionTrigger=0&tableSize=1";
        assertThatThrownBy(() -> Plinth.open(uri2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("l0CompactionTrigger").hasMessageContaining("tableSize")
                .hasMessageContaining(dir.resolve("bad").toString());
        assertThat(Files.exists(dir.resolve("bad"))).isFalse();
    }

    /** Review of lsm18: a stop trigger given alone below the new slowdown default (LevelDB's 12) still opens. */
    @Test
    void aLevelZeroStopTriggerGivenAlonePullsTheSlowdownTriggerDownToIt() {
        try (Store s = Plinth.open("lsm:" + dir.resolve("a") + "?l0StopTrigger=12")) {
            s.defaultKeyspace().put(b("k"), b("v"));
        }
        assertThatThrownBy(() -> Plinth.open("lsm:" + dir.resolve("b") + "?l0StopTrigger=12&l0SlowdownTrigger=20"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("l0StopTrigger");
        assertThatThrownBy(() -> Plinth.open("lsm:" + dir.resolve("c") + "?l0StopTrigger=0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("l0StopTrigger");
    }
}
