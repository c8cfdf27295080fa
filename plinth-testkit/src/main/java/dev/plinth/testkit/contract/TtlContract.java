package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.testkit.ContractSupport;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Proves time to live, measured with the kit's {@link dev.plinth.testkit.FakeClock}: an entry is visible
 * until one millisecond before its expiry and absent at it; an expired entry is absent from every read
 * path (get, contains, cursors both ways, seek, scan, snapshots, CAS, batch checks, transactions);
 * overwriting clears or resets the time to live; it survives reopen on persistent engines; expired
 * entries are reclaimed from the engine by {@link Store#compact()}; and value limits still hold.
 */
public interface TtlContract extends ContractSupport {
    /** The time to live most tests use. */
    Duration TTL = Duration.ofSeconds(10);

    private static WriteOptions ttl(Duration d) {
        return WriteOptions.ttl(d);
    }

    private void expire() {
        clock().advance(TTL);
    }

    @Test
    default void entryExpiresExactlyAtItsTimeToLive() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("v"), ttl(Duration.ofMillis(1_000)));
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v"));
        clock().advance(Duration.ofMillis(999));
        assertThat(ks.get(bytes("k"))).as("one millisecond before expiry").isEqualTo(bytes("v"));
        assertThat(ks.contains(bytes("k"))).isTrue();
        clock().advance(Duration.ofMillis(1));
        assertThat(ks.get(bytes("k"))).as("at expiry").isNull();
        assertThat(ks.contains(bytes("k"))).isFalse();
    }

    @Test
    default void subMillisecondTtlRoundsUpToOneMillisecondOnEveryWritePath() {
        Keyspace ks = defaultKs();
        Duration tiny = Duration.ofNanos(500_000);
        ks.put(bytes("put"), bytes("v"), ttl(tiny));
        store().write(new WriteBatch().put(ks, bytes("batch"), bytes("v"), ttl(tiny)));
        store().inTransaction(Isolation.SNAPSHOT, tx -> {
            tx.put(ks, bytes("tx"), bytes("v"), ttl(Duration.ofNanos(1)));
            return null;
        });
        for (String k : new String[] {"put", "batch", "tx"}) {
            assertThat(ks.get(bytes(k))).as("%s at the instant it was written", k).isEqualTo(bytes("v"));
        }
        clock().advance(Duration.ofMillis(1));
        for (String k : new String[] {"put", "batch", "tx"}) {
            assertThat(ks.get(bytes(k))).as("%s one millisecond later", k).isNull();
        }
    }

    @Test
    default void hugeTtlNeverExpiresAndNeverOverflows() {
        Keyspace ks = defaultKs();
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
        ks.put(bytes("put"), bytes("v"), ttl(forever));
        store().write(new WriteBatch().put(ks, bytes("batch"), bytes("v"), ttl(forever)));
        store().inTransaction(Isolation.SNAPSHOT, tx -> {
            tx.put(ks, bytes("tx"), bytes("v"), ttl(forever));
            return null;
        });
        clock().advance(Duration.ofDays(365L * 1000));
        for (String k : new String[] {"put", "batch", "tx"}) {
            assertThat(ks.get(bytes(k))).as(k).isEqualTo(bytes("v"));
        }
    }

    @Test
    default void expiredEntriesAreAbsentFromPointReads() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("v"), ttl(TTL));
        ks.put(bytes("live"), bytes("v"));
        expire();
        assertThat(ks.get(bytes("k"))).isNull();
        assertThat(ks.contains(bytes("k"))).isFalse();
        assertThat(store().get(ks, bytes("k"))).isNull();
        assertThat(store().contains(ks, bytes("k"))).isFalse();
        assertThat(ks.get(bytes("live"))).isEqualTo(bytes("v"));
        try (Snapshot s = store().snapshot()) {
            assertThat(s.get(ks, bytes("k"))).isNull();
            assertThat(s.contains(ks, bytes("k"))).isFalse();
        }
    }

    @Test
    default void expiredEntriesAreAbsentFromCursorsAndScans() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "c", "e");
        for (String k : new String[] {"0", "b", "d", "f"}) {
            ks.put(bytes(k), bytes("short"), ttl(TTL));
        }
        ks.put(bytes("g"), bytes("long"), ttl(TTL.multipliedBy(3)));
        expire();
        assertThat(keysIn(ks)).containsExactly("a", "c", "e", "g");
        assertThat(keysIn(store(), ks, Range.all(), ScanOptions.reverse())).containsExactly("g", "e", "c", "a");
        assertThat(keysIn(store(), ks, Range.all(), ScanOptions.forward().withKeysOnly(true)))
                .containsExactly("a", "c", "e", "g");
        assertThat(keysIn(store(), ks, Range.all(), ScanOptions.forward().withLimit(2))).containsExactly("a", "c");
        assertThat(Bytes.keys(ks.scan(Range.of(bytes("b"), bytes("f")), ScanOptions.forward())))
                .containsExactly("c", "e");
        assertThat(Bytes.keys(store().scan(ks, Range.prefix(bytes("d")), ScanOptions.reverse()))).isEmpty();
        try (Cursor c = ks.cursor(Range.all())) {
            c.seek(bytes("b"));
            assertThat(c.next()).isTrue();
            assertThat(c.key()).as("seek skips an expired key").isEqualTo(bytes("c"));
        }
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
            c.seek(bytes("f"));
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(bytes("e"));
        }
    }

    @Test
    default void compareAndSetTreatsExpiredEntriesAsAbsent() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("old"), ttl(TTL));
        ks.put(bytes("j"), bytes("old"), ttl(TTL));
        assertThat(ks.compareAndSet(bytes("k"), null, bytes("x"))).as("not yet expired").isFalse();
        expire();
        assertThat(ks.compareAndSet(bytes("j"), bytes("old"), bytes("new"))).as("expired value").isFalse();
        assertThat(ks.contains(bytes("j"))).isFalse();
        assertThat(ks.compareAndSet(bytes("j"), bytes("old"), null)).isFalse();
        assertThat(ks.compareAndSet(bytes("k"), null, bytes("fresh"))).as("insert over an expired entry").isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("fresh"));
        clock().advance(TTL.multipliedBy(10));
        assertThat(ks.get(bytes("k"))).as("the fresh value has no ttl").isEqualTo(bytes("fresh"));
    }

    @Test
    default void batchChecksTreatExpiredEntriesAsAbsent() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("old"), ttl(TTL));
        expire();
        assertThat(store().write(new WriteBatch().requireEquals(ks, bytes("k"), bytes("old"))
                .put(ks, bytes("x"), bytes("1")))).isFalse();
        assertThat(ks.contains(bytes("x"))).isFalse();
        assertThat(store().write(new WriteBatch().requireAbsent(ks, bytes("k")).put(ks, bytes("k"), bytes("new"))))
                .isTrue();
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("new"));
    }

    @Test
    default void transactionsSeeExpiredEntriesAsAbsent() {
        Keyspace ks = defaultKs();
        fill(ks, "a");
        ks.put(bytes("b"), bytes("old"), ttl(TTL));
        expire();
        for (Isolation iso : Isolation.values()) {
            try (Transaction tx = store().begin(iso)) {
                assertThat(tx.get(ks, bytes("b"))).as(iso.name()).isNull();
                assertThat(tx.contains(ks, bytes("b"))).as(iso.name()).isFalse();
                assertThat(keysIn(tx, ks, Range.all(), ScanOptions.forward())).as(iso.name()).containsExactly("a");
                assertThat(keysIn(tx, ks, Range.all(), ScanOptions.reverse())).as(iso.name()).containsExactly("a");
            }
        }
        store().inTransaction(Isolation.SERIALIZABLE, tx -> {
            if (tx.get(ks, bytes("b")) == null) {
                tx.put(ks, bytes("b"), bytes("replaced"));
            }
            return null;
        });
        assertThat(ks.get(bytes("b"))).isEqualTo(bytes("replaced"));
    }

    @Test
    default void overwriteWithoutTtlClearsIt() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("v1"), ttl(TTL));
        ks.put(bytes("k"), bytes("v2"));
        ks.put(bytes("b"), bytes("v1"), ttl(TTL));
        store().write(new WriteBatch().put(ks, bytes("b"), bytes("v2")));
        ks.put(bytes("c"), bytes("v1"), ttl(TTL));
        assertThat(ks.compareAndSet(bytes("c"), bytes("v1"), bytes("v2"))).isTrue();
        clock().advance(TTL.multipliedBy(100));
        assertThat(ks.get(bytes("k"))).isEqualTo(bytes("v2"));
        assertThat(ks.get(bytes("b"))).isEqualTo(bytes("v2"));
        assertThat(ks.get(bytes("c"))).isEqualTo(bytes("v2"));
    }

    @Test
    default void overwriteWithANewTtlResetsIt() {
        Keyspace ks = defaultKs();
        ks.put(bytes("longer"), bytes("v1"), ttl(TTL));
        ks.put(bytes("shorter"), bytes("v1"), ttl(TTL));
        clock().advance(Duration.ofSeconds(5));
        ks.put(bytes("longer"), bytes("v2"), ttl(TTL));
        ks.put(bytes("shorter"), bytes("v2"), ttl(Duration.ofSeconds(1)));
        clock().advance(Duration.ofSeconds(1));
        assertThat(ks.get(bytes("shorter"))).as("the new, shorter ttl applies").isNull();
        clock().advance(Duration.ofSeconds(4));
        assertThat(ks.get(bytes("longer"))).as("past the first ttl, within the second").isEqualTo(bytes("v2"));
        clock().advance(Duration.ofSeconds(5));
        assertThat(ks.get(bytes("longer"))).isNull();
    }

    @Test
    default void ttlInBatchesAndCompareAndSet() {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        store().write(new WriteBatch().put(ks, bytes("b"), bytes("v"), ttl(TTL)).put(other, bytes("b"), bytes("v"))
                .put(ks, bytes("c"), bytes("v"), ttl(TTL.multipliedBy(2))));
        assertThat(ks.compareAndSet(bytes("cas"), null, bytes("v"), ttl(TTL))).isTrue();
        clock().advance(TTL.minusMillis(1));
        assertThat(keysIn(ks)).containsExactly("b", "c", "cas");
        clock().advance(Duration.ofMillis(1));
        assertThat(keysIn(ks)).containsExactly("c");
        assertThat(keysIn(other)).containsExactly("b");
    }

    @Test
    default void entryReadBeforeExpiryStillExpires() {
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("v"), ttl(TTL));
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(c.next()).isTrue();
        }
        clock().advance(TTL.multipliedBy(5));
        ks.put(bytes("other"), bytes("v"));
        store().flush();
        assertThat(keysIn(ks)).containsExactly("other");
        ks.delete(bytes("k"));
        assertThat(ks.contains(bytes("k"))).isFalse();
    }

    @Test
    default void ttlSurvivesReopen() {
        assumeThat(caps().persistent()).as("persistent engine").isTrue();
        Keyspace ks = defaultKs();
        ks.put(bytes("k"), bytes("v"), ttl(TTL));
        ks.put(bytes("forever"), bytes("v"));
        clock().advance(TTL.minusMillis(1));
        Store s = reopen();
        assertThat(s.defaultKeyspace().get(bytes("k"))).isEqualTo(bytes("v"));
        clock().advance(Duration.ofMillis(1));
        assertThat(s.defaultKeyspace().get(bytes("k"))).isNull();
        s = reopen();
        assertThat(s.defaultKeyspace().get(bytes("k"))).isNull();
        assertThat(keysIn(s.defaultKeyspace())).containsExactly("forever");
    }

    @Test
    default void expiredEntriesAreReclaimedByCompaction() {
        StoreAndEngine opened = openWithEngine();
        try (Store s = opened.store()) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(bytes("k"), bytes("v"), ttl(TTL));
            ks.put(bytes("live"), bytes("v"));
            Engine engine = opened.engine();
            EngineKeyspace raw = engine.keyspace(Store.DEFAULT_KEYSPACE);
            assertThat(engine.get(raw, bytes("k"))).as("stored before expiry").isNotNull();
            expire();
            s.compact();
            assertThat(engine.get(raw, bytes("k"))).as("raw entry after expiry and compaction").isNull();
            assertThat(engine.get(raw, bytes("live"))).isNotNull();
            assertThat(ks.get(bytes("live"))).isEqualTo(bytes("v"));
        }
    }

    /**
     * How a transaction depends on an entry that expired before it began: by reading it, by writing it, or
     * by scanning a range that holds it (and writing another key of that range).
     */
    enum ExpiredEntryUse { READ, WRITE, SCAN }

    @Test
    default void reclaimingAnExpiredEntryIsNotAChangeThatFailsATransaction() {
        Keyspace ks = defaultKs();
        int round = 0;
        for (Isolation iso : Isolation.values()) {
            for (ExpiredEntryUse use : ExpiredEntryUse.values()) {
                String p = "r" + round++ + "/";
                byte[] expired = bytes(p + "b");
                ks.put(bytes(p + "a"), bytes("live"));
                ks.put(expired, bytes("old"), ttl(TTL));
                expire();
                try (Transaction tx = store().begin(iso)) {
                    useExpired(tx, ks, p, use);
                    store().compact(); // reclaims the expired entry: a delete, but not a change
                    String what = iso + " transaction that used an entry expired before it began (" + use
                            + ") and committed after compact() reclaimed it";
                    assertThat(ks.get(expired)).as(what).isNull();
                    tx.commit();
                } catch (dev.plinth.ConflictException e) {
                    throw new AssertionError(iso + " transaction (" + use + ") conflicted with compact() reclaiming"
                            + " an entry that expired before it began; reclaiming is not a write", e);
                }
            }
        }
        // The same uses do conflict with a real write of the expired key, where the isolation level says so.
        for (Isolation iso : Isolation.values()) {
            for (ExpiredEntryUse use : ExpiredEntryUse.values()) {
                String p = "w" + round++ + "/";
                ks.put(bytes(p + "a"), bytes("live"));
                ks.put(bytes(p + "b"), bytes("old"), ttl(TTL));
                expire();
                Transaction tx = store().begin(iso);
                useExpired(tx, ks, p, use);
                ks.put(bytes(p + "b"), bytes("written"));
                boolean conflicts = iso == Isolation.SERIALIZABLE || use == ExpiredEntryUse.WRITE;
                if (conflicts) {
                    assertThatThrownBy(tx::commit).as(iso + " " + use + " after a real write")
                            .isInstanceOf(dev.plinth.ConflictException.class);
                } else {
                    tx.commit();
                }
            }
        }
    }

    private void useExpired(Transaction tx, Keyspace ks, String p, ExpiredEntryUse use) {
        switch (use) {
            case READ -> {
                assertThat(tx.get(ks, bytes(p + "b"))).isNull();
                tx.put(ks, bytes(p + "a"), bytes("written"));
            }
            case WRITE -> tx.put(ks, bytes(p + "b"), bytes("new"));
            case SCAN -> {
                assertThat(keysIn(tx, ks, Range.prefix(bytes(p)), ScanOptions.forward())).containsExactly(p + "a");
                tx.put(ks, bytes(p + "a"), bytes("written"));
            }
            default -> throw new AssertionError(use);
        }
    }

    @Test
    default void valueLimitHoldsWithTtl() {
        Keyspace ks = defaultKs();
        int max = maxValueToTest();
        byte[] value = Bytes.filled(max, 7);
        ks.put(bytes("max"), value, ttl(TTL));
        byte[] got = ks.get(bytes("max"));
        assertThat(got).isNotNull();
        assertThat(Arrays.mismatch(got, value)).as("max-size value with ttl round-trips").isEqualTo(-1);
        byte[] over = new byte[max + 1];
        assertThatThrownBy(() -> ks.put(bytes("over"), over, ttl(TTL)))
                .isInstanceOfSatisfying(LimitExceededException.class,
                        e -> assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.VALUE_SIZE));
        assertThatThrownBy(() -> store().write(new WriteBatch().put(ks, bytes("over"), over, ttl(TTL))))
                .isInstanceOf(LimitExceededException.class);
        assertThat(ks.contains(bytes("over"))).isFalse();
        expire();
        assertThat(ks.contains(bytes("max"))).isFalse();
    }
}
