package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineKeyspace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which writes make the engine sync, counted by it ({@code lmdb.envSyncs}, {@code lmdb.commits}): a
 * close-and-reopen cannot tell a synced write from one left in the page cache, so a {@code SYNC} write
 * that skipped its {@code mdb_env_sync} passed every other test. Also the sync of a clean close.
 */
class LmdbDurabilityTest {
    @TempDir
    Path dir;

    /** One kind of write the public API offers, of one key at one durability. */
    private interface Write {
        void run(Store store, Keyspace ks, byte[] key, Durability durability);
    }

    /** Every kind of write a single thread makes, by name. */
    private static final Map<String, Write> WRITES = new LinkedHashMap<>();

    static {
        WRITES.put("put", (s, ks, k, d) -> ks.put(k, b("v"), WriteOptions.durability(d)));
        WRITES.put("batch", (s, ks, k, d) ->
                assertThat(s.write(new WriteBatch().put(ks, k, b("v"), WriteOptions.durability(d))
                        .put(ks, suffixed(k), b("w")))).isTrue());
        WRITES.put("compareAndSet", (s, ks, k, d) ->
                assertThat(ks.compareAndSet(k, null, b("v"), WriteOptions.durability(d))).isTrue());
        WRITES.put("transaction commit", (s, ks, k, d) -> {
            try (Transaction tx = s.begin(Isolation.SERIALIZABLE)) {
                assertThat(tx.get(ks, k)).isNull();
                tx.put(ks, k, b("v"), WriteOptions.durability(d));
                tx.commit();
            }
        });
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] suffixed(byte[] key) {
        byte[] k = Arrays.copyOf(key, key.length + 1);
        k[key.length] = '+';
        return k;
    }

    private static long syncs(Store s) {
        return s.stats().counter("lmdb.envSyncs");
    }

    private static long commits(Store s) {
        return s.stats().counter("lmdb.commits");
    }

    /** Runs every kind of write at each level and checks what each did to the counters. */
    private static void checkWrites(Store s, List<Durability> levels) {
        Keyspace ks = s.createKeyspace("ks"); // creating it syncs; the counts below start after
        int n = 0;
        for (Durability level : levels) {
            for (Map.Entry<String, Write> w : WRITES.entrySet()) {
                byte[] key = b("key-" + n++);
                long syncsBefore = syncs(s);
                long commitsBefore = commits(s);
                w.getValue().run(s, ks, key, level);
                assertThat(ks.get(key)).as("%s at %s applied", w.getKey(), level).isEqualTo(b("v"));
                assertThat(commits(s) - commitsBefore).as("commits of one %s at %s", w.getKey(), level).isEqualTo(1);
                if (level == Durability.SYNC) {
                    assertThat(syncs(s) - syncsBefore).as("syncs of one %s at SYNC", w.getKey()).isGreaterThanOrEqualTo(1);
                } else {
                    assertThat(syncs(s) - syncsBefore).as("syncs of one %s at %s", w.getKey(), level).isZero();
                }
            }
        }
    }

    @Test
    void everySyncWriteSyncsTheEnvironmentAndNoWeakerWriteDoes() {
        try (Store s = Plinth.open("lmdb:" + dir)) {
            checkWrites(s, List.of(Durability.SYNC, Durability.PROCESS, Durability.NONE, Durability.SYNC));
            long before = syncs(s);
            s.defaultKeyspace().put(b("default"), b("v"));
            assertThat(syncs(s) - before).as("a put at the store's default, SYNC").isGreaterThanOrEqualTo(1);
            before = syncs(s);
            s.flush();
            assertThat(syncs(s) - before).as("flush").isEqualTo(1);
        }
    }

    @Test
    void inNoSyncModeNoWriteSyncsButFlushDoes() {
        try (Store s = Plinth.open("lmdb:" + dir + "?noSync=true")) {
            checkWrites(s, List.of(Durability.PROCESS, Durability.NONE));
            long before = syncs(s);
            s.defaultKeyspace().put(b("default"), b("v"));
            assertThat(syncs(s) - before).as("a put at the store's default, PROCESS").isZero();
            s.flush();
            assertThat(syncs(s) - before).as("flush").isEqualTo(1);
        }
    }

    /** Opens the engine through the SPI, as a decorator would, so its counters stay readable after close. */
    static LmdbEngine openEngine(Path dir, Map<String, String> params) {
        return (LmdbEngine) new LmdbEngineProvider().open(new EngineConfig("lmdb:" + dir, "lmdb", dir.toString(),
                params, InstantSource.system()));
    }

    private static void put(LmdbEngine engine, String key, Durability durability) {
        EngineKeyspace ks = engine.keyspace(Store.DEFAULT_KEYSPACE);
        assertThat(engine.apply(EngineBatch.builder(durability).put(ks, b(key), b("v")).build())).isTrue();
    }

    @Test
    void aCleanCloseSyncsWhatCommitsLeftUnsyncedInEitherMode() {
        for (Map<String, String> params : List.of(Map.of("noSync", "true"), Map.<String, String>of())) {
            LmdbEngine engine = openEngine(dir, params);
            put(engine, "k", Durability.PROCESS);
            long before = engine.durability().syncs();
            engine.close();
            assertThat(engine.durability().syncs() - before).as("syncs at close, %s", params).isEqualTo(1);
        }
        // Raw engine values: the store's API would expect its own value header.
        LmdbEngine reopened = openEngine(dir, Map.of());
        try {
            assertThat(reopened.get(reopened.keyspace(Store.DEFAULT_KEYSPACE), b("k"))).isEqualTo(b("v"));
        } finally {
            reopened.close();
        }
    }

    @Test
    void aCleanCloseWithNothingUnsyncedDoesNotSync() {
        LmdbEngine noSync = openEngine(dir, Map.of("noSync", "true"));
        put(noSync, "k", Durability.PROCESS);
        noSync.flush();
        long before = noSync.durability().syncs();
        noSync.close();
        assertThat(noSync.durability().syncs()).as("flushed before close").isEqualTo(before);

        LmdbEngine synced = openEngine(dir, Map.of());
        assertThat(synced.get(synced.keyspace(Store.DEFAULT_KEYSPACE), b("k"))).isEqualTo(b("v"));
        put(synced, "k2", Durability.SYNC);
        before = synced.durability().syncs();
        synced.close();
        assertThat(synced.durability().syncs()).as("only SYNC writes since open").isEqualTo(before);
    }
}
