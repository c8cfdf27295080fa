package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineSnapshot;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/** The reset read transactions kept for point reads, cursors and snapshots ({@link ReaderPool}). */
class LmdbReaderPoolTest {
    @TempDir
    Path dir;

    private static byte[] key(int i) {
        return String.format("k%06d", i).getBytes();
    }

    private static byte[] value(int i, int size) {
        byte[] v = new byte[size];
        Arrays.fill(v, (byte) i);
        ByteBuffer.wrap(v).putInt(i);
        return v;
    }

    @Test
    void pointReadsBetweenWritesThatGrowTheMapFarPastItsInitialSize() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m")) {
            Keyspace ks = s.defaultKeyspace();
            int count = 600;
            for (int i = 0; i < count; i++) {
                ks.put(key(i), value(i, 32 << 10));
                // Each read renews a pooled transaction that was reset before the last resize.
                assertThat(ks.get(key(i))).isEqualTo(value(i, 32 << 10));
                assertThat(ks.get(key(i / 2))).isEqualTo(value(i / 2, 32 << 10));
            }
            var stats = s.stats();
            assertThat(stats.counter("lmdb.mapSize")).isGreaterThan(16L << 20);
            assertThat(stats.counter("lmdb.mapResizes")).isGreaterThan(1);
            assertThat(stats.counter("lmdb.pooledReadTxns")).isPositive();
            for (int i = 0; i < count; i++) {
                assertThat(ks.get(key(i))).as("key %d", i).isEqualTo(value(i, 32 << 10));
            }
        }
    }

    /**
     * Below the core, which refuses snapshots past {@code maxReaders} before LMDB is asked: the engine's own
     * snapshots fill LMDB's whole reader table ({@code maxReaders} plus the reserve for point reads), and an
     * idle pooled transaction gives its slot up to them.
     */
    @Test
    void idleTransactionsGiveUpTheirReaderSlotsToSnapshots() {
        Engine[] engine = new Engine[1];
        try (Store s = Plinth.builder("lmdb:" + dir + "?maxReaders=16").decorate(e -> {
            engine[0] = e;
            return e;
        }).open()) {
            Keyspace ks = s.defaultKeyspace();
            ks.put(key(1), value(1, 8));
            assertThat(ks.get(key(1))).isEqualTo(value(1, 8));
            assertThat(s.stats().counter("lmdb.pooledReadTxns")).as("the read's transaction is kept").isEqualTo(1);

            int withPooled = openSnapshotsUntilTheSlotsRunOut(engine[0]);
            assertThat(s.stats().counter("lmdb.pooledReadTxns"))
                    .as("the closed snapshots gave their transactions back, as many as the pool keeps (maxReaders/8)")
                    .isEqualTo(2);
            int again = openSnapshotsUntilTheSlotsRunOut(engine[0]);
            assertThat(withPooled).as("the idle transactions' slots went to snapshots").isEqualTo(again);
            assertThat(withPooled).as("the whole table: maxReaders and the reserve")
                    .isEqualTo(16 + LmdbOptions.RESERVED_READERS);
            assertThat(ks.get(key(1))).isEqualTo(value(1, 8));
        }
    }

    /**
     * A cursor or snapshot renews a pooled transaction when it opens and resets it into the pool when it
     * closes; each renewed transaction reads the latest commit, across writes that grow the map meanwhile,
     * and a snapshot keeps its own view while the store changes.
     */
    @Test
    void cursorsAndSnapshotsRenewPooledTransactionsAndReadTheLatestCommit() {
        try (Store s = Plinth.open("lmdb:" + dir + "?mapSize=1m")) {
            Keyspace ks = s.defaultKeyspace();
            assertThat(s.stats().counter("lmdb.pooledReadTxns")).isZero();
            int count = 200;
            for (int i = 0; i < count; i++) {
                ks.put(key(i), value(i, 16 << 10));
                try (var c = ks.cursor(dev.plinth.Range.all(), dev.plinth.ScanOptions.forward())) {
                    int n = 0;
                    while (c.next()) {
                        assertThat(c.key()).isEqualTo(key(n));
                        assertThat(c.value()).isEqualTo(value(n, 16 << 10));
                        n++;
                    }
                    assertThat(n).as("a cursor opened after put %d sees it", i).isEqualTo(i + 1);
                }
                // No point read ran: the transaction kept is the cursor's own.
                assertThat(s.stats().counter("lmdb.pooledReadTxns")).as("after cursor %d", i).isEqualTo(1);
            }
            assertThat(s.stats().counter("lmdb.mapResizes")).as("the map grew between cursors").isGreaterThan(1);
            try (var snap = s.snapshot()) {
                assertThat(s.stats().counter("lmdb.pooledReadTxns")).as("the snapshot renewed it").isZero();
                ks.put(key(count), value(count, 8));
                assertThat(snap.get(ks, key(count))).isNull();
                assertThat(snap.get(ks, key(count - 1))).isEqualTo(value(count - 1, 16 << 10));
            }
            assertThat(s.stats().counter("lmdb.pooledReadTxns")).isEqualTo(1);
            try (var snap = s.snapshot()) {
                assertThat(snap.get(ks, key(count))).as("a snapshot on a renewed transaction sees the latest commit")
                        .isEqualTo(value(count, 8));
            }
        }
    }

    /** Opens engine snapshots until LMDB has no reader slot left, closes them, and says how many opened. */
    private static int openSnapshotsUntilTheSlotsRunOut(Engine engine) {
        List<EngineSnapshot> open = new ArrayList<>();
        try {
            while (true) {
                try {
                    open.add(engine.snapshot());
                } catch (StorageIOException e) {
                    assertThat(e.getMessage()).contains("reader slot", "maxReaders");
                    return open.size();
                }
                assertThat(open.size()).as("LMDB's reader table has a limit").isLessThan(1000);
            }
        } finally {
            open.forEach(EngineSnapshot::close);
        }
    }

    @Test
    void concurrentPointReadsKeepAtMostTheCapacityAndCloseFreesThem() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int cycle = 0; cycle < 3; cycle++) {
                try (Store s = Plinth.open("lmdb:" + dir)) {
                    Keyspace ks = s.defaultKeyspace();
                    WriteBatch b = new WriteBatch();
                    for (int i = 0; i < 100; i++) {
                        b.put(ks, key(i), value(i + cycle, 100));
                    }
                    s.write(b);
                    int round = cycle;
                    List<Future<?>> work = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        work.add(pool.submit(() -> {
                            for (int n = 0; n < 2000; n++) {
                                int i = n % 100;
                                assertThat(ks.get(key(i))).isEqualTo(value(i + round, 100));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : work) {
                        f.get(2, TimeUnit.MINUTES);
                    }
                    assertThat(s.stats().counter("lmdb.pooledReadTxns")).isBetween(1L, (long) ReaderPool.MAX_CAPACITY);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A bare environment of {@code readers} reader slots, opened as the engine opens its own ({@code MDB_NOTLS}). */
    private Env<ByteBuffer> bareEnv(int readers) {
        return Env.create().setMapSize(1 << 20).setMaxReaders(readers).open(dir.toFile(), EnvFlags.MDB_NOTLS);
    }

    /** Begins read transactions straight on the environment until LMDB has no slot left; says how many. */
    private static int takeTheRemainingSlots(Env<ByteBuffer> env, List<Txn<ByteBuffer>> held) {
        int taken = 0;
        while (true) {
            try {
                held.add(env.txnRead());
                taken++;
            } catch (LmdbException e) {
                assertThat(LmdbErrors.code(e)).as("only a full reader table stops it").isEqualTo(LmdbErrors.MDB_READERS_FULL);
                return taken;
            }
            assertThat(taken).as("LMDB's reader table has a limit").isLessThan(1000);
        }
    }

    /**
     * {@code MDB_READERS_FULL} while idle transactions hold slots: {@link ReaderPool#begin} frees them and
     * begins again, so the pool never costs a reader its slot.
     */
    @Test
    void aFullReaderTableIsDrainedOfIdleTransactionsAndTheBeginRetried() {
        List<Txn<ByteBuffer>> held = new ArrayList<>();
        Env<ByteBuffer> env = bareEnv(16);
        ReaderPool pool = new ReaderPool(env, 16);
        try {
            Txn<ByteBuffer> a = pool.borrow();
            Txn<ByteBuffer> b = pool.borrow();
            pool.giveBack(a);
            pool.giveBack(b);
            assertThat(pool.idle()).as("maxReaders/8 kept, each holding its slot").isEqualTo(2);
            assertThat(takeTheRemainingSlots(env, held)).isEqualTo(14);

            Txn<ByteBuffer> fresh = pool.begin();
            held.add(fresh);
            assertThat(pool.idle()).as("the idle transactions were freed for it").isZero();
            assertThat(takeTheRemainingSlots(env, held)).as("the second freed slot").isEqualTo(1);
        } finally {
            held.forEach(Txn::close);
            pool.close();
            env.close();
        }
    }

    /**
     * An idle transaction whose renew fails is closed, not dropped, and a new one begun in its place: every
     * reader slot stays usable. The renew is made to fail here by renewing the idle transaction behind the
     * pool's back (lmdbjava then refuses to renew it again, as LMDB refuses a transaction that is not reset).
     */
    @Test
    void anIdleTransactionThatCannotBeRenewedIsClosedAndReplaced() {
        List<Txn<ByteBuffer>> held = new ArrayList<>();
        Env<ByteBuffer> env = bareEnv(16);
        ReaderPool pool = new ReaderPool(env, 16);
        try {
            Txn<ByteBuffer> idle = pool.borrow();
            pool.giveBack(idle);
            idle.renew(); // the pool still holds it as idle; its renew will now fail

            Txn<ByteBuffer> borrowed = pool.borrow();
            held.add(borrowed);
            assertThat(borrowed).as("a new transaction in place of the one that failed").isNotSameAs(idle);
            assertThat(pool.idle()).isZero();
            assertThat(takeTheRemainingSlots(env, held))
                    .as("the failed transaction's slot was freed: all 16 slots but the borrowed one").isEqualTo(15);
        } finally {
            held.forEach(Txn::close);
            pool.close();
            env.close();
        }
    }
}
