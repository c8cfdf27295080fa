package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static dev.plinth.testkit.contract.Bytes.longBytes;
import static dev.plinth.testkit.contract.Bytes.toLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.OpenResource;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves transactions at both isolation levels: reads see the transaction's snapshot plus its own
 * writes, in {@code get} and in cursors (forward and reverse, merged with snapshot data, own deletes and
 * range deletes hiding snapshot keys); commit is atomic and invisible before; rollback and close leave no
 * trace; write-write conflicts abort the later committer; under {@link Isolation#SNAPSHOT} read-only
 * conflicts are allowed (write skew) and under {@link Isolation#SERIALIZABLE} changed reads, write skew
 * and phantoms abort; the bank-transfer invariant holds under concurrency; an ended transaction refuses every operation.
 * {@code inTransaction} has its own contract, {@link InTransactionContract}.
 */
public interface TransactionContract extends ContractSupport {
    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void readYourWritesInGet(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "old", "gone");
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("new"), bytes("1"));
            tx.put(ks, bytes("old"), bytes("changed"));
            tx.delete(ks, bytes("gone"));
            assertThat(tx.get(ks, bytes("new"))).isEqualTo(bytes("1"));
            assertThat(tx.get(ks, bytes("old"))).isEqualTo(bytes("changed"));
            assertThat(tx.get(ks, bytes("gone"))).isNull();
            assertThat(tx.contains(ks, bytes("gone"))).isFalse();
            assertThat(tx.contains(ks, bytes("new"))).isTrue();
            tx.put(ks, bytes("gone"), bytes("back"));
            assertThat(tx.get(ks, bytes("gone"))).isEqualTo(bytes("back"));
            assertThat(ks.get(bytes("new"))).as("invisible outside before commit").isNull();
            assertThat(ks.get(bytes("old"))).isEqualTo(bytes("v-old"));
            tx.commit();
        }
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward())))
                .containsExactly("gone=back", "new=1", "old=changed");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void readYourWritesInForwardCursors(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a", "c", "e", "g");
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("b"), bytes("new-b"));
            tx.put(ks, bytes("c"), bytes("new-c"));
            tx.delete(ks, bytes("e"));
            tx.put(ks, bytes("h"), bytes("new-h"));
            tx.put(ks, bytes("0"), bytes("new-0"));
            try (Cursor c = tx.cursor(ks, Range.all(), ScanOptions.forward())) {
                assertThat(Bytes.entriesOf(c)).containsExactly("0=new-0", "a=v-a", "b=new-b", "c=new-c", "g=v-g",
                        "h=new-h");
            }
            assertThat(Bytes.keys(tx.scan(ks, Range.of(bytes("b"), bytes("h")), ScanOptions.forward())))
                    .containsExactly("b", "c", "g");
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void readYourWritesInReverseCursors(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a", "c", "e", "g");
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("b"), bytes("new-b"));
            tx.put(ks, bytes("c"), bytes("new-c"));
            tx.delete(ks, bytes("g"));
            tx.put(ks, bytes("h"), bytes("new-h"));
            try (Cursor c = tx.cursor(ks, Range.all(), ScanOptions.reverse())) {
                assertThat(Bytes.entriesOf(c)).containsExactly("h=new-h", "e=v-e", "c=new-c", "b=new-b", "a=v-a");
            }
            assertThat(Bytes.keys(tx.scan(ks, Range.until(bytes("e")), ScanOptions.reverse())))
                    .containsExactly("c", "b", "a");
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void ownDeleteRangeHidesSnapshotKeysButNotLaterPuts(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c", "d", "e");
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("bb"), bytes("before the range delete"));
            tx.deleteRange(ks, Range.of(bytes("b"), bytes("e")));
            tx.put(ks, bytes("c"), bytes("after"));
            tx.put(ks, bytes("cc"), bytes("after"));
            assertThat(tx.get(ks, bytes("b"))).isNull();
            assertThat(tx.get(ks, bytes("bb"))).isNull();
            assertThat(tx.get(ks, bytes("d"))).isNull();
            assertThat(tx.get(ks, bytes("c"))).isEqualTo(bytes("after"));
            assertThat(keysIn(tx, ks, Range.all(), ScanOptions.forward())).containsExactly("a", "c", "cc", "e");
            assertThat(keysIn(tx, ks, Range.all(), ScanOptions.reverse())).containsExactly("e", "cc", "c", "a");
            tx.commit();
        }
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward())))
                .containsExactly("a=v-a", "c=after", "cc=after", "e=v-e");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void mergedCursorsHonourSeekLimitAndKeysOnly(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a", "c", "e");
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("b"), bytes("new"));
            tx.put(ks, bytes("d"), bytes("new"));
            tx.delete(ks, bytes("c"));
            try (Cursor c = tx.cursor(ks, Range.all(), ScanOptions.forward().withLimit(3))) {
                c.seek(bytes("bb"));
                assertThat(Bytes.keysOf(c)).containsExactly("d", "e");
                c.seek(bytes("a"));
                assertThat(Bytes.keysOf(c)).as("limit 3 counts across seek").containsExactly("a");
            }
            try (Cursor c = tx.cursor(ks, Range.all(), ScanOptions.reverse().withKeysOnly(true))) {
                c.seek(bytes("c"));
                assertThat(c.next()).isTrue();
                assertThat(c.key()).isEqualTo(bytes("b"));
                assertThatThrownBy(c::value).isInstanceOf(IllegalStateException.class);
                assertThat(Bytes.keysOf(c)).containsExactly("a");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void ownWritesStayInTheirKeyspace(Isolation iso) {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        fill(b, "k");
        try (Transaction tx = store().begin(iso)) {
            tx.put(a, bytes("k"), bytes("in a"));
            tx.delete(a, bytes("k2"));
            tx.deleteRange(a, Range.all());
            tx.put(a, bytes("j"), bytes("in a"));
            assertThat(tx.get(b, bytes("k"))).isEqualTo(bytes("v-k"));
            assertThat(tx.get(b, bytes("j"))).isNull();
            assertThat(keysIn(tx, b, Range.all(), ScanOptions.forward())).containsExactly("k");
            tx.commit();
        }
        assertThat(keysIn(a)).containsExactly("j");
        assertThat(keysIn(b)).containsExactly("k");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void bufferedWritesMatchKeysByContent(Isolation iso) {
        Keyspace ks = defaultKs();
        try (Transaction tx = store().begin(iso)) {
            byte[] key = bytes("k");
            byte[] value = bytes("v");
            tx.put(ks, key, value);
            key[0] = 'x';
            value[0] = 'x';
            assertThat(tx.get(ks, bytes("k"))).isEqualTo(bytes("v"));
            assertThat(tx.get(ks, bytes("x"))).isNull();
            tx.put(ks, bytes("k"), bytes("w"));
            assertThat(keysIn(tx, ks, Range.all(), ScanOptions.forward())).containsExactly("k");
            tx.commit();
        }
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("k=w");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void uncommittedWritesAreInvisibleToOthers(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("b"), bytes("new"));
            tx.delete(ks, bytes("a"));
            assertThat(keysIn(ks)).containsExactly("a");
            try (Snapshot s = store().snapshot(); Transaction other = store().begin(iso)) {
                assertThat(s.get(ks, bytes("b"))).isNull();
                assertThat(other.get(ks, bytes("b"))).isNull();
                assertThat(other.get(ks, bytes("a"))).isEqualTo(bytes("v-a"));
            }
            tx.commit();
        }
        assertThat(keysIn(ks)).containsExactly("b");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void commitAppliesAcrossKeyspacesAtOnce(Isolation iso) {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        fill(a, "from");
        try (Transaction tx = store().begin(iso)) {
            tx.delete(a, bytes("from"));
            tx.put(b, bytes("to"), bytes("moved"));
            try (Snapshot before = store().snapshot()) {
                tx.commit();
                assertThat(before.contains(a, bytes("from"))).isTrue();
                assertThat(before.contains(b, bytes("to"))).isFalse();
            }
            assertThat(tx.isOpen()).isFalse();
        }
        assertThat(a.contains(bytes("from"))).isFalse();
        assertThat(b.get(bytes("to"))).isEqualTo(bytes("moved"));
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void rollbackLeavesNoTrace(Isolation iso) {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        fill(ks, "a", "b");
        Transaction tx = store().begin(iso);
        tx.put(ks, bytes("c"), bytes("new"));
        tx.put(other, bytes("c"), bytes("new"));
        tx.delete(ks, bytes("a"));
        tx.deleteRange(ks, Range.all());
        tx.rollback();
        assertThat(tx.isOpen()).isFalse();
        tx.rollback();
        tx.close();
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("a=v-a", "b=v-b");
        assertThat(keysIn(other)).isEmpty();
        assertThat(store().openResources()).isEmpty();
        assertThat(store().stats().openTransactions()).isZero();
        assertThat(ks.compareAndSet(bytes("c"), null, bytes("free"))).as("no lock or tombstone left").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void closeWithoutCommitRollsBack(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("b"), bytes("new"));
            tx.delete(ks, bytes("a"));
        }
        assertThat(keysIn(ks)).containsExactly("a");
        assertThat(store().openResources()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void writeWriteConflictAbortsTheLaterCommit(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "k");
        try (Transaction t1 = store().begin(iso); Transaction t2 = store().begin(iso)) {
            t1.put(ks, bytes("k"), bytes("t1"));
            t2.put(ks, bytes("k"), bytes("t2"));
            t2.put(ks, bytes("t2-only"), bytes("x"));
            t1.commit();
            assertThatThrownBy(t2::commit).isInstanceOf(ConflictException.class);
            assertThat(t2.isOpen()).as("a failed commit ends the transaction").isFalse();
            assertThatThrownBy(t2::commit).isInstanceOf(IllegalStateException.class);
        }
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("t1"));
        assertThat(ks.contains(bytes("t2-only"))).as("the failed commit applied nothing").isFalse();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void deleteConflictsWithAConcurrentWrite(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "k");
        try (Transaction t1 = store().begin(iso); Transaction t2 = store().begin(iso)) {
            t1.delete(ks, bytes("k"));
            t2.put(ks, bytes("k"), bytes("t2"));
            t2.commit();
            assertThatThrownBy(t1::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("t2"));
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void nonTransactionalWriteToAWrittenKeyConflicts(Isolation iso) {
        Keyspace ks = defaultKs();
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("k"), bytes("tx"));
            tx.put(ks, bytes("other"), bytes("tx"));
            ks.put(bytes("k"), bytes("outside"));
            assertThatThrownBy(tx::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("outside"));
        assertThat(ks.contains(bytes("other"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void rangeDeleteConflictsWithAWriteInsideTheRange(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "d");
        try (Transaction tx = store().begin(iso)) {
            tx.deleteRange(ks, Range.of(bytes("b"), bytes("e")));
            ks.put(bytes("c"), bytes("outside"));
            assertThatThrownBy(tx::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(keysIn(ks)).containsExactly("a", "b", "c", "d");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void disjointWritesDoNotConflict(Isolation iso) {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        fill(ks, "a", "b");
        try (Transaction t1 = store().begin(iso); Transaction t2 = store().begin(iso)) {
            assertThat(t1.get(ks, bytes("a"))).isEqualTo(bytes("v-a"));
            assertThat(t2.get(ks, bytes("b"))).isEqualTo(bytes("v-b"));
            t1.put(ks, bytes("a"), bytes("t1"));
            t2.put(ks, bytes("b"), bytes("t2"));
            t2.put(other, bytes("a"), bytes("same key, other keyspace"));
            ks.put(bytes("c"), bytes("an unrelated outside write"));
            t1.commit();
            t2.commit();
        }
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward())))
                .containsExactly("a=t1", "b=t2", "c=an unrelated outside write");
        assertThat(other.get(bytes("a"))).isEqualTo(bytes("same key, other keyspace"));
    }

    @Test
    default void snapshotIsolationAllowsWriteSkew() {
        Keyspace ks = defaultKs();
        ks.put(bytes("x"), bytes("on"));
        ks.put(bytes("y"), bytes("on"));
        try (Transaction t1 = store().begin(Isolation.SNAPSHOT); Transaction t2 = store().begin(Isolation.SNAPSHOT)) {
            assertThat(t1.get(ks, bytes("x"))).isEqualTo(bytes("on"));
            assertThat(t1.get(ks, bytes("y"))).isEqualTo(bytes("on"));
            assertThat(t2.get(ks, bytes("x"))).isEqualTo(bytes("on"));
            assertThat(t2.get(ks, bytes("y"))).isEqualTo(bytes("on"));
            t1.put(ks, bytes("x"), bytes("off"));
            t2.put(ks, bytes("y"), bytes("off"));
            t1.commit();
            t2.commit();
        }
        assertThat(ks.get(bytes("x"))).isEqualTo(bytes("off"));
        assertThat(ks.get(bytes("y"))).isEqualTo(bytes("off"));
    }

    @Test
    default void serializablePreventsWriteSkew() {
        Keyspace ks = defaultKs();
        ks.put(bytes("x"), bytes("on"));
        ks.put(bytes("y"), bytes("on"));
        try (Transaction t1 = store().begin(Isolation.SERIALIZABLE);
             Transaction t2 = store().begin(Isolation.SERIALIZABLE)) {
            t1.get(ks, bytes("x"));
            t1.get(ks, bytes("y"));
            t2.get(ks, bytes("x"));
            t2.get(ks, bytes("y"));
            t1.put(ks, bytes("x"), bytes("off"));
            t2.put(ks, bytes("y"), bytes("off"));
            t1.commit();
            assertThatThrownBy(t2::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(ks.get(bytes("x"))).isEqualTo(bytes("off"));
        assertThat(ks.get(bytes("y"))).isEqualTo(bytes("on"));
    }

    @Test
    default void snapshotIsolationIgnoresReadOnlyConflicts() {
        Keyspace ks = defaultKs();
        fill(ks, "read", "p1", "p3");
        try (Transaction tx = store().begin(Isolation.SNAPSHOT)) {
            assertThat(tx.get(ks, bytes("read"))).isEqualTo(bytes("v-read"));
            assertThat(keysIn(tx, ks, Range.prefix(bytes("p")), ScanOptions.forward())).containsExactly("p1", "p3");
            ks.put(bytes("read"), bytes("changed"));
            ks.put(bytes("p2"), bytes("phantom"));
            ks.delete(bytes("p1"));
            tx.put(ks, bytes("elsewhere"), bytes("tx"));
            tx.commit();
        }
        assertThat(ks.get(bytes("elsewhere"))).isEqualTo(bytes("tx"));
    }

    @Test
    default void serializableDetectsAPhantomInAScannedRange() {
        Keyspace ks = defaultKs();
        fill(ks, "p1", "p3");
        try (Transaction t1 = store().begin(Isolation.SERIALIZABLE)) {
            assertThat(keysIn(t1, ks, Range.prefix(bytes("p")), ScanOptions.forward())).containsExactly("p1", "p3");
            try (Transaction t2 = store().begin(Isolation.SERIALIZABLE)) {
                t2.put(ks, bytes("p2"), bytes("phantom"));
                t2.commit();
            }
            t1.put(ks, bytes("elsewhere"), bytes("t1"));
            assertThatThrownBy(t1::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(ks.contains(bytes("elsewhere"))).isFalse();
    }

    @Test
    default void serializableDetectsAPhantomInAReverseScan() {
        Keyspace ks = defaultKs();
        fill(ks, "p1", "p3");
        try (Transaction t1 = store().begin(Isolation.SERIALIZABLE)) {
            assertThat(Bytes.keys(t1.scan(ks, Range.prefix(bytes("p")), ScanOptions.reverse())))
                    .containsExactly("p3", "p1");
            ks.put(bytes("p0"), bytes("phantom"));
            t1.put(ks, bytes("elsewhere"), bytes("t1"));
            assertThatThrownBy(t1::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(ks.contains(bytes("elsewhere"))).isFalse();
    }

    @Test
    default void serializableDetectsAScannedKeyVanishing() {
        Keyspace ks = defaultKs();
        fill(ks, "p1", "p2", "p3");
        try (Transaction t1 = store().begin(Isolation.SERIALIZABLE)) {
            assertThat(keysIn(t1, ks, Range.prefix(bytes("p")), ScanOptions.forward())).hasSize(3);
            ks.delete(bytes("p2"));
            t1.put(ks, bytes("elsewhere"), bytes("t1"));
            assertThatThrownBy(t1::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(ks.contains(bytes("elsewhere"))).isFalse();
    }

    @Test
    default void serializableDetectsANonTransactionalWriteToAReadKey() {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        fill(ks, "k");
        try (Transaction tx = store().begin(Isolation.SERIALIZABLE)) {
            assertThat(tx.get(ks, bytes("k"))).isEqualTo(bytes("v-k"));
            ks.put(bytes("k"), bytes("outside"));
            tx.put(other, bytes("derived"), bytes("from v-k"));
            assertThatThrownBy(tx::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(other.contains(bytes("derived"))).isFalse();
    }

    @Test
    default void serializableDetectsAKeyAppearingThatWasReadAsAbsent() {
        Keyspace ks = defaultKs();
        try (Transaction tx = store().begin(Isolation.SERIALIZABLE)) {
            assertThat(tx.get(ks, bytes("k"))).isNull();
            assertThat(store().write(new WriteBatch().put(ks, bytes("k"), bytes("outside")))).isTrue();
            tx.put(ks, bytes("j"), bytes("because k was absent"));
            assertThatThrownBy(tx::commit).isInstanceOf(ConflictException.class);
        }
        assertThat(ks.contains(bytes("j"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void readOnlyTransactionCommitsWithoutChecks(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "k", "p1");
        try (Transaction tx = store().begin(iso)) {
            tx.get(ks, bytes("k"));
            tx.scan(ks, Range.prefix(bytes("p")), ScanOptions.forward());
            ks.put(bytes("k"), bytes("changed"));
            ks.put(bytes("p2"), bytes("new"));
            tx.commit();
            assertThat(tx.isOpen()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void transactionSeesItsSnapshotNotLaterCommits(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        try (Transaction tx = store().begin(iso)) {
            ks.put(bytes("a"), bytes("changed"));
            ks.delete(bytes("b"));
            ks.put(bytes("c"), bytes("new"));
            try (Transaction other = store().begin(iso)) {
                other.put(ks, bytes("d"), bytes("new"));
                other.commit();
            }
            assertThat(tx.get(ks, bytes("a"))).isEqualTo(bytes("v-a"));
            assertThat(tx.get(ks, bytes("b"))).isEqualTo(bytes("v-b"));
            assertThat(tx.get(ks, bytes("c"))).isNull();
            assertThat(Bytes.entries(tx.scan(ks, Range.all(), ScanOptions.forward())))
                    .containsExactly("a=v-a", "b=v-b");
        }
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void bankTransfersKeepTheTotalUnderConcurrency(Isolation iso) {
        Keyspace ks = defaultKs();
        int accounts = 5;
        long initial = 1_000;
        for (int i = 0; i < accounts; i++) {
            ks.put(bytes("acct-" + i), longBytes(initial));
        }
        int threads = 4;
        int transfers = 150;
        List<List<long[]>> applied = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            applied.add(Collections.synchronizedList(new ArrayList<>()));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger(threads);
        List<Concurrently.Task> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            tasks.add(index -> {
                Random rnd = new Random(index);
                try {
                    for (int n = 0; n < transfers; n++) {
                        int from = rnd.nextInt(accounts);
                        int to = (from + 1 + rnd.nextInt(accounts - 1)) % accounts;
                        long amount = 1 + rnd.nextInt(100);
                        try {
                            boolean moved = store().inTransaction(iso, 100, tx -> {
                                long a = toLong(tx.get(ks, bytes("acct-" + from)));
                                long b = toLong(tx.get(ks, bytes("acct-" + to)));
                                if (a < amount) {
                                    return false;
                                }
                                tx.put(ks, bytes("acct-" + from), longBytes(a - amount));
                                tx.put(ks, bytes("acct-" + to), longBytes(b + amount));
                                return true;
                            });
                            if (moved) {
                                applied.get(index).add(new long[] {from, to, amount});
                            }
                        } catch (ConflictException e) {
                            // Gave up after every attempt conflicted: nothing applied, which is allowed.
                        }
                    }
                } finally {
                    if (running.decrementAndGet() == 0) {
                        done.set(true);
                    }
                }
            });
        }
        tasks.add(index -> {
            for (int iter = 0; iter < 100_000 && !done.get(); iter++) {
                long total = 0;
                try (Snapshot s = store().snapshot()) {
                    for (KeyValue kv : s.scan(ks, Range.prefix(bytes("acct-")), ScanOptions.forward())) {
                        long balance = toLong(kv.value());
                        assertThat(balance).as("no overdraft").isNotNegative();
                        total += balance;
                    }
                }
                assertThat(total).as("total seen by a concurrent snapshot").isEqualTo(accounts * initial);
            }
        });
        Concurrently.runAll(tasks);
        long[] expected = new long[accounts];
        java.util.Arrays.fill(expected, initial);
        int count = 0;
        for (List<long[]> l : applied) {
            for (long[] tr : l) {
                expected[(int) tr[0]] -= tr[2];
                expected[(int) tr[1]] += tr[2];
                count++;
            }
        }
        assertThat(count).as("transfers that committed").isPositive();
        long total = 0;
        for (int i = 0; i < accounts; i++) {
            long balance = toLong(ks.get(bytes("acct-" + i)));
            total += balance;
            assertThat(balance).as("account %d after every committed transfer", i).isEqualTo(expected[i]);
        }
        assertThat(total).isEqualTo(accounts * initial);
        assertThat(store().stats().openTransactions()).isZero();
    }

    private static void assertEnded(Transaction tx, Keyspace ks) {
        assertThat(tx.isOpen()).isFalse();
        assertThatThrownBy(() -> tx.get(ks, bytes("a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.contains(ks, bytes("a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.put(ks, bytes("a"), bytes("v"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.put(ks, bytes("a"), bytes("v"), WriteOptions.ttl(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.delete(ks, bytes("a"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.deleteRange(ks, Range.all())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.cursor(ks, Range.all(), ScanOptions.forward()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tx.scan(ks, Range.all(), ScanOptions.forward()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(tx::commit).isInstanceOf(IllegalStateException.class);
        tx.rollback();
        tx.close();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void operationsAfterCommitThrow(Isolation iso) {
        Keyspace ks = defaultKs();
        Transaction tx = store().begin(iso);
        tx.put(ks, bytes("a"), bytes("1"));
        tx.commit();
        assertEnded(tx, ks);
        assertThat(ks.get(bytes("a"))).as("rollback after commit changes nothing").isEqualTo(bytes("1"));
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void operationsAfterRollbackThrow(Isolation iso) {
        Keyspace ks = defaultKs();
        Transaction tx = store().begin(iso);
        tx.put(ks, bytes("a"), bytes("1"));
        tx.rollback();
        assertEnded(tx, ks);
        Transaction closed = store().begin(iso);
        closed.close();
        assertEnded(closed, ks);
        assertThat(ks.contains(bytes("a"))).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void ttlPutInATransactionCountsFromCommit(Isolation iso) {
        Keyspace ks = defaultKs();
        try (Transaction tx = store().begin(iso)) {
            tx.put(ks, bytes("k"), bytes("v"), WriteOptions.ttl(Duration.ofSeconds(10)));
            tx.put(ks, bytes("forever"), bytes("v"), WriteOptions.DEFAULT);
            assertThat(tx.get(ks, bytes("k"))).isEqualTo(bytes("v"));
            clock().advance(Duration.ofSeconds(5));
            tx.commit();
        }
        clock().advance(Duration.ofMillis(9_999));
        assertThat(ks.get(bytes("k"))).as("visible for the ttl after commit").isEqualTo(bytes("v"));
        clock().advance(Duration.ofMillis(1));
        assertThat(ks.get(bytes("k"))).isNull();
        assertThat(keysIn(ks)).containsExactly("forever");
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void openTransactionsAreTracked(Isolation iso) {
        assertThat(store().stats().openTransactions()).isZero();
        Transaction tx = store().begin(iso);
        try {
            assertThat(tx.isolation()).isEqualTo(iso);
            assertThat(tx.isOpen()).isTrue();
            assertThat(store().stats().openTransactions()).isEqualTo(1);
            assertThat(store().openResources()).hasSize(1).allSatisfy(r -> {
                assertThat(r.kind()).isEqualTo(OpenResource.Kind.TRANSACTION);
                assertThat(r.openedAt()).isNotNull();
            });
        } finally {
            tx.commit();
        }
        assertThat(store().stats().openTransactions()).isZero();
        assertThat(store().openResources()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Isolation.class)
    default void storeCloseRollsBackOpenTransactions(Isolation iso) {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        boolean persistent = caps().persistent();
        Transaction tx = store().begin(iso);
        tx.put(ks, bytes("b"), bytes("uncommitted"));
        store().close();
        assertThat(tx.isOpen()).isFalse();
        tx.close();
        if (persistent) {
            Store s = reopen();
            assertThat(s.defaultKeyspace().contains(bytes("b"))).isFalse();
            assertThat(s.defaultKeyspace().contains(bytes("a"))).isTrue();
        }
    }
}
