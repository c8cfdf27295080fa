package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/** What is particular to the LMDB engine: its files, parameters, limits and native hygiene. */
class LmdbEngineTest {
    @TempDir
    Path dir;

    private Store open(String params) {
        return Plinth.open("lmdb:" + dir + (params.isEmpty() ? "" : "?" + params));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keyspacesAreNamedDatabasesThatSurviveReopenAndTheMainDatabaseHoldsOnlyTheirNames() {
        try (Store s = open("")) {
            s.defaultKeyspace().put(b("d"), b("1"));
            s.createKeyspace("alpha").put(b("a"), b("2"));
            s.createKeyspace("beta.2").put(b("b"), b("3"));
            s.createKeyspace("gone").put(b("g"), b("4"));
            assertThat(s.dropKeyspace("gone")).isTrue();
            assertThat(s.dropKeyspace("gone")).isFalse();
        }
        // Read the environment with lmdbjava directly: the unnamed main database lists exactly the keyspaces.
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(8).open(dir.toFile())) {
            assertThat(env.getDbiNames()).map(n -> new String(n, StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("alpha", "beta.2", "default");
            Dbi<ByteBuffer> def = env.openDbi("default");
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                assertThat(def.stat(txn).entries).isEqualTo(1);
            }
        }
        try (Store s = open("")) {
            assertThat(s.keyspaces()).containsExactly("alpha", "beta.2", "default");
            assertThat(s.defaultKeyspace().get(b("d"))).isEqualTo(b("1"));
            assertThat(s.keyspace("alpha").get(b("a"))).isEqualTo(b("2"));
            assertThat(s.keyspace("beta.2").get(b("b"))).isEqualTo(b("3"));
            assertThat(s.createKeyspace("gone").get(b("g"))).isNull();
            assertThat(s.stats().counter("lmdb.keyspaces")).isEqualTo(4);
            assertThat(s.stats().counter("lmdb.entries")).isEqualTo(3);
        }
    }

    @Test
    void parametersAreParsedAndTakeEffect() {
        try (Store s = open("mapSize=8m&maxKeyspaces=3&maxReaders=16&noSync=false&resizeTimeout=2s")) {
            assertThat(s.stats().counter("lmdb.mapSize")).isEqualTo(8L << 20);
            s.createKeyspace("one");
            s.createKeyspace("two");
            assertThatThrownBy(() -> s.createKeyspace("three")).isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("maxKeyspaces");
            assertThat(s.capabilities().maxKeyspaces()).isEqualTo(3);
            assertThat(s.capabilities().maxOpenSnapshots()).isEqualTo(16);
            assertThat(s.keyspaces()).containsExactly("default", "one", "two");
            s.dropKeyspace("two");
            s.createKeyspace("three").put(b("k"), b("v"));
            assertThat(s.keyspace("three").get(b("k"))).isEqualTo(b("v"));
        }
    }

    @Test
    void anUnknownParameterDoesNotHideBadValuesBesideIt() {
        assertThatThrownBy(() -> open("bogus=1&mapSize=1k&noSync=yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid lmdb store URI ")
                .hasMessageContaining("unknown parameter bogus").hasMessageContaining("mapSize=1k")
                .hasMessageContaining("noSync=yes");
    }

    @Test
    void badParametersAreRejectedNamingEachOne() {
        assertThatThrownBy(() -> open("mapSize=lots")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapSize");
        assertThatThrownBy(() -> open("mapSize=1k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapSize=1k");
        assertThatThrownBy(() -> open("maxKeyspaces=0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxKeyspaces=0");
        assertThatThrownBy(() -> open("maxReaders=many")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxReaders=many");
        assertThatThrownBy(() -> open("noSync=yes")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noSync=yes");
        assertThatThrownBy(() -> open("resizeTimeout=-1s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resizeTimeout=-1s");
        assertThatThrownBy(() -> open("mapsize=1g")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mapsize").hasMessageContaining("known");
        assertThatThrownBy(() -> open("maxKeyspaces=x&noSync=1")).as("every problem at once")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxKeyspaces=x").hasMessageContaining("noSync=1");
        assertThatThrownBy(() -> Plinth.open("lmdb:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("directory");
        assertThat(dir.resolve("data.mdb")).as("nothing was created by a rejected URI").doesNotExist();
    }

    @Test
    void durabilityFollowsTheSyncMode() {
        try (Store s = open("")) {
            assertThat(s.capabilities().durabilities())
                    .containsExactlyInAnyOrder(Durability.NONE, Durability.PROCESS, Durability.SYNC);
            assertThat(s.capabilities().defaultDurability()).isEqualTo(Durability.SYNC);
            assertThat(s.capabilities().persistent()).isTrue();
        }
        try (Store s = open("noSync=true")) {
            assertThat(s.capabilities().durabilities()).containsExactlyInAnyOrder(Durability.NONE, Durability.PROCESS);
            assertThat(s.capabilities().defaultDurability()).isEqualTo(Durability.PROCESS);
            assertThatThrownBy(() -> s.defaultKeyspace().put(b("k"), b("v"), WriteOptions.durability(Durability.SYNC)))
                    .isInstanceOf(UnsupportedCapabilityException.class);
            s.defaultKeyspace().put(b("k"), b("v"));
            s.flush();
        }
        try (Store s = open("noSync=true")) {
            assertThat(s.defaultKeyspace().get(b("k"))).isEqualTo(b("v"));
        }
    }

    @Test
    void keysUpToTheLmdbLimitAreAcceptedAndLongerOnesRejectedBeforeAnyNativeCall() {
        try (Store s = open("")) {
            assertThat(s.capabilities().maxKeySize()).isEqualTo(511);
            Keyspace ks = s.defaultKeyspace();
            byte[] max = new byte[511];
            Arrays.fill(max, (byte) 0xFF);
            ks.put(max, b("v"));
            assertThat(ks.get(max)).isEqualTo(b("v"));
            byte[] over = new byte[512];
            assertThatThrownBy(() -> ks.put(over, b("v"))).isInstanceOf(LimitExceededException.class)
                    .extracting(e -> ((LimitExceededException) e).limit()).isEqualTo(LimitExceededException.Limit.KEY_SIZE);
            assertThatThrownBy(() -> ks.get(over)).isInstanceOf(LimitExceededException.class);
            assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(1);
            byte[] big = new byte[s.capabilities().maxValueSize()];
            ks.put(b("big"), big);
            assertThat(ks.get(b("big"))).hasSize(big.length);
            assertThatThrownBy(() -> ks.put(b("bigger"), new byte[big.length + 1]))
                    .isInstanceOf(LimitExceededException.class);
        }
    }

    @Test
    void rangeBoundsLongerThanTheKeyLimitSeekCorrectly() {
        // Such bounds cannot be handed to LMDB; the engine seeks with their 511-byte prefix instead.
        try (Store s = open("")) {
            Keyspace ks = s.defaultKeyspace();
            TreeMap<String, byte[]> model = new TreeMap<>();
            byte[] p = new byte[511];
            Arrays.fill(p, (byte) 'm');
            List<byte[]> keys = new ArrayList<>();
            keys.add(p.clone());
            byte[] below = p.clone();
            below[510] = 'l';
            keys.add(below);
            byte[] above = p.clone();
            above[510] = 'n';
            keys.add(above);
            keys.add(b("a"));
            keys.add(b("z"));
            keys.add(Arrays.copyOf(p, 300));
            for (byte[] k : keys) {
                ks.put(k, k);
                model.put(hex(k), k);
            }
            byte[] longBound = Arrays.copyOf(p, 600); // > p, < above
            byte[] longBelow = Arrays.copyOf(below, 700); // > below, < p
            for (byte[] lo : new byte[][] {null, longBelow, longBound, p}) {
                for (byte[] hi : new byte[][] {null, longBelow, longBound, above}) {
                    if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
                        continue;
                    }
                    List<String> expected = new ArrayList<>();
                    for (byte[] k : model.values()) {
                        if ((lo == null || Arrays.compareUnsigned(k, lo) >= 0) && (hi == null || Arrays.compareUnsigned(k, hi) < 0)) {
                            expected.add(hex(k));
                        }
                    }
                    Range r = Range.of(lo, hi);
                    assertThat(hexes(ks.scan(r, ScanOptions.forward()))).as("forward %s", r).containsExactlyElementsOf(expected);
                    List<String> rev = new ArrayList<>(expected);
                    java.util.Collections.reverse(rev);
                    assertThat(hexes(ks.scan(r, ScanOptions.reverse()))).as("reverse %s", r).containsExactlyElementsOf(rev);
                }
            }
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
                c.seek(longBound);
                assertThat(c.next()).isTrue();
                assertThat(c.key()).isEqualTo(p);
            }
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward())) {
                c.seek(longBound);
                assertThat(c.next()).isTrue();
                assertThat(c.key()).isEqualTo(above);
            }
            ks.deleteRange(Range.of(longBelow, longBound));
            assertThat(ks.contains(p)).isFalse();
            assertThat(ks.contains(below)).isTrue();
            assertThat(ks.contains(above)).isTrue();
        }
    }

    private static String hex(byte[] k) {
        StringBuilder sb = new StringBuilder();
        for (byte x : k) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }

    private static List<String> hexes(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> hex(kv.key())).toList();
    }

    @Test
    void snapshotsSeeKeyspacesAsTheyWereAndCursorsOutliveADrop() {
        try (Store s = open("")) {
            Keyspace old = s.createKeyspace("old");
            old.put(b("a"), b("1"));
            old.put(b("b"), b("2"));
            try (Snapshot snap = s.snapshot(); Cursor c = old.cursor(Range.all(), ScanOptions.forward())) {
                Keyspace fresh = s.createKeyspace("fresh");
                fresh.put(b("x"), b("y"));
                assertThat(snap.get(fresh, b("x"))).as("created after the snapshot").isNull();
                assertThat(snap.scan(fresh, Range.all(), ScanOptions.forward())).isEmpty();
                try (Cursor sc = snap.cursor(old, Range.all(), ScanOptions.forward())) {
                    assertThat(sc.next()).isTrue();
                    s.dropKeyspace("old");
                    assertThat(sc.next()).as("a snapshot cursor keeps its view after the drop").isTrue();
                    assertThat(sc.key()).isEqualTo(b("b"));
                }
                assertThat(c.next()).isTrue();
                assertThat(c.key()).isEqualTo(b("a"));
                assertThat(c.next()).isTrue();
                assertThat(c.value()).isEqualTo(b("2"));
                assertThat(c.next()).isFalse();
                assertThatThrownBy(() -> snap.get(old, b("a"))).isInstanceOf(NoSuchKeyspaceException.class);
                assertThatThrownBy(() -> old.get(b("a"))).isInstanceOf(NoSuchKeyspaceException.class);
                // A new keyspace may reuse the dropped one's LMDB slot; the old snapshot still sees it as new.
                Keyspace again = s.createKeyspace("old");
                again.put(b("n"), b("new"));
                assertThat(snap.scan(again, Range.all(), ScanOptions.forward())).isEmpty();
            }
            assertThat(s.keyspace("old").get(b("n"))).isEqualTo(b("new"));
        }
    }

    @Test
    void valuesStayValidAfterTheirTransactionEndsAndTheMapMoves() {
        try (Store s = open("mapSize=1m")) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(b("k"), b("first"));
            byte[] read = ks.get(b("k"));
            List<KeyValue> scanned;
            try (Snapshot snap = s.snapshot()) {
                scanned = snap.scan(ks, Range.all(), ScanOptions.forward());
            }
            for (int i = 0; i < 100; i++) {
                ks.put(b("fill" + i), new byte[64 * 1024], WriteOptions.durability(Durability.NONE));
            }
            ks.put(b("k"), b("second"));
            assertThat(s.stats().counter("lmdb.mapResizes")).as("the map was remapped").isPositive();
            assertThat(read).isEqualTo(b("first"));
            assertThat(scanned).hasSize(1);
            assertThat(scanned.get(0).value()).isEqualTo(b("first"));
        }
    }

    @Test
    void theSameDirectoryCannotBeOpenedTwiceInOneProcess() {
        try (Store s = open("")) {
            assertThatThrownBy(() -> open("")).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("already open in this process");
            s.defaultKeyspace().put(b("k"), b("v"));
        }
        try (Store s = open("")) {
            assertThat(s.defaultKeyspace().get(b("k"))).isEqualTo(b("v"));
        }
    }

    @Test
    void aDamagedFileIsReportedAsCorruption() throws IOException {
        try (Store s = open("")) {
            s.defaultKeyspace().put(b("k"), b("v"));
        }
        byte[] junk = new byte[16384];
        Arrays.fill(junk, (byte) 0x5A);
        Files.write(dir.resolve("data.mdb"), junk);
        assertThatThrownBy(() -> open("")).isInstanceOf(CorruptionException.class)
                .hasMessageContaining(dir.toString()).hasMessageContaining("open");
        Files.delete(dir.resolve("data.mdb"));
        try (Store s = open("")) {
            assertThat(s.defaultKeyspace().get(b("k"))).as("a fresh environment after the damaged file went").isNull();
        }
    }

    @Test
    void openAndClose200TimesLeaksNoFileDescriptors() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fds), "Linux /proc");
        try (Store s = open("")) {
            s.defaultKeyspace().put(b("warm"), b("up")); // load the native library and classes first
        }
        long before = count(fds);
        for (int i = 0; i < 200; i++) {
            try (Store s = open("")) {
                s.createKeyspace("ks" + (i % 3)).put(b("k" + i), b("v"));
                try (Snapshot snap = s.snapshot(); Cursor c = s.defaultKeyspace().cursor(Range.all())) {
                    c.next();
                    snap.get(s.defaultKeyspace(), b("warm"));
                }
            }
        }
        assertThat(count(fds)).isLessThanOrEqualTo(before);
        try (Store s = open("")) {
            assertThat(s.keyspace("ks1").get(b("k199"))).isEqualTo(b("v"));
        }
    }

    private static long count(Path fds) throws IOException {
        try (var list = Files.list(fds)) {
            return list.count();
        }
    }

    @Test
    void statsNameTheMapAndItsUse() {
        try (Store s = open("mapSize=4m")) {
            s.defaultKeyspace().put(b("k"), b("v"));
            try (Snapshot snap = s.snapshot()) {
                var stats = s.stats();
                assertThat(stats.engine()).isEqualTo("lmdb");
                assertThat(stats.counter("lmdb.mapSize")).isEqualTo(4L << 20);
                assertThat(stats.counter("lmdb.mapUsed")).isPositive().isLessThan(4L << 20);
                assertThat(stats.counter("lmdb.pageSize")).isPositive();
                assertThat(stats.counter("lmdb.keyspaces")).isEqualTo(1);
                assertThat(stats.counter("lmdb.entries")).isEqualTo(1);
                assertThat(stats.counter("lmdb.readers")).isPositive();
                assertThat(stats.counter("lmdb.openReadTxns")).isEqualTo(1);
                assertThat(stats.counter("lmdb.mapResizes")).isZero();
            }
        }
    }

    @Test
    void aCursorAskedForAValuePrefixCopiesOnlyThatMuchOutOfTheMap() {
        dev.plinth.spi.Engine[] engine = new dev.plinth.spi.Engine[1];
        try (Store s = Plinth.builder("lmdb:" + dir).decorate(e -> {
            engine[0] = e;
            return e;
        }).open()) {
            byte[] big = new byte[10_000];
            Arrays.fill(big, (byte) 7);
            s.defaultKeyspace().put(b("big"), big);
            dev.plinth.spi.EngineKeyspace ks = engine[0].keyspace(Store.DEFAULT_KEYSPACE);
            try (dev.plinth.spi.EngineCursor c = engine[0].cursor(ks, dev.plinth.spi.ScanSpec.all().valuesUpTo(9))) {
                assertThat(c.next()).isTrue();
                assertThat(c.value()).as("the header of the stored form").hasSize(9);
            }
            try (dev.plinth.spi.EngineCursor c = engine[0].cursor(ks, dev.plinth.spi.ScanSpec.all())) {
                assertThat(c.next()).isTrue();
                // the whole stored form: 1 header byte and, as LMDB stores keep checksums, 4 checksum bytes
                assertThat(c.value()).hasSize(big.length + 1 + 4);
            }
        }
    }
}
