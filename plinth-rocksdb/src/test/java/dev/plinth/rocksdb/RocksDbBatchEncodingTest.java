package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine hands RocksDB its batches in RocksDB's own write-batch representation, built in Java
 * ({@link RocksDbBatchEncoder}). A wrong byte there is written to the WAL as it is, so: for seeded random batches
 * over the default column family and others (one with an id past 127, whose id takes two varint bytes), with
 * puts, deletes, bounded and unbounded range deletes, empty values, and keys and values of lengths around the
 * varint boundaries (127/128, 16383/16384, 2097151/2097152), the bytes built must equal {@code WriteBatch.data()}
 * of the same entries added through RocksDB's per-entry calls, and applying the batches must give the store a
 * plain sorted map gives. Each seed runs on an engine of its own, from an empty store, so a failure names its seed
 * and {@code -Dplinth.seed=N} replays that run exactly.
 */
class RocksDbBatchEncodingTest {
    static final int SEEDS = 6;
    static final int BATCHES = 25;
    /** Column families made before the one with a two-byte id (ids count from 1; 0 is the default family). */
    static final int FAMILIES_BEFORE_WIDE_ID = 128;
    /** Small memtables, so that the runs' larger batches flush and reads merge memtables and files. */
    private static final Map<String, String> OPTIONS = Map.of("writeBufferSize", "256k");

