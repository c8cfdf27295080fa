package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static dev.plinth.testkit.contract.Bytes.longBytes;
import static dev.plinth.testkit.contract.Bytes.toLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.ContractSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Proves atomic batches: all or nothing across keyspaces (a failing check anywhere means nothing is
 * applied and {@code write} returns {@code false}), checks evaluated atomically with the writes even
 * under concurrent writers, every operation seeing the effect of the earlier ones in the same batch,
 * atomic visibility to concurrent readers, limits checked before anything is applied, and batches that
 * may be empty and written more than once.
 */
public interface BatchContract extends ContractSupport {
    /** Batches with more operations than this are not built by the kit; the limit test is skipped. */
    int LARGEST_TESTED_BATCH_OPS = 1_000_000;

    /** Batches with more bytes than this are not built by the kit; the limit test is skipped. */
    long LARGEST_TESTED_BATCH_BYTES = 512L * 1024 * 1024;

    @Test
    default void batchAppliesEveryOperationAcrossKeyspaces() {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        fill(a, "a1", "a2", "r1", "r2", "r3");
        fill(b, "b1");
        WriteBatch batch = new WriteBatch()
                .put(a, bytes("a3"), bytes("new"))
                .delete(a, bytes("a1"))
                .deleteRange(a, Range.prefix(bytes("r")))
                .put(b, bytes("b2"), bytes("new"))
                .put(b, bytes("b1"), bytes("changed"));
        assertThat(store().write(batch)).isTrue();
        assertThat(keysIn(a)).containsExactly("a2", "a3");
        assertThat(Bytes.entries(b.scan(Range.all(), ScanOptions.forward()))).containsExactly("b1=changed",
                "b2=new");
    }

    @Test
    default void failingRequireEqualsAnywhereAppliesNothing() {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        fill(a, "a1", "a2");
        fill(b, "b1", "check");
        for (int position = 0; position <= 3; position++) {
            WriteBatch batch = new WriteBatch();
            List<Consumer<WriteBatch>> writes = List.of(
                    w -> w.put(a, bytes("a3"), bytes("new")),
                    w -> w.delete(b, bytes("b1")),
                    w -> w.deleteRange(a, Range.all()));
            for (int i = 0; i <= writes.size(); i++) {
                if (i == position) {
                    batch.requireEquals(b, bytes("check"), bytes("wrong value"));
                }
                if (i < writes.size()) {
                    writes.get(i).accept(batch);
                }
            }
            assertThat(store().write(batch)).as("check at position %d", position).isFalse();
            assertThat(keysIn(a)).as("check at position %d", position).containsExactly("a1", "a2");
            assertThat(keysIn(b)).as("check at position %d", position).containsExactly("b1", "check");
        }
        WriteBatch absentKey = new WriteBatch().put(a, bytes("a9"), bytes("x"))
                .requireEquals(b, bytes("no such key"), bytes("x"));
        assertThat(store().write(absentKey)).as("requireEquals on an absent key").isFalse();
        assertThat(a.contains(bytes("a9"))).isFalse();
    }

    @Test
    default void failingRequireAbsentAppliesNothing() {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        fill(a, "a1");
        fill(b, "taken");
        WriteBatch batch = new WriteBatch()
                .put(a, bytes("a2"), bytes("new"))
                .delete(a, bytes("a1"))
                .requireAbsent(b, bytes("taken"))
                .put(b, bytes("b9"), bytes("new"));
        assertThat(store().write(batch)).isFalse();
        assertThat(keysIn(a)).containsExactly("a1");
        assertThat(keysIn(b)).containsExactly("taken");
    }

    @Test
    default void passingChecksLetTheBatchApply() {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        fill(a, "k");
        WriteBatch batch = new WriteBatch()
                .requireEquals(a, bytes("k"), bytes("v-k"))
                .requireAbsent(b, bytes("k"))
                .put(b, bytes("k"), bytes("moved"))
                .delete(a, bytes("k"));
        assertThat(store().write(batch)).isTrue();
        assertThat(a.contains(bytes("k"))).isFalse();
        assertThat(b.get(bytes("k"))).isEqualTo(bytes("moved"));
        assertThat(store().write(batch)).as("the same checks now fail").isFalse();
        assertThat(b.get(bytes("k"))).isEqualTo(bytes("moved"));
    }

