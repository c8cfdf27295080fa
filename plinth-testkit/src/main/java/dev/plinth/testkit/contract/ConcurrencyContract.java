package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static dev.plinth.testkit.contract.Bytes.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.testkit.ContractSupport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Proves the store under many threads: concurrent readers and writers raise no exceptions, never see a
 * torn value (values carry their key and a checksum), see cursors in strict order, and the final state
 * is exactly what the writers wrote; range deletes are atomic to concurrent scans; keyspace creation
 * races yield one keyspace; and every cursor, snapshot and transaction opened concurrently is released.
 *
 * <p>Iteration counts are bounded and nothing is timed; a hang fails after
 * {@link Concurrently#TIMEOUT_SECONDS}.
 */
public interface ConcurrencyContract extends ContractSupport {
    /**
     * A value that names its key and carries a checksum: key, sequence number, padding, CRC32.
     *
     * @param key the key the value is written under
     * @param seq a sequence number
     * @return the value
     */
    static byte[] selfChecking(byte[] key, long seq) {
        int padding = (int) (seq % 97);
        ByteBuffer b = ByteBuffer.allocate(key.length + 8 + padding + 4);
        b.put(key).putLong(seq);
        for (int i = 0; i < padding; i++) {
            b.put((byte) (seq + i));
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * Checks a {@link #selfChecking(byte[], long)} value read under {@code key}.
     *
     * @param key the key it was read under
     * @param value the value
     * @return its sequence number
     */
    static long verify(byte[] key, byte[] value) {
        assertThat(value).as("value of %s", show(key)).isNotNull();
        assertThat(value.length).as("length of the value of %s", show(key)).isGreaterThanOrEqualTo(key.length + 12);
        assertThat(Arrays.copyOf(value, key.length)).as("the value names its key").isEqualTo(key);
        CRC32 crc = new CRC32();
        crc.update(value, 0, value.length - 4);
        int stored = ByteBuffer.wrap(value, value.length - 4, 4).getInt();
        assertThat(stored).as("checksum of the value of %s", show(key)).isEqualTo((int) crc.getValue());
        long seq = ByteBuffer.wrap(value, key.length, 8).getLong();
        assertThat(value.length).as("padding of the value of %s", show(key)).isEqualTo(key.length + 12 + (int) (seq % 97));
        return seq;
    }

    @Test
    default void readersAndWritersSeeNoTornValuesAndTheFinalStateIsExact() {
        Keyspace ks = defaultKs();
        Keyspace side = store().createKeyspace("side");
        int writers = 4;
        int ops = 2_000;
        int keysPerWriter = 150;
        List<Map<String, byte[]>> finals = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            finals.add(new HashMap<>());
        }
        AtomicInteger writing = new AtomicInteger(writers);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        List<Concurrently.Task> tasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            tasks.add(index -> {
                Random rnd = new Random(index);
                Map<String, byte[]> mine = finals.get(index);
                try {
                    Concurrently.awaitFirst(reads);
                    for (int i = 0; i < ops; i++) {
                        String name = String.format("w%d-%03d", index, rnd.nextInt(keysPerWriter));
                        byte[] key = bytes(name);
                        int op = rnd.nextInt(10);
                        if (op < 6) {
                            byte[] v = selfChecking(key, (long) index * ops + i);
                            ks.put(key, v);
                            mine.put(name, v);
                        } else if (op < 8) {
                            ks.delete(key);
                            mine.put(name, null);
                        } else {
                            byte[] key2 = bytes(String.format("w%d-%03d", index, rnd.nextInt(keysPerWriter)));
                            byte[] v = selfChecking(key, (long) index * ops + i);
                            byte[] v2 = selfChecking(key2, (long) index * ops + i);
                            assertThat(store().write(new WriteBatch().put(ks, key, v).put(ks, key2, v2)
                                    .put(side, key, v))).isTrue();
                            mine.put(name, v);
                            mine.put(show(key2), v2);
                        }
                    }
                } finally {
                    if (writing.decrementAndGet() == 0) {
                        done.set(true);
                    }
                }
            });
        }
        for (int r = 0; r < 4; r++) {
            tasks.add(index -> {
                Random rnd = new Random(100 + index);
                for (int iter = 0; iter < 50_000 && !done.get(); iter++) {
                    int w = rnd.nextInt(writers);
                    byte[] key = bytes(String.format("w%d-%03d", w, rnd.nextInt(keysPerWriter)));
                    byte[] v = ks.get(key);
                    if (v != null) {
                        verify(key, v);
                    }
                    if (iter % 20 == 0) {
                        boolean reverse = rnd.nextBoolean();
                        byte[] previous = null;
                        try (Cursor c = ks.cursor(Range.prefix(bytes("w" + w + "-")),
                                ScanOptions.forward().withReverse(reverse))) {
                            while (c.next()) {
                                byte[] k = c.key();
                                verify(k, c.value());
                                if (previous != null) {
                                    int cmp = Arrays.compareUnsigned(previous, k);
                                    assertThat(reverse ? cmp > 0 : cmp < 0).as("strict cursor order").isTrue();
                                }
                                previous = k;
                            }
                        }
                    }
                    if (iter % 50 == 0) {
                        for (KeyValue kv : side.scan(Range.all(), ScanOptions.forward().withLimit(50))) {
                            verify(kv.key(), kv.value());
                        }
                    }
                    reads.incrementAndGet();
                }
            });
        }
        Concurrently.runAll(tasks);
        assertThat(reads.get()).isPositive();
        TreeMap<String, byte[]> expected = new TreeMap<>();
        for (Map<String, byte[]> m : finals) {
            m.forEach((k, v) -> {
                if (v != null) {
                    expected.put(k, v);
                }
            });
        }
        List<KeyValue> actual = ks.scan(Range.all(), ScanOptions.forward());
        assertThat(Bytes.keys(actual)).containsExactlyElementsOf(expected.keySet());
        for (KeyValue kv : actual) {
            assertThat(kv.value()).as(show(kv.key())).isEqualTo(expected.get(show(kv.key())));
        }
        assertThat(store().stats().openCursors()).isZero();
        assertThat(store().stats().openSnapshots()).isZero();
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void concurrentWritesToTheSameKeysLeaveOneOfTheWrittenValues() {
        Keyspace ks = defaultKs();
        int threads = 8;
        int keys = 10;
        Concurrently.run(threads, t -> {
            for (int i = 0; i < 300; i++) {
                byte[] key = bytes("k" + (i % keys));
                ks.put(key, selfChecking(key, (long) t * 1_000 + i));
            }
        });
        for (int k = 0; k < keys; k++) {
            byte[] key = bytes("k" + k);
            long seq = verify(key, ks.get(key));
            int writer = (int) (seq / 1_000);
            int i = (int) (seq % 1_000);
            assertThat(writer).isBetween(0, threads - 1);
            assertThat(i % keys).isEqualTo(k);
            assertThat(i).as("the last write of some thread").isGreaterThanOrEqualTo(300 - keys);
        }
        assertThat(ks.scan(Range.all(), ScanOptions.forward())).hasSize(keys);
    }

    @Test
    default void rangeDeletesAreAtomicToConcurrentScans() {
        Keyspace ks = defaultKs();
        int width = 10;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger scans = new AtomicInteger();
        List<Concurrently.Task> tasks = new ArrayList<>();
        tasks.add(i -> {
            try {
                Concurrently.awaitFirst(scans);
                for (int round = 0; round < 500; round++) {
                    WriteBatch fill = new WriteBatch();
                    for (int k = 0; k < width; k++) {
                        fill.put(ks, bytes("p" + k), bytes("r" + round));
                    }
                    store().write(fill);
                    ks.deleteRange(Range.prefix(bytes("p")));
                }
            } finally {
                done.set(true);
            }
        });
        for (int r = 0; r < 3; r++) {
            tasks.add(i -> {
                for (int iter = 0; iter < 100_000 && !done.get(); iter++) {
                    List<KeyValue> seen = ks.scan(Range.prefix(bytes("p")), ScanOptions.forward()
                            .withReverse(iter % 2 == 0));
                    assertThat(seen.size()).as("all of a round or none").isIn(0, width);
                    if (!seen.isEmpty()) {
                        byte[] v = seen.get(0).value();
                        assertThat(seen).allSatisfy(kv -> assertThat(kv.value()).isEqualTo(v));
                    }
                    scans.incrementAndGet();
                }
            });
        }
        Concurrently.runAll(tasks);
        assertThat(scans.get()).isPositive();
        assertThat(keysIn(ks)).isEmpty();
    }

    @Test
    default void racingKeyspaceCreationsYieldOneKeyspace() {
        int threads = 8;
        Concurrently.run(threads, t -> {
            Keyspace ks = store().createKeyspace("shared");
            ks.put(bytes("t" + t), bytes("v"));
        });
        assertThat(store().keyspaces()).containsExactly("default", "shared");
        assertThat(keysIn(store().keyspace("shared"))).hasSize(threads);
    }

    @Test
    default void resourcesOpenedConcurrentlyAreAllReleased() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c");
        Concurrently.run(8, t -> {
            for (int i = 0; i < 300; i++) {
                switch (i % 3) {
                    case 0 -> {
                        try (Cursor c = ks.cursor(Range.all())) {
                            assertThat(Bytes.keysOf(c)).as("a, b, c, then keys the transactions add")
                                    .startsWith("a", "b", "c");
                        }
                    }
                    case 1 -> {
                        try (Snapshot s = store().snapshot();
                             Cursor c = s.cursor(ks, Range.all(), ScanOptions.reverse())) {
                            assertThat(c.next()).isTrue();
                        }
                    }
                    default -> {
                        try (Transaction tx = store().begin(i % 2 == 0 ? Isolation.SNAPSHOT : Isolation.SERIALIZABLE)) {
                            assertThat(tx.get(ks, bytes("a"))).isEqualTo(bytes("v-a"));
                            if (i % 4 == 0) {
                                tx.put(ks, bytes("t" + t), bytes("v"));
                                tx.commit();
                            }
                        }
                    }
                }
            }
        });
        assertThat(store().stats().openCursors()).isZero();
        assertThat(store().stats().openSnapshots()).isZero();
        assertThat(store().stats().openTransactions()).isZero();
        assertThat(store().openResources()).isEmpty();
        assertThat(keysIn(ks)).hasSize(3 + 8);
    }

    @Test
    default void snapshotsAndCursorsStayRepeatableWhileWritersOverwrite() {
        Keyspace ks = defaultKs();
        int width = 10;
        int rounds = 3_000;
        WriteBatch initial = new WriteBatch();
        for (int k = 0; k < width; k++) {
            initial.put(ks, bytes("k" + k), Bytes.longBytes(0));
        }
        store().write(initial);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        List<Concurrently.Task> tasks = new ArrayList<>();
        tasks.add(i -> {
            try {
                Concurrently.awaitFirst(checks);
                for (long n = 1; n <= rounds; n++) {
                    WriteBatch b = new WriteBatch();
                    for (int k = 0; k < width; k++) {
                        b.put(ks, bytes("k" + k), Bytes.longBytes(n));
                    }
                    store().write(b);
                }
            } finally {
                done.set(true);
            }
        });
        for (int r = 0; r < 3; r++) {
            tasks.add(index -> {
                for (int iter = 0; iter < 20_000 && !done.get(); iter++) {
                    try (Snapshot s = store().snapshot();
                         Cursor slow = ks.cursor(Range.prefix(bytes("k")), ScanOptions.forward().withReverse(index % 2 == 0))) {
                        long first = Bytes.toLong(s.get(ks, bytes("k0")));
                        assertThat(slow.next()).isTrue();
                        long seenByCursor = Bytes.toLong(slow.value());
                        for (int again = 0; again < 5; again++) {
                            for (int k = 0; k < width; k++) {
                                assertThat(Bytes.toLong(s.get(ks, bytes("k" + k))))
                                        .as("snapshot read %d of k%d", again, k).isEqualTo(first);
                            }
                            assertThat(slow.next()).isTrue();
                            assertThat(Bytes.toLong(slow.value())).as("a cursor reads one state")
                                    .isEqualTo(seenByCursor);
                            Thread.yield();
                        }
                        for (KeyValue kv : s.scan(ks, Range.all(), ScanOptions.reverse())) {
                            assertThat(Bytes.toLong(kv.value())).isEqualTo(first);
                        }
                    }
                    checks.incrementAndGet();
                }
            });
        }
        Concurrently.runAll(tasks);
        assertThat(checks.get()).isPositive();
        assertThat(ks.scan(Range.all(), ScanOptions.forward()))
                .allSatisfy(kv -> assertThat(Bytes.toLong(kv.value())).isEqualTo(rounds));
    }

    @Test
    default void snapshotClosedWhileOthersReadItAnswersFromTheSnapshotOrRefuses() {
        Keyspace ks = defaultKs();
        int keys = 200;
        WriteBatch first = new WriteBatch();
        for (int i = 0; i < keys; i++) {
            first.put(ks, bytes(String.format("k%03d", i)), bytes("round-0"));
        }
        store().write(first);
        AtomicInteger refused = new AtomicInteger();
        for (int round = 1; round <= 400; round++) {
            Snapshot snap = store().snapshot();
            int r = round;
            Concurrently.runAll(List.of(
                    index -> {
                        // Overwrites every key at once, so old versions become reclaimable.
                        WriteBatch b = new WriteBatch();
                        for (int i = 0; i < keys; i++) {
                            b.put(ks, bytes(String.format("k%03d", i)), bytes("round-" + r));
                        }
                        store().write(b);
                    },
                    index -> {
                        try {
                            byte[] seen = null;
                            for (int pass = 0; pass < 5; pass++) {
                                for (int i = 0; i < keys; i++) {
                                    byte[] v = snap.get(ks, bytes(String.format("k%03d", i)));
                                    assertThat(v).as("a key the snapshot holds").isNotNull();
                                    if (seen == null) {
                                        seen = v;
                                    }
                                    assertThat(v).as("every key as of one moment").isEqualTo(seen);
                                }
                            }
                        } catch (IllegalStateException closed) {
                            refused.incrementAndGet();
                        }
                    },
                    index -> {
                        try {
                            for (int pass = 0; pass < 20; pass++) {
                                try (Cursor c = snap.cursor(ks, Range.all(), ScanOptions.forward())) {
                                    List<String> all = Bytes.entriesOf(c);
                                    assertThat(all).as("a whole walk of the snapshot").hasSize(keys);
                                    assertThat(all.stream().map(e -> e.substring(e.indexOf('=')))
                                            .distinct()).as("every key as of one moment").hasSize(1);
                                }
                            }
                        } catch (IllegalStateException closed) {
                            refused.incrementAndGet();
                        }
                    },
                    index -> {
                        // Closes at a different moment each round, from before the readers start to
                        // after they finish.
                        for (int spin = 0; spin < r * 131 % 20_000; spin++) {
                            Thread.onSpinWait();
                        }
                        snap.close();
                    }));
            assertThatThrownBy(() -> snap.get(ks, bytes("k000"))).isInstanceOf(IllegalStateException.class);
        }
        assertThat(store().openResources()).isEmpty();
    }

    @Test
    default void transactionsOnDisjointKeysNeverConflict() {
        Keyspace ks = defaultKs();
        int threads = 4;
        int perThread = 200;
        Concurrently.run(threads, t -> {
            byte[] mine = bytes("counter-" + t);
            for (int i = 0; i < perThread; i++) {
                Isolation iso = i % 2 == 0 ? Isolation.SNAPSHOT : Isolation.SERIALIZABLE;
                try (Transaction tx = store().begin(iso)) {
                    byte[] cur = tx.get(ks, mine);
                    long n = cur == null ? 0 : Bytes.toLong(cur);
                    tx.put(ks, mine, Bytes.longBytes(n + 1));
                    tx.put(ks, bytes("log-" + t + "-" + i), bytes("x"));
                    tx.commit();
                }
            }
        });
        for (int t = 0; t < threads; t++) {
            assertThat(Bytes.toLong(ks.get(bytes("counter-" + t)))).isEqualTo(perThread);
            assertThat(ks.scan(Range.prefix(bytes("log-" + t + "-")), ScanOptions.forward())).hasSize(perThread);
        }
    }
}
