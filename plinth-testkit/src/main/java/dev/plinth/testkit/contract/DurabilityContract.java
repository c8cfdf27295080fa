package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.ForeignFilesException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves that durability is stated honestly: writes with every level the engine claims succeed, a level
 * it does not claim is rejected with {@link UnsupportedCapabilityException} in every write path (and as
 * a store default) with nothing written, and, on persistent engines, that {@code SYNC} writes, flushed
 * {@code NONE} writes, keyspaces and everything in a cleanly closed store are there after reopen.
 *
 * <p>Close-and-reopen cannot catch a missing fsync: the kill -9 crash harness
 * ({@link dev.plinth.testkit.crash.CrashHarness}) checks what survives a killed process. These tests catch
 * what is lost or corrupted by a clean close and reopen, and that a store opened with
 * {@code createIfMissing(false)} is found only where one exists.
 */
public interface DurabilityContract extends ContractSupport {
    /**
     * A durability level the engine does not honour, skipping the test if it honours them all.
     *
     * @return the weakest unsupported level
     */
    private Durability unsupported() {
        for (Durability d : Durability.values()) {
            if (!caps().supports(d)) {
                return d;
            }
        }
        assumeThat(false).as("the engine honours every durability level").isTrue();
        throw new AssertionError("unreachable");
    }

    private void assumePersistent() {
        assumeThat(caps().persistent()).as("persistent engine").isTrue();
    }

    @Test
    default void capabilitiesStateDurabilityConsistently() {
        Capabilities caps = caps();
        assertThat(caps.durabilities()).isNotEmpty();
        assertThat(caps.supports(caps.defaultDurability())).isTrue();
        for (Durability d : Durability.values()) {
            assertThat(caps.supports(d)).as(d.name()).isEqualTo(caps.durabilities().contains(d));
        }
        if (!caps.persistent()) {
            assertThat(caps.durabilities()).as("an engine that keeps nothing cannot survive a process death")
                    .containsOnly(Durability.NONE);
        }
        assertThat(caps.maxKeySize()).isPositive();
        assertThat(caps.maxBatchOps()).isPositive();
        assertThat(store().capabilities().toString()).isEqualTo(caps.toString());
    }

    @Test
    default void writesWithEachSupportedDurabilitySucceed() {
        Keyspace ks = defaultKs();
        for (Durability d : caps().durabilities()) {
            WriteOptions o = WriteOptions.durability(d);
            String n = d.name();
            ks.put(bytes(n + "-put"), bytes("v"), o);
            ks.put(bytes(n + "-del"), bytes("v"), o);
            ks.delete(bytes(n + "-del"), o);
            ks.put(bytes(n + "-range"), bytes("v"), o);
            ks.deleteRange(Range.prefix(bytes(n + "-range")), o);
            assertThat(ks.compareAndSet(bytes(n + "-cas"), null, bytes("v"), o)).isTrue();
            assertThat(store().write(new WriteBatch().put(ks, bytes(n + "-batch"), bytes("v"), o))).isTrue();
            try (Transaction tx = store().begin(Isolation.SNAPSHOT)) {
                tx.put(ks, bytes(n + "-tx"), bytes("v"), o);
                tx.commit();
            }
            assertThat(keysIn(store(), ks, Range.prefix(bytes(n)), ScanOptions.forward()))
                    .containsExactly(n + "-batch", n + "-cas", n + "-put", n + "-tx");
        }
    }

    @Test
    default void unsupportedDurabilityIsRejectedInPutsAndDeletes() {
        Durability level = unsupported();
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        WriteOptions o = WriteOptions.durability(level);
        assertThatThrownBy(() -> ks.put(bytes("c"), bytes("v"), o)).isInstanceOf(UnsupportedCapabilityException.class);
        assertThatThrownBy(() -> ks.put(bytes("a"), bytes("changed"), o))
                .isInstanceOf(UnsupportedCapabilityException.class);
        assertThatThrownBy(() -> ks.delete(bytes("a"), o)).isInstanceOf(UnsupportedCapabilityException.class);
        assertThatThrownBy(() -> ks.deleteRange(Range.all(), o)).isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("a=v-a", "b=v-b");
    }

    @Test
    default void unsupportedDurabilityIsRejectedInBatches() {
        Durability level = unsupported();
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        fill(ks, "a");
        WriteBatch batch = new WriteBatch().put(other, bytes("x"), bytes("v"))
                .delete(ks, bytes("a"), WriteOptions.durability(level));
        assertThatThrownBy(() -> store().write(batch)).isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(keysIn(ks)).containsExactly("a");
        assertThat(keysIn(other)).isEmpty();
        assertThat(store().write(new WriteBatch().put(other, bytes("x"), bytes("v")).delete(ks, bytes("a"))))
                .as("the same batch with the default").isTrue();
    }

