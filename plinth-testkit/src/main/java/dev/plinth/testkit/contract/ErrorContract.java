package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StorageFullException;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Proves that errors are clear, documented and the same on every engine: after {@link Store#close()}
 * every method of the store, its keyspaces, snapshots, transactions and cursors throws
 * {@link StoreClosedException} (close itself is idempotent; {@code uri()} and {@code openResources()}
 * still answer); null arguments throw {@link NullPointerException} naming the argument; malformed
 * arguments and URIs throw {@link IllegalArgumentException} with a useful message; and a rejected call
 * changes nothing.
 */
public interface ErrorContract extends ContractSupport {
    private static void assertAllThrow(Map<String, ThrowingCallable> calls, Class<? extends Throwable> type) {
        for (Map.Entry<String, ThrowingCallable> e : calls.entrySet()) {
            assertThatThrownBy(e.getValue()).as(e.getKey()).isInstanceOf(type);
        }
    }

    private static void assertNpe(String call, ThrowingCallable c, String argument) {
        assertThatThrownBy(c).as(call).isInstanceOf(NullPointerException.class)
                .as("%s names the argument", call).hasMessageContaining(argument);
    }

    @Test
    default void storeMethodsAfterCloseThrowStoreClosed() {
        Store s = store();
        Keyspace ks = defaultKs();
        fill(ks, "a");
        s.close();
        AtomicInteger bodyRuns = new AtomicInteger();
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("defaultKeyspace", s::defaultKeyspace);
        calls.put("keyspace", () -> s.keyspace(Store.DEFAULT_KEYSPACE));
        calls.put("createKeyspace", () -> s.createKeyspace("x"));
        calls.put("keyspaces", s::keyspaces);
        calls.put("dropKeyspace", () -> s.dropKeyspace("x"));
        calls.put("write", () -> s.write(new WriteBatch().put(ks, bytes("b"), bytes("v"))));
        calls.put("write empty", () -> s.write(new WriteBatch()));
        calls.put("snapshot", s::snapshot);
        calls.put("begin", () -> s.begin(Isolation.SNAPSHOT));
        calls.put("inTransaction", () -> s.inTransaction(Isolation.SNAPSHOT, tx -> bodyRuns.incrementAndGet()));
        calls.put("inTransaction n", () -> s.inTransaction(Isolation.SERIALIZABLE, 3, tx -> bodyRuns.incrementAndGet()));
        calls.put("capabilities", s::capabilities);
        calls.put("stats", s::stats);
        calls.put("flush", s::flush);
        calls.put("compact", s::compact);
        calls.put("get", () -> s.get(ks, bytes("a")));
        calls.put("contains", () -> s.contains(ks, bytes("a")));
        calls.put("cursor", () -> s.cursor(ks, Range.all(), ScanOptions.forward()));
        calls.put("scan", () -> s.scan(ks, Range.all(), ScanOptions.forward()));
        assertAllThrow(calls, StoreClosedException.class);
        assertThat(bodyRuns.get()).as("transaction bodies run on a closed store").isZero();
    }

    @Test
    default void keyspaceMethodsAfterStoreCloseThrowStoreClosed() {
        Keyspace ks = store().createKeyspace("ks");
        fill(ks, "a");
        store().close();
        WriteOptions o = WriteOptions.DEFAULT;
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("get", () -> ks.get(bytes("a")));
        calls.put("contains", () -> ks.contains(bytes("a")));
        calls.put("put", () -> ks.put(bytes("b"), bytes("v")));
        calls.put("put options", () -> ks.put(bytes("b"), bytes("v"), o));
        calls.put("delete", () -> ks.delete(bytes("a")));
        calls.put("delete options", () -> ks.delete(bytes("a"), o));
        calls.put("deleteRange", () -> ks.deleteRange(Range.all()));
        calls.put("deleteRange options", () -> ks.deleteRange(Range.all(), o));
        calls.put("cursor", () -> ks.cursor(Range.all()));
        calls.put("cursor options", () -> ks.cursor(Range.all(), ScanOptions.reverse()));
        calls.put("scan", () -> ks.scan(Range.all(), ScanOptions.forward()));
        calls.put("compareAndSet", () -> ks.compareAndSet(bytes("a"), bytes("v-a"), bytes("x")));
        calls.put("compareAndSet options", () -> ks.compareAndSet(bytes("a"), bytes("v-a"), bytes("x"), o));
        assertAllThrow(calls, StoreClosedException.class);
        assertThat(ks.name()).isEqualTo("ks");
    }

    @Test
    default void openViewsAndCursorsAfterStoreCloseThrowStoreClosed() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        Snapshot snap = store().snapshot();
        Transaction tx = store().begin(Isolation.SERIALIZABLE);
        tx.put(ks, bytes("c"), bytes("v"));
        Cursor cursor = ks.cursor(Range.all());
        assertThat(cursor.next()).isTrue();
        store().close();
        Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
        calls.put("snapshot.get", () -> snap.get(ks, bytes("a")));
        calls.put("snapshot.contains", () -> snap.contains(ks, bytes("a")));
        calls.put("snapshot.cursor", () -> snap.cursor(ks, Range.all(), ScanOptions.forward()));
        calls.put("snapshot.scan", () -> snap.scan(ks, Range.all(), ScanOptions.forward()));
        calls.put("tx.get", () -> tx.get(ks, bytes("a")));
        calls.put("tx.put", () -> tx.put(ks, bytes("d"), bytes("v")));
        calls.put("tx.delete", () -> tx.delete(ks, bytes("a")));
        calls.put("tx.cursor", () -> tx.cursor(ks, Range.all(), ScanOptions.forward()));
        calls.put("tx.commit", tx::commit);
        calls.put("cursor.next", cursor::next);
        calls.put("cursor.seek", () -> cursor.seek(bytes("a")));
        calls.put("cursor.key", cursor::key);
        calls.put("cursor.value", cursor::value);
        assertAllThrow(calls, StoreClosedException.class);
        snap.close();
        tx.rollback();
        tx.close();
        cursor.close();
        assertThat(tx.isOpen()).isFalse();
    }

    @Test
    default void closeIsIdempotentAndUriAndOpenResourcesStillAnswer() {
        Store s = store();
        String uri = s.uri();
        assertThat(uri).isNotBlank();
        assertThat(s.isClosed()).isFalse();
        Cursor c = defaultKs().cursor(Range.all());
        s.close();
        s.close();
        assertThat(s.isClosed()).isTrue();
        assertThat(s.uri()).isEqualTo(uri);
        assertThat(s.openResources()).isEmpty();
        c.close();
        s.close();
    }

    @Test
    default void nullArgumentsToStoreMethodsThrowNpeNamingTheArgument() {
        Store s = store();
        Keyspace ks = defaultKs();
        Range r = Range.all();
        ScanOptions o = ScanOptions.forward();
        assertNpe("get(null, key)", () -> s.get(null, bytes("a")), "keyspace");
        assertNpe("get(ks, null)", () -> s.get(ks, null), "key");
        assertNpe("contains(null, key)", () -> s.contains(null, bytes("a")), "keyspace");
        assertNpe("contains(ks, null)", () -> s.contains(ks, null), "key");
        assertNpe("cursor(null, ..)", () -> s.cursor(null, r, o), "keyspace");
        assertNpe("cursor(ks, null, ..)", () -> s.cursor(ks, null, o), "range");
        assertNpe("cursor(ks, r, null)", () -> s.cursor(ks, r, null), "options");
        assertNpe("scan(ks, null, ..)", () -> s.scan(ks, null, o), "range");
        assertNpe("scan(ks, r, null)", () -> s.scan(ks, r, null), "options");
        assertNpe("keyspace(null)", () -> s.keyspace(null), "name");
        assertNpe("createKeyspace(null)", () -> s.createKeyspace(null), "name");
        assertNpe("dropKeyspace(null)", () -> s.dropKeyspace(null), "name");
        assertNpe("write(null)", () -> s.write(null), "batch");
        assertNpe("begin(null)", () -> s.begin(null), "isolation");
        assertNpe("inTransaction(null, body)", () -> s.inTransaction(null, tx -> 1), "isolation");
        assertNpe("inTransaction(iso, null)", () -> s.inTransaction(Isolation.SNAPSHOT, null), "body");
        assertNpe("inTransaction(iso, n, null)", () -> s.inTransaction(Isolation.SNAPSHOT, 2, null), "body");
        assertThat(s.openResources()).isEmpty();
        assertThat(keysIn(ks)).isEmpty();
    }

    @Test
    default void nullArgumentsToKeyspaceMethodsThrowNpeNamingTheArgument() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        byte[] k = bytes("k");
        byte[] v = bytes("v");
        assertNpe("get", () -> ks.get(null), "key");
        assertNpe("contains", () -> ks.contains(null), "key");
        assertNpe("put(null, v)", () -> ks.put(null, v), "key");
        assertNpe("put(k, null)", () -> ks.put(k, null), "value");
        assertNpe("put(k, v, null)", () -> ks.put(k, v, null), "options");
        assertNpe("delete(null)", () -> ks.delete(null), "key");
        assertNpe("delete(k, null)", () -> ks.delete(k, null), "options");
        assertNpe("deleteRange(null)", () -> ks.deleteRange(null), "range");
        assertNpe("deleteRange(r, null)", () -> ks.deleteRange(Range.all(), null), "options");
        assertNpe("cursor(null)", () -> ks.cursor(null), "range");
        assertNpe("cursor(r, null)", () -> ks.cursor(Range.all(), null), "options");
        assertNpe("scan(null, o)", () -> ks.scan(null, ScanOptions.forward()), "range");
        assertNpe("compareAndSet(null, ..)", () -> ks.compareAndSet(null, null, v), "key");
        assertNpe("compareAndSet(.., null options)", () -> ks.compareAndSet(k, null, v, null), "options");
        assertThat(keysIn(ks)).as("nothing written").containsExactly("a");
        assertThat(ks.get(bytes("a"))).isEqualTo(bytes("v-a"));
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void nullArgumentsToViewsCursorsAndBatchesThrowNpe() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        try (Snapshot s = store().snapshot(); Transaction tx = store().begin(Isolation.SNAPSHOT);
             Cursor c = ks.cursor(Range.all())) {
            assertNpe("snapshot.get(null, k)", () -> s.get(null, bytes("a")), "keyspace");
            assertNpe("snapshot.get(ks, null)", () -> s.get(ks, null), "key");
            assertNpe("snapshot.cursor(ks, null, o)", () -> s.cursor(ks, null, ScanOptions.forward()), "range");
            assertNpe("tx.get(ks, null)", () -> tx.get(ks, null), "key");
            assertNpe("tx.put(null, k, v)", () -> tx.put(null, bytes("k"), bytes("v")), "keyspace");
            assertNpe("tx.put(ks, null, v)", () -> tx.put(ks, null, bytes("v")), "key");
            assertNpe("tx.put(ks, k, null)", () -> tx.put(ks, bytes("k"), null), "value");
            assertNpe("tx.delete(ks, null)", () -> tx.delete(ks, null), "key");
            assertNpe("tx.deleteRange(ks, null)", () -> tx.deleteRange(ks, null), "range");
            assertNpe("tx.cursor(ks, r, null)", () -> tx.cursor(ks, Range.all(), null), "options");
            assertNpe("cursor.seek(null)", () -> c.seek(null), "key");
            assertNpe("batch.put(ks, null, v)", () -> new WriteBatch().put(ks, null, bytes("v")), "key");
            assertNpe("batch.requireEquals(ks, k, null)", () -> new WriteBatch().requireEquals(ks, bytes("k"), null),
                    "value");
            assertThat(tx.isOpen()).isTrue();
            tx.commit();
        }
        assertThat(keysIn(ks)).containsExactly("a");
    }

    @Test
    default void unknownSchemeIsRejectedListingTheKnownOnes() {
        assertThat(Plinth.schemes()).contains("mem");
        assertThatThrownBy(() -> Plinth.open("nosuch:").close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nosuch")
                .hasMessageContaining("mem");
        assertThatThrownBy(() -> Plinth.open((String) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    default void malformedUriIsRejected() {
        for (String uri : List.of("", "no scheme here", ":nothing")) {
            assertThatThrownBy(() -> Plinth.open(uri).close()).as("'%s'", uri)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    default void unknownEngineParameterIsRejected() {
        assertThatThrownBy(() -> freshOptions().param("noSuchParameterAnywhere", "1").open().close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noSuchParameterAnywhere");
    }

    @Test
    default void invalidOptionsAreRejected() {
        Keyspace ks = defaultKs();
        assertThatThrownBy(() -> ScanOptions.forward().withLimit(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteOptions.ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteOptions.ttl(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WriteBatch().delete(ks, bytes("k"), WriteOptions.ttl(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time to live");
        assertThatThrownBy(() -> ks.delete(bytes("k"), WriteOptions.ttl(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time to live");
        assertThatThrownBy(() -> ks.deleteRange(Range.all(), WriteOptions.ttl(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time to live");
        assertThatThrownBy(() -> ks.compareAndSet(bytes("k"), null, null, WriteOptions.ttl(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time to live");
        try (Transaction tx = store().begin(Isolation.SNAPSHOT)) {
            assertThatThrownBy(() -> tx.delete(ks, bytes("k"), WriteOptions.ttl(Duration.ofSeconds(1))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time to live");
            assertThatThrownBy(() -> tx.deleteRange(ks, Range.all(), WriteOptions.ttl(Duration.ofSeconds(1))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time to live");
            assertThatThrownBy(() -> tx.put(ks, bytes("k"), bytes("v"), null))
                    .isInstanceOf(NullPointerException.class);
            tx.commit();
        }
        assertThat(ks.contains(bytes("k"))).isFalse();
    }

    @Test
    default void aFullFileSystemIsStorageFullAndLosesNoAcknowledgedWrite() throws Exception {
        assumeThat(caps().persistent()).as("persistent engine").isTrue();
        Path mnt = Files.createTempDirectory(dir().toAbsolutePath().getParent(), "small-fs-");
        assumeThat(SmallFileSystem.mount(mnt, 8)).as("a small tmpfs can be mounted here (root on Linux)").isTrue();
        try {
            Path ballast = mnt.resolve("ballast");
            Files.write(ballast, new byte[2 << 20]);
            byte[] value = new byte[Math.min(64 * 1024, caps().maxValueSize())];
            // Random bytes, so that an engine that compresses (or merges small tables into large ones) still
            // fills the file system: a value of one repeated byte compresses to almost nothing.
            java.util.Random random = new java.util.Random(value.length);
            int acked = 0;
            StorageFullException full = null;
            try (Store s = factory().options(mnt.resolve("store")).clock(clock()).open()) {
                Keyspace ks = s.defaultKeyspace();
                try {
                    for (; acked < 10_000; acked++) {
                        random.nextBytes(value);
                        value[0] = (byte) acked;
                        value[value.length - 1] = (byte) acked;
                        ks.put(bytes(String.format("k%05d", acked)), value);
                    }
                } catch (StorageFullException e) {
                    full = e;
                }
                assertThat(full).as("the 8 MiB file system filled up").isNotNull();
                assertThat(ks.contains(bytes(String.format("k%05d", acked)))).as("the write that failed").isFalse();
                assertThat(ks.get(bytes("k00000"))[0]).isEqualTo((byte) 0);
                assertThatThrownBy(() -> ks.put(bytes("another"), value)).as("a write while still full")
                        .isInstanceOf(StorageFullException.class);
                assertThat(ks.contains(bytes("another"))).isFalse();
            } catch (StorageFullException closing) {
                // Closing may need room to flush; what was acknowledged must still be there after reopen.
            }
            Files.delete(ballast);
            try (Store s = factory().options(mnt.resolve("store")).clock(clock()).open()) {
                Keyspace ks = s.defaultKeyspace();
                for (int i = 0; i < acked; i++) {
                    byte[] v = ks.get(bytes(String.format("k%05d", i)));
                    assertThat(v).as("acknowledged write %d", i).isNotNull();
                    assertThat(v[v.length - 1]).as("acknowledged write %d", i).isEqualTo((byte) i);
                }
                assertThat(ks.contains(bytes(String.format("k%05d", acked)))).as("the write that failed").isFalse();
                ks.put(bytes("after"), bytes("room again"));
                assertThat(ks.get(bytes("after"))).isEqualTo(bytes("room again"));
            }
        } finally {
            SmallFileSystem.unmount(mnt);
        }
    }

    @Test
    default void rejectedCallsChangeNothing() {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        fill(ks, "a", "b");
        fill(other, "x");
        List<String> before = Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()));
        List<Map.Entry<Class<? extends RuntimeException>, ThrowingCallable>> rejected = List.of(
                Map.entry(IllegalArgumentException.class, () -> ks.put(new byte[0], bytes("v"))),
                Map.entry(NullPointerException.class, () -> ks.put(bytes("a"), null)),
                Map.entry(LimitExceededException.class,
                        () -> ks.put(Bytes.filled(caps().maxKeySize() + 1, 1), bytes("v"))),
                Map.entry(IllegalArgumentException.class, () -> store().write(
                        new WriteBatch().delete(ks, bytes("a")).put(ks, new byte[0], bytes("v")))),
                Map.entry(LimitExceededException.class, () -> store().write(new WriteBatch()
                        .deleteRange(ks, Range.all()).put(ks, Bytes.filled(caps().maxKeySize() + 1, 2), bytes("v")))),
                Map.entry(IllegalArgumentException.class, () -> store().dropKeyspace(Store.DEFAULT_KEYSPACE)),
                Map.entry(IllegalArgumentException.class, () -> store().dropKeyspace("other!")),
                Map.entry(IllegalArgumentException.class, () -> store().createKeyspace("bad name")),
                Map.entry(IllegalArgumentException.class, () -> ks.compareAndSet(new byte[0], null, bytes("v"))),
                Map.entry(IllegalArgumentException.class, () -> store().inTransaction(Isolation.SNAPSHOT, 0, tx -> {
                    tx.deleteRange(ks, Range.all());
                    return null;
                })));
        for (int i = 0; i < rejected.size(); i++) {
            assertThatThrownBy(rejected.get(i).getValue()).as("call %d", i)
                    .isInstanceOf(rejected.get(i).getKey());
        }
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactlyElementsOf(before);
        assertThat(keysIn(other)).containsExactly("x");
        assertThat(store().keyspaces()).containsExactly("default", "other");
        assertThat(store().openResources()).isEmpty();
    }
}