    @Test
    default void requireAbsentAfterPutOfTheSameKeyFails() {
        Keyspace ks = defaultKs();
        WriteBatch batch = new WriteBatch().put(ks, bytes("k"), bytes("v")).requireAbsent(ks, bytes("k"));
        assertThat(store().write(batch)).isFalse();
        assertThat(ks.contains(bytes("k"))).isFalse();
    }

    @Test
    default void requireEqualsSeesAnEarlierPutInTheBatch() {
        Keyspace ks = defaultKs();
        WriteBatch batch = new WriteBatch().put(ks, bytes("k"), bytes("v")).requireEquals(ks, bytes("k"), bytes("v"))
                .put(ks, bytes("other"), bytes("o"));
        assertThat(store().write(batch)).isTrue();
        assertThat(keysIn(ks)).containsExactly("k", "other");

        ks.put(bytes("j"), bytes("v1"));
        WriteBatch stale = new WriteBatch().put(ks, bytes("j"), bytes("v2")).requireEquals(ks, bytes("j"), bytes("v1"));
        assertThat(store().write(stale)).as("the committed value was replaced earlier in the batch").isFalse();
        assertThat(ks.get(bytes("j"))).isEqualTo(bytes("v1"));
    }

    @Test
    default void requireAbsentSeesAnEarlierDeleteInTheBatch() {
        Keyspace ks = defaultKs();
        fill(ks, "k", "m");
        WriteBatch batch = new WriteBatch().delete(ks, bytes("k")).requireAbsent(ks, bytes("k"))
                .deleteRange(ks, Range.of(bytes("a"), bytes("z"))).requireAbsent(ks, bytes("m"))
                .put(ks, bytes("n"), bytes("new"));
        assertThat(store().write(batch)).isTrue();
        assertThat(keysIn(ks)).containsExactly("n");
    }

    @Test
    default void twoInsertIfAbsentPairsOnOneKeyFail() {
        Keyspace ks = defaultKs();
        WriteBatch batch = new WriteBatch()
                .requireAbsent(ks, bytes("k")).put(ks, bytes("k"), bytes("first"))
                .requireAbsent(ks, bytes("k")).put(ks, bytes("k"), bytes("second"));
        assertThat(store().write(batch)).as("the second insert-if-absent sees the first (d-engine #371)").isFalse();
        assertThat(ks.contains(bytes("k"))).isFalse();
    }