    @Test
    default void unsupportedDurabilityIsRejectedInCompareAndSet() {
        Durability level = unsupported();
        Keyspace ks = defaultKs();
        fill(ks, "a");
        WriteOptions o = WriteOptions.durability(level);
        assertThatThrownBy(() -> ks.compareAndSet(bytes("b"), null, bytes("v"), o))
                .isInstanceOf(UnsupportedCapabilityException.class);
        assertThatThrownBy(() -> ks.compareAndSet(bytes("a"), bytes("v-a"), null, o))
                .isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("a=v-a");
    }

    @Test
    default void unsupportedDurabilityIsRejectedInTransactions() {
        Durability level = unsupported();
        Keyspace ks = defaultKs();
        fill(ks, "a");
        for (Isolation iso : Isolation.values()) {
            try (Transaction tx = store().begin(iso)) {
                tx.put(ks, bytes("b"), bytes("v"));
                tx.delete(ks, bytes("a"));
                assertThatThrownBy(() -> tx.put(ks, bytes("c"), bytes("v"), WriteOptions.durability(level)))
                        .as(iso.name()).isInstanceOf(UnsupportedCapabilityException.class);
                assertThat(tx.get(ks, bytes("c"))).as("the refused put buffered nothing").isNull();
            }
            assertThat(keysIn(ks)).as(iso.name()).containsExactly("a");
        }
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void unsupportedDefaultDurabilityFailsToOpen() {
        Durability level = unsupported();
        assertThatThrownBy(() -> {
            Store s = freshOptions().defaultDurability(level).open();
            s.close();
        }).isInstanceOf(UnsupportedCapabilityException.class);
    }

    @Test
    default void supportedDefaultDurabilityOpensAndApplies() {
        for (Durability d : caps().durabilities()) {
            try (Store s = freshOptions().defaultDurability(d).open()) {
                s.defaultKeyspace().put(bytes("k"), bytes("v"));
                assertThat(s.write(new WriteBatch().put(s.defaultKeyspace(), bytes("b"), bytes("v")))).isTrue();
                assertThat(s.defaultKeyspace().get(bytes("k"))).isEqualTo(bytes("v"));
            }
        }
    }

    @Test
    default void enginesWithoutPersistenceOpenANewStoreEvenWithoutCreate() {
        assumeThat(caps().persistent()).as("engine without persistence").isFalse();
        try (Store s = freshOptions().createIfMissing(false).open()) {
            assertThat(s.defaultKeyspace().scan(Range.all(), ScanOptions.forward())).isEmpty();
        }
    }

    @Test
    default void openingWithoutCreateFindsOnlyAStoreThatExists() throws IOException {
        assumePersistent();
        Path parent = dir().toAbsolutePath().getParent();
        Path empty = Files.createTempDirectory(parent, "empty-");
        assertThatThrownBy(() -> factory().options(empty).clock(clock()).createIfMissing(false).open().close())
                .as("an empty directory").isInstanceOf(NoSuchStoreException.class);
        assertThat(empty).isEmptyDirectory();
        Path notAStore = Files.createTempDirectory(parent, "not-a-store-");
        Files.writeString(notAStore.resolve("notes.txt"), "not a store");
        assertThatThrownBy(() -> factory().options(notAStore).clock(clock()).createIfMissing(false).open().close())
                .as("a directory of other files").isInstanceOf(NoSuchStoreException.class);
        try (var files = Files.list(notAStore)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("notes.txt");
        }
        Path existing = Files.createTempDirectory(parent, "existing-");
        try (Store s = factory().options(existing).clock(clock()).open()) {
            s.defaultKeyspace().put(bytes("k"), bytes("v"));
        }
        try (Store s = factory().options(existing).clock(clock()).createIfMissing(false).open()) {
            assertThat(s.defaultKeyspace().get(bytes("k"))).isEqualTo(bytes("v"));
        }
    }

    @Test
    default void aDirectoryOfOtherFilesIsRefusedAndLeftAsItWas() throws IOException {
        assumePersistent();
        Path parent = dir().toAbsolutePath().getParent();
        for (boolean create : new boolean[] {true, false}) {
            Path other = Files.createTempDirectory(parent, "other-files-");
            Files.writeString(other.resolve("notes.txt"), "not a store");
            Files.createDirectory(other.resolve("photos"));
            assertThatThrownBy(() -> factory().options(other).clock(clock()).createIfMissing(create).open().close())
                    .as("createIfMissing(%s)", create)
                    .isInstanceOf(ForeignFilesException.class)
                    .hasMessageContaining(other.toString())
                    .hasMessageContaining("notes.txt");
            try (var files = Files.list(other)) {
                assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("notes.txt", "photos");
            }
            assertThat(Files.readString(other.resolve("notes.txt"))).isEqualTo("not a store");
        }
    }

    @Test
    default void syncWritesArePresentAfterReopen() {
        assumePersistent();
        Durability strongest = caps().supports(Durability.SYNC) ? Durability.SYNC
                : caps().supports(Durability.PROCESS) ? Durability.PROCESS : Durability.NONE;
        Keyspace ks = defaultKs();
        WriteOptions o = WriteOptions.durability(strongest);
        for (int i = 0; i < 50; i++) {
            ks.put(bytes(String.format("k%03d", i)), bytes("v" + i), o);
        }
        ks.delete(bytes("k007"), o);
        assertThat(ks.compareAndSet(bytes("k008"), bytes("v8"), bytes("cas"), o)).isTrue();
        store().write(new WriteBatch().put(ks, bytes("batch"), bytes("b"), WriteOptions.durability(strongest)));
        Keyspace reopened = reopen().defaultKeyspace();
        assertThat(reopened.scan(Range.prefix(bytes("k")), ScanOptions.forward())).hasSize(49);
        assertThat(reopened.get(bytes("k049"))).isEqualTo(bytes("v49"));
        assertThat(reopened.get(bytes("k008"))).isEqualTo(bytes("cas"));
        assertThat(reopened.contains(bytes("k007"))).isFalse();
        assertThat(reopened.get(bytes("batch"))).isEqualTo(bytes("b"));
    }

    @Test
    default void flushMakesNoneWritesDurable() {
        assumePersistent();
        assumeThat(caps().supports(Durability.NONE)).as("NONE supported").isTrue();
        Keyspace ks = defaultKs();
        WriteOptions o = WriteOptions.durability(Durability.NONE);
        for (int i = 0; i < 50; i++) {
            ks.put(bytes(String.format("k%03d", i)), bytes("v" + i), o);
        }
        ks.deleteRange(Range.of(bytes("k010"), bytes("k020")), o);
        store().flush();
        Keyspace reopened = reopen().defaultKeyspace();
        assertThat(reopened.scan(Range.all(), ScanOptions.forward())).hasSize(40);
        assertThat(reopened.get(bytes("k000"))).isEqualTo(bytes("v0"));
        assertThat(reopened.contains(bytes("k015"))).isFalse();
    }

    @Test
    default void cleanCloseAndReopenLosesNothing() {
        assumePersistent();
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        for (int i = 0; i < 200; i++) {
            a.put(bytes(String.format("a%04d", i)), Bytes.filled(i, i));
        }
        a.deleteRange(Range.of(bytes("a0050"), bytes("a0100")));
        a.put(bytes("a0010"), bytes("overwritten"));
        a.delete(bytes("a0011"));
        a.put(bytes("empty"), new byte[0]);
        store().write(new WriteBatch().put(b, bytes("x"), bytes("1")).put(a, bytes("y"), bytes("2")));
        store().inTransaction(Isolation.SERIALIZABLE, tx -> {
            tx.put(b, bytes("tx"), bytes("3"));
            return null;
        });
        List<String> before = Bytes.entries(a.scan(Range.all(), ScanOptions.forward()));
        List<String> beforeB = Bytes.entries(b.scan(Range.all(), ScanOptions.forward()));
        Store s = reopen();
        assertThat(Bytes.entries(s.defaultKeyspace().scan(Range.all(), ScanOptions.forward())))
                .containsExactlyElementsOf(before);
        assertThat(Bytes.entries(s.keyspace("b").scan(Range.all(), ScanOptions.forward())))
                .containsExactlyElementsOf(beforeB);
        assertThat(s.defaultKeyspace().get(bytes("empty"))).isNotNull().isEmpty();
        s = reopen();
        assertThat(Bytes.entries(s.defaultKeyspace().scan(Range.all(), ScanOptions.reverse())))
                .as("a second reopen").hasSameSizeAs(before);
    }

    @Test
    default void keyspacesSurviveReopen() {
        assumePersistent();
        store().createKeyspace("kept");
        store().createKeyspace("dropped").put(bytes("k"), bytes("v"));
        store().keyspace("kept").put(bytes("k"), bytes("v"));
        store().dropKeyspace("dropped");
        store().createKeyspace("empty");
        Store s = reopen();
        assertThat(s.keyspaces()).containsExactly("default", "empty", "kept");
        assertThat(s.keyspace("kept").get(bytes("k"))).isEqualTo(bytes("v"));
        assertThat(keysIn(s.createKeyspace("dropped"))).as("a dropped keyspace's data stays gone").isEmpty();
    }

    @Test
    default void compactionThenReopenLosesNothing() {
        assumePersistent();
        Keyspace ks = defaultKs();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100; i++) {
                ks.put(bytes(String.format("k%03d", i)), bytes("r" + round + "-" + i));
            }
        }
        ks.deleteRange(Range.of(bytes("k090"), null));
        store().compact();
        List<String> before = Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()));
        assertThat(before).hasSize(90).contains("k000=r2-0");
        Store s = reopen();
        assertThat(Bytes.entries(s.defaultKeyspace().scan(Range.all(), ScanOptions.forward())))
                .containsExactlyElementsOf(before);
    }
}