    private static final int[] KEY_LENGTHS = {1, 1, 2, 3, 127, 128, 129, 16383, 16384, 16385};
    private static final int[] VALUE_LENGTHS = {0, 0, 1, 5, 127, 128, 129, 16383, 16384, 16385};
    /** Large values, whose lengths take three and four varint bytes; one put in {@link #LARGE_ONE_IN}. */
    private static final int[] LARGE_VALUE_LENGTHS = {2_097_151, 2_097_152};
    private static final int LARGE_ONE_IN = 60;
    /** A small alphabet, so that short keys collide and range deletes hit existing keys. */
    private static final byte[] ALPHABET = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFF};

    @TempDir
    Path root;

    @Test
    void encodedBatchesEqualRocksDbsOwnAndApplyAsTheModel() throws Exception {
        String fixed = System.getProperty("plinth.seed", "");
        long first = fixed.isBlank() ? 1 : Long.parseLong(fixed.trim());
        long last = fixed.isBlank() ? SEEDS : first;
        Path empty = emptyStoreWithAWideFamilyId(root.resolve("empty"));
        for (long seed = first; seed <= last; seed++) {
            try {
                runOnACopy(empty, seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("rocksdb batch encoding run failed with seed " + seed
                        + " (replay with -Dplinth.seed=" + seed + ")", e);
            }
        }
    }

    /**
     * An empty, closed store whose families the runs use: the default one, {@link #FAMILIES_BEFORE_WIDE_ID} others,
     * and "wide", whose id takes two varint bytes. Made once: creating the families is most of a run's cost
     * (RocksDB syncs its MANIFEST and rewrites its OPTIONS file for each).
     */
    private static Path emptyStoreWithAWideFamilyId(Path dir) {
        try (Engine engine = RocksDbTestSupport.open(dir, OPTIONS)) {
            for (int i = 1; i <= FAMILIES_BEFORE_WIDE_ID; i++) {
                engine.createKeyspace("f" + i);
            }
            RocksDbKeyspace wide = (RocksDbKeyspace) engine.createKeyspace("wide");
            assertThat(wide.columnFamilyId).as("the last family's id takes two varint bytes").isGreaterThan(127);
        }
        return dir;
    }

    /**
     * One seed's run, on a copy of the empty store of its own, so that the run depends on the seed alone and
     * {@code -Dplinth.seed=N} replays exactly what failed: every run starts from the same empty store, with the
     * same family ids, whatever ran before it.
     */
    private void runOnACopy(Path empty, long seed) throws Exception {
        Path dir = root.resolve("seed-" + seed);
        try (Stream<Path> files = Files.walk(empty)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Files.copy(from, dir.resolve(empty.relativize(from).toString()));
            }
        }
        try (Engine engine = RocksDbTestSupport.open(dir, OPTIONS)) {
            List<EngineKeyspace> keyspaces = new ArrayList<>();
            for (String name : List.of(Store.DEFAULT_KEYSPACE, "f1", "f2", "wide")) {
                keyspaces.add(Objects.requireNonNull(engine.keyspace(name), name));
            }
            new Run(new Random(seed), (RocksDbEngine) engine, keyspaces).go();
        }
    }

    @Test
    void aBatchTooLargeToEncodeGoesThroughThePerEntryCalls() throws Exception {
        try (Engine engine = RocksDbTestSupport.open(root)) {
            EngineKeyspace ks = engine.keyspace(Store.DEFAULT_KEYSPACE);
            int values = RocksDbBatchEncoder.MAX_ENCODED_BYTES / (14 << 20) + 1;
            EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
            for (int i = 0; i < values; i++) {
                byte[] value = new byte[14 << 20];
                Arrays.fill(value, (byte) i);
                b.put(ks, new byte[] {(byte) i}, value);
            }
            EngineBatch batch = b.build();
            byte[][] encodings = ((RocksDbEngine) engine).encodingsForTest(batch);
            assertThat(encodings[0]).as("not encoded past the limit").isNull();
            assertThat(encodings[1].length).isGreaterThan(RocksDbBatchEncoder.MAX_ENCODED_BYTES);
            engine.apply(batch);
            for (int i = 0; i < values; i++) {
                byte[] got = engine.get(ks, new byte[] {(byte) i});
                assertThat(got).hasSize(14 << 20);
                assertThat(got[0]).isEqualTo((byte) i);
                assertThat(got[got.length - 1]).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void aBatchOfExactlyTheLimitIsEncodedAndOneByteMoreIsNot() throws Exception {
        try (Engine engine = RocksDbTestSupport.open(root)) {
            EngineKeyspace ks = engine.keyspace(Store.DEFAULT_KEYSPACE);
            // Five puts of one-byte keys, each entry a tag, a one-byte key length, the key, a four-byte value length
            // (values of 2 MiB to 256 MiB) and the value: 7 bytes besides the value.
            int puts = 5;
            int values = RocksDbBatchEncoder.MAX_ENCODED_BYTES - RocksDbBatchEncoder.HEADER_BYTES - puts * 7;
            for (int extra = 0; extra <= 1; extra++) {
                EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
                for (int i = 0; i < puts; i++) {
                    int length = values / puts + (i == 0 ? values % puts + extra : 0);
                    b.put(ks, new byte[] {(byte) i}, new byte[length]);
                }
                byte[][] encodings = ((RocksDbEngine) engine).encodingsForTest(b.build());
                assertThat(encodings[1]).as("RocksDB's own, %d byte(s) over the limit", extra)
                        .hasSize(RocksDbBatchEncoder.MAX_ENCODED_BYTES + extra);
                if (extra == 0) {
                    assertThat(encodings[0]).as("encoded at the limit").isNotNull();
                    assertThat(Arrays.equals(encodings[0], encodings[1])).as("the same bytes as RocksDB's").isTrue();
                } else {
                    assertThat(encodings[0]).as("not encoded one byte past the limit").isNull();
                }
            }
        }
    }

    @Test
    void aBatchThatOutgrowsTheLimitWhileBoundingARangeDeleteGoesThroughThePerEntryCalls() throws Exception {
        try (Engine engine = RocksDbTestSupport.open(root)) {
            EngineKeyspace ks = engine.keyspace(Store.DEFAULT_KEYSPACE);
            byte[] longKey = new byte[64 * 1024];
            Arrays.fill(longKey, (byte) 0x7F);
            engine.apply(EngineBatch.builder(Durability.NONE).put(ks, longKey, new byte[] {1}).build());
            // Four puts that, with the range delete's end counted as empty, fill the encoding to just below the
            // limit; the end found while filling (the long key's successor) takes it past.
            int valueBytes = (RocksDbBatchEncoder.MAX_ENCODED_BYTES - RocksDbBatchEncoder.HEADER_BYTES - 4 * 7 - 4) / 4;
            EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
            for (int i = 1; i <= 4; i++) {
                byte[] value = new byte[valueBytes];
                Arrays.fill(value, (byte) i);
                b.put(ks, new byte[] {(byte) i}, value);
            }
            EngineBatch batch = b.deleteRange(ks, new byte[] {0x7F}, null).build();
            assertThat(RocksDbBatchEncoder.forBatch(batch)).as("within the limit before the end is known").isNotNull();
            byte[][] encodings = ((RocksDbEngine) engine).encodingsForTest(batch);
            assertThat(encodings[0]).as("not encoded once the end takes it past the limit").isNull();
            engine.apply(batch);
            assertThat(engine.get(ks, longKey)).as("deleted by the range delete").isNull();
            for (int i = 1; i <= 4; i++) {
                byte[] got = engine.get(ks, new byte[] {(byte) i});
                assertThat(got).hasSize(valueBytes);
                assertThat(got[valueBytes - 1]).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void boundingAnUnboundedRangeDeleteWithoutTheWriteLockFailsItsAssertion() {
        try (Engine engine = RocksDbTestSupport.open(root)) {
            EngineKeyspace ks = engine.keyspace(Store.DEFAULT_KEYSPACE);
            engine.apply(EngineBatch.builder(Durability.NONE).put(ks, new byte[] {1}, new byte[] {1}).build());
            EngineBatch batch = EngineBatch.builder(Durability.NONE).deleteRange(ks, new byte[] {1}, null).build();
            assertThatThrownBy(() -> ((RocksDbEngine) engine).batchesForTest().encode(batch))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("keyspace '" + Store.DEFAULT_KEYSPACE + "'")
                    .hasMessageContaining("without the commit lock's write lock");
        }
    }

    @Test
    void varintLengthsAtTheirBoundaries() {
        assertThat(RocksDbBatchEncoder.varint32Bytes(0)).isEqualTo(1);
        assertThat(RocksDbBatchEncoder.varint32Bytes(127)).isEqualTo(1);
        assertThat(RocksDbBatchEncoder.varint32Bytes(128)).isEqualTo(2);
        assertThat(RocksDbBatchEncoder.varint32Bytes(16383)).isEqualTo(2);
        assertThat(RocksDbBatchEncoder.varint32Bytes(16384)).isEqualTo(3);
        assertThat(RocksDbBatchEncoder.varint32Bytes(Integer.MAX_VALUE)).isEqualTo(5);
        assertThat(RocksDbBatchEncoder.varint32Bytes(-1)).as("an unsigned id").isEqualTo(5);
    }

    private static final class Run {
        private final Random rnd;
        private final RocksDbEngine engine;
        private final List<EngineKeyspace> keyspaces;
        private final Map<EngineKeyspace, NavigableMap<byte[], byte[]>> model = new IdentityHashMap<>();

        Run(Random rnd, RocksDbEngine engine, List<EngineKeyspace> keyspaces) {
            this.rnd = rnd;
            this.engine = engine;
            this.keyspaces = keyspaces;
            for (EngineKeyspace ks : keyspaces) {
                model.put(ks, new TreeMap<>(Arrays::compareUnsigned));
            }
        }

        void go() throws Exception {
            for (EngineKeyspace ks : keyspaces) {
                assertMatches(ks); // a run starts from an empty store, or a replayed seed would start elsewhere
            }
            for (int i = 0; i < BATCHES; i++) {
                EngineBatch batch = randomBatch();
                byte[][] encodings = engine.encodingsForTest(batch);
                assertThat(encodings[0]).as("encoded").isNotNull();
                if (!Arrays.equals(encodings[0], encodings[1])) {
                    throw new AssertionError("batch " + i + ": encoded bytes differ from WriteBatch.data() at offset "
                            + Arrays.mismatch(encodings[0], encodings[1]) + " (lengths " + encodings[0].length + ", "
                            + encodings[1].length + "); ours starts " + head(encodings[0]) + ", RocksDB's "
                            + head(encodings[1]));
                }
                engine.apply(batch);
                for (EngineKeyspace ks : keyspaces) {
                    assertMatches(ks);
                }
            }
        }

        private EngineBatch randomBatch() {
            EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
            int n = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 200 : 12);
            for (int i = 0; i < n; i++) {
                EngineKeyspace ks = keyspaces.get(rnd.nextInt(keyspaces.size()));
                NavigableMap<byte[], byte[]> m = model.get(ks);
                int op = rnd.nextInt(20);
                if (op < 12) {
                    byte[] key = key();
                    byte[] value = bytes(rnd.nextInt(LARGE_ONE_IN) == 0
                            ? LARGE_VALUE_LENGTHS[rnd.nextInt(LARGE_VALUE_LENGTHS.length)]
                            : VALUE_LENGTHS[rnd.nextInt(VALUE_LENGTHS.length)]);
                    b.put(ks, key, value);
                    m.put(key, value);
                } else if (op < 16) {
                    byte[] key = rnd.nextBoolean() && !m.isEmpty() ? someKeyOf(m) : key();
                    b.delete(ks, key);
                    m.remove(key);
                } else {
                    byte[] start = rnd.nextInt(5) == 0 ? null : key();
                    byte[] end = rnd.nextInt(4) == 0 ? null : key();
                    b.deleteRange(ks, start, end);
                    byte[] from = start == null ? new byte[0] : start;
                    if (end == null) {
                        m.tailMap(from, true).clear();
                    } else if (Arrays.compareUnsigned(from, end) < 0) {
                        m.subMap(from, true, end, false).clear();
                    }
                }
            }
            return b.build();
        }

        private byte[] key() {
            int length = KEY_LENGTHS[rnd.nextInt(KEY_LENGTHS.length)];
            byte[] key = new byte[length];
            for (int i = 0; i < length; i++) {
                key[i] = i < 3 ? ALPHABET[rnd.nextInt(ALPHABET.length)] : (byte) rnd.nextInt();
            }
            return key;
        }

        private byte[] someKeyOf(NavigableMap<byte[], byte[]> m) {
            byte[] k = m.ceilingKey(key());
            return k != null ? k : m.firstKey();
        }

        private byte[] bytes(int length) {
            byte[] b = new byte[length];
            rnd.nextBytes(b);
            return b;
        }

        private void assertMatches(EngineKeyspace ks) {
            NavigableMap<byte[], byte[]> expected = model.get(ks);
            List<byte[]> keys = new ArrayList<>();
            try (EngineCursor c = engine.cursor(ks, ScanSpec.of(null, null))) {
                for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
                    assertThat(c.next()).as("%s holds %s", ks, HexFormat.of().formatHex(e.getKey(), 0,
                            Math.min(8, e.getKey().length))).isTrue();
                    assertThat(c.key()).isEqualTo(e.getKey());
                    assertThat(c.value()).isEqualTo(e.getValue());
                    keys.add(c.key());
                }
                assertThat(c.next()).as("%s holds no more than the model's %d keys", ks, keys.size()).isFalse();
            }
        }

        private static String head(byte[] b) {
            return HexFormat.of().formatHex(b, 0, Math.min(24, b.length));
        }
    }
}