    @Test
    default void chainedCompareAndSetPairsOnOneKeySucceed() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("0"));
        WriteBatch batch = new WriteBatch()
                .requireEquals(ks, bytes("k"), bytes("0")).put(ks, bytes("k"), bytes("1"))
                .requireEquals(ks, bytes("k"), bytes("1")).put(ks, bytes("k"), bytes("2"));
        assertThat(store().write(batch)).isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("2"));
        WriteBatch lost = new WriteBatch()
                .requireEquals(ks, bytes("k"), bytes("2")).put(ks, bytes("k"), bytes("3"))
                .requireEquals(ks, bytes("k"), bytes("2")).put(ks, bytes("k"), bytes("3"));
        assertThat(store().write(lost)).as("two updates from the same expected value").isFalse();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("2"));
    }

    @Test
    default void deleteRangeThenPutInTheSameBatch() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "m", "z");
        assertThat(store().write(new WriteBatch().deleteRange(ks, Range.all()).put(ks, bytes("m"), bytes("new"))))
                .isTrue();
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("m=new");
        assertThat(store().write(new WriteBatch().put(ks, bytes("n"), bytes("n"))
                .deleteRange(ks, Range.of(bytes("m"), bytes("o"))))).isTrue();
        assertThat(keysIn(ks)).as("put before a covering range delete is removed").isEmpty();
    }

    @Test
    default void laterWritesToOneKeyWin() {
        Keyspace ks = defaultKs();
        assertThat(store().write(new WriteBatch().put(ks, bytes("k"), bytes("1")).put(ks, bytes("k"), bytes("2"))))
                .isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("2"));
        assertThat(store().write(new WriteBatch().put(ks, bytes("k"), bytes("3")).delete(ks, bytes("k")))).isTrue();
        assertThat(ks.contains(bytes("k"))).isFalse();
        assertThat(store().write(new WriteBatch().delete(ks, bytes("k")).put(ks, bytes("k"), bytes("4")))).isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("4"));
    }

    @Test
    default void batchOverTheOperationLimitIsRejectedBeforeAnythingApplies() {
        int max = caps().maxBatchOps();
        assumeThat(max).as("maxBatchOps small enough to build").isLessThanOrEqualTo(LARGEST_TESTED_BATCH_OPS);
        Keyspace ks = defaultKs();
        fill(ks, "keep");
        WriteBatch batch = new WriteBatch().put(ks, bytes("marker"), bytes("v")).delete(ks, bytes("keep"));
        byte[] k = bytes("x");
        while (batch.size() < max + 1) {
            batch.delete(ks, k);
        }
        assertThatThrownBy(() -> store().write(batch)).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.BATCH_OPS));
        assertThat(keysIn(ks)).containsExactly("keep");
    }

    @Test
    default void batchOverTheByteLimitIsRejectedBeforeAnythingApplies() {
        long max = caps().maxBatchBytes();
        assumeThat(max).as("maxBatchBytes small enough to build").isLessThanOrEqualTo(LARGEST_TESTED_BATCH_BYTES);
        int valueSize = (int) Math.min(Math.min(caps().maxValueSize(), 16L * 1024 * 1024), max);
        assumeThat(valueSize).isPositive();
        long n = max / valueSize + 1;
        assumeThat(n + 2).as("fits the operation limit").isLessThanOrEqualTo((long) caps().maxBatchOps());
        Keyspace ks = defaultKs();
        fill(ks, "keep");
        byte[] value = new byte[valueSize];
        WriteBatch batch = new WriteBatch().put(ks, bytes("marker"), bytes("v")).delete(ks, bytes("keep"));
        for (long i = 0; i < n; i++) {
            batch.put(ks, bytes("big" + i), value);
        }
        assertThatThrownBy(() -> store().write(batch)).isInstanceOfSatisfying(LimitExceededException.class,
                e -> assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.BATCH_BYTES));
        batch.clear();
        assertThat(keysIn(ks)).containsExactly("keep");
    }

    @Test
    default void batchCanBeWrittenAgainAndIsNotChanged() {
        Keyspace ks = defaultKs();
        WriteBatch batch = new WriteBatch().requireAbsent(ks, bytes("k")).put(ks, bytes("k"), bytes("v"))
                .put(ks, bytes("log"), bytes("x"));
        assertThat(store().write(batch)).isTrue();
        assertThat(batch.size()).isEqualTo(3);
        assertThat(store().write(batch)).as("k is now present").isFalse();
        ks.delete(bytes("k"));
        ks.delete(bytes("log"));
        assertThat(store().write(batch)).isTrue();
        assertThat(keysIn(ks)).containsExactly("k", "log");
    }

    @Test
    default void emptyBatchSucceedsAndChangesNothing() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        WriteBatch empty = new WriteBatch();
        assertThat(store().write(empty)).isTrue();
        assertThat(store().write(new WriteBatch().requireAbsent(ks, bytes("nothing")))).as("checks only").isTrue();
        assertThat(keysIn(ks)).containsExactly("a");
    }

    @Test
    default void checksOnlyBatchWritesNothing() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        assertThat(store().write(new WriteBatch().requireEquals(ks, bytes("a"), bytes("v-a")))).isTrue();
        assertThat(store().write(new WriteBatch().requireAbsent(ks, bytes("a")))).isFalse();
        assertThat(Bytes.entries(ks.scan(Range.all(), ScanOptions.forward()))).containsExactly("a=v-a");
    }

    @Test
    default void batchTouchingADroppedKeyspaceAppliesNothing() {
        Keyspace a = defaultKs();
        Keyspace gone = store().createKeyspace("gone");
        store().dropKeyspace("gone");
        WriteBatch batch = new WriteBatch().put(a, bytes("a"), bytes("v")).put(gone, bytes("g"), bytes("v"));
        assertThatThrownBy(() -> store().write(batch)).isInstanceOf(NoSuchKeyspaceException.class);
        assertThat(keysIn(a)).isEmpty();
    }

    @Test
    default void batchWithEachSupportedDurabilityApplies() {
        Keyspace ks = defaultKs();
        for (Durability d : caps().durabilities()) {
            assertThat(store().write(new WriteBatch().put(ks, bytes(d.name()), bytes("v"), WriteOptions.durability(d))))
                    .isTrue();
            assertThat(ks.get(bytes(d.name()))).isEqualTo(bytes("v"));
        }
    }

    @Test
    default void batchesAreVisibleAtomicallyToConcurrentReaders() {
        Keyspace a = defaultKs();
        Keyspace b = store().createKeyspace("b");
        int writes = 2_000;
        int spread = 8;
        a.put(bytes("x"), longBytes(0));
        b.put(bytes("y"), longBytes(0));
        for (int i = 0; i < spread; i++) {
            a.put(bytes("row" + i), longBytes(0));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        List<Concurrently.Task> tasks = new ArrayList<>();
        tasks.add(i -> {
            try {
                Concurrently.awaitFirst(checks);
                for (long n = 1; n <= writes; n++) {
                    WriteBatch batch = new WriteBatch().put(a, bytes("x"), longBytes(n)).put(b, bytes("y"), longBytes(n));
                    for (int r = 0; r < spread; r++) {
                        batch.put(a, bytes("row" + r), longBytes(n));
                    }
                    assertThat(store().write(batch)).isTrue();
                }
            } finally {
                done.set(true);
            }
        });
        tasks.add(i -> {
            for (int iter = 0; iter < 200_000 && !done.get(); iter++) {
                try (Snapshot s = store().snapshot()) {
                    long x = toLong(s.get(a, bytes("x")));
                    long y = toLong(s.get(b, bytes("y")));
                    assertThat(y).as("snapshot: y equals x").isEqualTo(x);
                }
                checks.incrementAndGet();
            }
        });
        tasks.add(i -> {
            for (int iter = 0; iter < 200_000 && !done.get(); iter++) {
                try (Transaction tx = store().begin(Isolation.SNAPSHOT)) {
                    long y = toLong(tx.get(b, bytes("y")));
                    long x = toLong(tx.get(a, bytes("x")));
                    assertThat(x).as("transaction: x equals y").isEqualTo(y);
                }
                checks.incrementAndGet();
            }
        });
        tasks.add(i -> {
            for (int iter = 0; iter < 200_000 && !done.get(); iter++) {
                List<Long> seen = new ArrayList<>();
                try (Cursor c = a.cursor(Range.prefix(bytes("row")))) {
                    while (c.next()) {
                        seen.add(toLong(c.value()));
                    }
                }
                assertThat(seen).as("cursor: every row from one batch").hasSize(spread).containsOnly(seen.get(0));
                List<KeyValue> scanned = a.scan(Range.prefix(bytes("row")), ScanOptions.reverse());
                assertThat(scanned).hasSize(spread);
                long first = toLong(scanned.get(0).value());
                assertThat(scanned).allSatisfy(kv -> assertThat(toLong(kv.value())).isEqualTo(first));
                checks.incrementAndGet();
            }
        });
        Concurrently.runAll(tasks);
        assertThat(checks.get()).isPositive();
        assertThat(toLong(a.get(bytes("x")))).isEqualTo(writes);
        assertThat(toLong(b.get(bytes("y")))).isEqualTo(writes);
    }

    @Test
    default void checksHoldAtomicallyUnderConcurrentWriters() {
        Keyspace ks = defaultKs();
        Keyspace log = store().createKeyspace("log");
        ks.put(bytes("counter"), longBytes(0));
        int threads = 6;
        int perThread = 150;
        AtomicInteger wins = new AtomicInteger();
        Concurrently.run(threads, t -> {
            int mine = 0;
            for (int attempt = 0; mine < perThread && attempt < 100_000; attempt++) {
                long n = toLong(ks.get(bytes("counter")));
                WriteBatch batch = new WriteBatch()
                        .requireEquals(ks, bytes("counter"), longBytes(n))
                        .requireAbsent(log, longBytes(n))
                        .put(log, longBytes(n), bytes("t" + t))
                        .put(ks, bytes("counter"), longBytes(n + 1));
                if (store().write(batch)) {
                    mine++;
                    wins.incrementAndGet();
                }
            }
            assertThat(mine).as("thread %d made progress", t).isEqualTo(perThread);
        });
        assertThat(toLong(ks.get(bytes("counter")))).isEqualTo(wins.get()).isEqualTo(threads * perThread);
        List<KeyValue> entries = log.scan(Range.all(), ScanOptions.forward());
        assertThat(entries).hasSize(threads * perThread);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(toLong(entries.get(i).key())).isEqualTo(i);
        }
    }
}
