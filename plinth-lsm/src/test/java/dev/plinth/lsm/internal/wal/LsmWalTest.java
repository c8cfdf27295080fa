package dev.plinth.lsm.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.StorageIOException;
import dev.plinth.spi.FailureLatch;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Framing, group commit and recovery of the write-ahead log, on the test kit's file systems. */
class LsmWalTest {
    private static final long SEGMENT = 4 * WalFormat.BLOCK_SIZE;

    private final AtomicLong published = new AtomicLong();

    private WalWriter newWriter(FaultyVfs fs, FailureLatch latch) {
        WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
        for (String n : r.removable()) {
            fs.delete(n);
        }
        return WalWriter.open(fs, "test", SEGMENT, latch, published::set, r.segment(), r.offset(), r.zeroFrom());
    }

    /** Payloads of many sizes: empty, tiny, exactly a block's room, larger than a block, several blocks. */
    private static List<byte[]> payloads(long seed, int n) {
        Random rnd = new Random(seed);
        int[] sizes = {0, 1, 7, WalFormat.BLOCK_SIZE - WalFormat.FRAGMENT_HEADER, WalFormat.BLOCK_SIZE,
            3 * WalFormat.BLOCK_SIZE + 11, 100, 5000};
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[i < sizes.length ? sizes[i] : rnd.nextInt(9000)];
            rnd.nextBytes(b);
            out.add(b);
        }
        return out;
    }

    private static void assertSameRecords(List<byte[]> actual, List<byte[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("record %d", i).isEqualTo(expected.get(i));
        }
    }

    @Test
    void recordsOfEverySizeRoundTripAcrossBlocksAndSegments() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(1), 1);
        List<byte[]> records = payloads(1, 60);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            long seq = 0;
            for (byte[] r : records) {
                w.awaitWritten(w.enqueue(r, ++seq));
            }
            assertThat(w.currentSegment()).as("the records fill more than one segment").isGreaterThan(1);
        }
        assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), records);
        assertThat(published.get()).isEqualTo(records.size());
        fs.assertNoLeaks();
    }

    @Test
    void recordsFramedIntoAReusedBufferRoundTrip() {
        // The leader hands its last chunk's buffer to the next chunk: records left buffered and records waited
        // for, of every size, interleaved at random, must come back as written (a buffer reused while still
        // being written, or not emptied, would change or repeat bytes).
        FaultyVfs fs = new FaultyVfs(new MemVfs(11), 11);
        List<byte[]> records = payloads(11, 400);
        Random rnd = new Random(11);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            long seq = 0;
            for (byte[] r : records) {
                seq++;
                if (rnd.nextInt(4) > 0 && w.mayLeaveBuffered(r.length)) {
                    w.enqueueUnwaited(r, seq);
                } else {
                    w.awaitWritten(w.enqueue(r, seq));
                }
            }
        }
        assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), records);
        fs.assertNoLeaks();
    }

    @Test
    void aRecordLargerThanASegmentGetsASegmentOfItsOwn() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(2), 2);
        byte[] big = new byte[(int) SEGMENT * 2 + 5];
        new Random(2).nextBytes(big);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            w.awaitSynced(w.enqueue(new byte[] {1}, 1));
            w.awaitSynced(w.enqueue(big, 2));
            w.awaitSynced(w.enqueue(new byte[] {2}, 3));
        }
        assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), List.of(new byte[] {1}, big, new byte[] {2}));
    }

    @Test
    void oneForceCoversEveryRecordBufferedBeforeIt() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(3), 3);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            w.awaitSpare(); // its forces are not the records'
            long forcesBefore = fs.count(IoOp.FORCE);
            long writesBefore = fs.count(IoOp.WRITE);
            w.enqueue(new byte[] {1}, 1);
            w.enqueue(new byte[] {2}, 2);
            long last = w.enqueue(new byte[] {3}, 3);
            w.awaitSynced(last);
            assertThat(fs.count(IoOp.FORCE) - forcesBefore).as("forces for three records").isEqualTo(1);
            assertThat(fs.count(IoOp.WRITE) - writesBefore).as("writes for three records").isEqualTo(1);
        }
    }

    @Test
    void concurrentWritersShareForcesAndLoseNothing() throws Exception {
        FaultyVfs fs = new FaultyVfs(new MemVfs(4), 4);
        int threads = 8;
        int each = 200;
        List<byte[]> all = new ArrayList<>();
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            Object order = new Object();
            long[] seq = {0};
            List<Thread> ts = new ArrayList<>();
            List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < each; i++) {
                            byte[] p = (id + ":" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                            long ticket;
                            synchronized (order) { // as the engine's write lock does
                                ticket = w.enqueue(p, ++seq[0]);
                                all.add(p);
                            }
                            w.awaitSynced(ticket);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            ts.forEach(Thread::start);
            for (Thread t : ts) {
                t.join();
            }
            assertThat(errors).isEmpty();
        }
        assertThat(fs.count(IoOp.FORCE)).as("never more forces than writes").isLessThanOrEqualTo(threads * each + 2L);
        assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), all);
    }

    @Test
    void aTornTailIsCutAndWritingResumesCleanly() {
        for (PowerLoss loss : List.of(PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite(), PowerLoss.dropUnsynced())) {
            for (long seed = 0; seed < 20; seed++) {
                FaultyVfs fs = new FaultyVfs(new MemVfs(seed), seed);
                List<byte[]> records = payloads(seed, 30);
                WalWriter w = newWriter(fs, new FailureLatch("test"));
                int synced = 12;
                for (int i = 0; i < records.size(); i++) {
                    long t = w.enqueue(records.get(i), i + 1);
                    if (i < synced) {
                        w.awaitSynced(t);
                    } else {
                        w.awaitWritten(t);
                    }
                }
                fs.powerLoss(loss);
                try {
                    w.close(); // its handles died with the power: the force of what was unsynced fails
                } catch (StorageIOException expected) {
                    // reported to the closer; the next open recovers
                }
                WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
                List<byte[]> got = r.records();
                assertThat(got.size()).as("%s seed %d: every synced record", loss, seed).isGreaterThanOrEqualTo(synced);
                assertSameRecords(got, records.subList(0, got.size()));
                // Write more after the cut, crash cleanly, and read everything back without a false alarm.
                try (WalWriter again = newWriter(fs, new FailureLatch("test"))) {
                    again.awaitSynced(again.enqueue(new byte[] {42}, 1000));
                }
                List<byte[]> expected = new ArrayList<>(got);
                expected.add(new byte[] {42});
                assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), expected);
            }
        }
    }

    @Test
    void damageBeforeValidRecordsIsCorruptionNamingFileAndOffset() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(5), 5);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            for (int i = 0; i < 10; i++) {
                w.awaitSynced(w.enqueue(new byte[100], i + 1));
            }
        }
        String name = WalFormat.segmentName(1);
        long second = WalFormat.HEADER_SIZE + WalFormat.FRAGMENT_HEADER + 100;
        Corruption.flipBits(fs, name, second + WalFormat.FRAGMENT_HEADER + 3, 0x10);
        assertThatThrownBy(() -> WalRecovery.recover(fs, "test", 1))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("offset " + second);
    }

    @Test
    void damageToTheLastRecordAloneIsATornTail() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(6), 6);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            for (int i = 0; i < 3; i++) {
                w.awaitSynced(w.enqueue(new byte[100], i + 1));
            }
        }
        long third = WalFormat.HEADER_SIZE + 2L * (WalFormat.FRAGMENT_HEADER + 100);
        Corruption.flipBits(fs, WalFormat.segmentName(1), third + 20, 0x01);
        WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
        assertThat(r.records()).hasSize(2);
        assertThat(r.tornAt()).contains("offset " + third);
    }

    @Test
    void aFailedForceFailsEveryWaiterAndIsNeverRetriedIntoSuccess() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(7), 7);
        FailureLatch latch = new FailureLatch("test");
        try (WalWriter w = newWriter(fs, latch)) {
            w.awaitSynced(w.enqueue(new byte[] {1}, 1));
            w.awaitSpare(); // the fault is for the record's force
            fs.inject(Fault.on(IoOp.FORCE).at(1).once());
            long t = w.enqueue(new byte[] {2}, 2);
            assertThatThrownBy(() -> w.awaitSynced(t)).isInstanceOf(StorageIOException.class);
            assertThat(latch.isTripped()).isTrue();
            // The fault was one-shot; the log still refuses, since the data's fate is unknown.
            long t2 = w.enqueue(new byte[] {3}, 3);
            assertThatThrownBy(() -> w.awaitSynced(t2)).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("until it is reopened");
            assertThatThrownBy(() -> w.awaitWritten(t)).isInstanceOf(StorageIOException.class);
        }
        fs.assertNoLeaks();
    }

    @Test
    void aSegmentWhoseCreationWasInterruptedIsRemoved() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(8), 8);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            w.awaitSynced(w.enqueue(new byte[] {1}, 1));
        }
        fs.delete(WalFormat.segmentName(2)); // the spare, made whole; this test makes its own
        try (var f = fs.create(WalFormat.segmentName(2))) {
            f.preallocate(SEGMENT);
        }
        WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
        assertThat(r.records()).hasSize(1);
        assertThat(r.removable()).containsExactly(WalFormat.segmentName(2));
        assertThat(r.segment()).isEqualTo(1);
    }

    @Test
    void anUnwaitedRecordStaysInTheBufferUntilTheNextWaitedOneWritesBothInOrder() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(20), 20);
        WalWriter w = newWriter(fs, new FailureLatch("test"));
        w.awaitWritten(w.enqueue(new byte[] {1}, 1));
        assertThat(w.mayLeaveBuffered(1)).isTrue();
        w.enqueueUnwaited(new byte[] {2}, 2);
        assertThat(w.bufferedBytes()).as("nothing wrote it").isPositive();
        fs.powerLoss(PowerLoss.processCrash());
        closeAfterCrash(w);
        assertThat(WalRecovery.recover(fs, "test", 1).records()).as("a killed process loses it").hasSize(1);

        FaultyVfs fs2 = new FaultyVfs(new MemVfs(21), 21);
        WalWriter w2 = newWriter(fs2, new FailureLatch("test"));
        w2.enqueueUnwaited(new byte[] {1}, 1);
        w2.enqueueUnwaited(new byte[] {2}, 2);
        w2.awaitWritten(w2.enqueue(new byte[] {3}, 3));
        assertThat(w2.bufferedBytes()).isZero();
        assertThat(published.get()).isEqualTo(3);
        fs2.powerLoss(PowerLoss.processCrash());
        closeAfterCrash(w2);
        assertSameRecords(WalRecovery.recover(fs2, "test", 1).records(),
                List.of(new byte[] {1}, new byte[] {2}, new byte[] {3}));
    }

    /** Closes a writer whose process was killed under it: what it still writes goes nowhere or fails. */
    private static void closeAfterCrash(WalWriter w) {
        try {
            w.close();
        } catch (RuntimeException deadHandles) {
            // its files died with the process
        }
    }

    @Test
    void noRecordIsLeftBufferedWhileAnEarlierWaitedOneIsNotWrittenOrTheBufferIsFull() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(22), 22);
        try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
            long waited = w.enqueue(new byte[] {1}, 1); // its writer has not reached the log yet
            assertThat(w.mayLeaveBuffered(1)).as("publishing a later record would show this one before it is written")
                    .isFalse();
            w.awaitWritten(waited);
            assertThat(w.mayLeaveBuffered(1)).isTrue();
            byte[] record = new byte[1000];
            long seq = 1;
            while (w.mayLeaveBuffered(record.length)) {
                w.enqueueUnwaited(record, ++seq);
            }
            assertThat(w.bufferedBytes()).isLessThanOrEqualTo(WalWriter.BUFFER_LIMIT)
                    .isGreaterThan(WalWriter.BUFFER_LIMIT - 2000L);
            assertThat(w.mayLeaveBuffered(WalWriter.BUFFER_LIMIT)).as("a record larger than the buffer's limit is written before its call returns, even with nothing buffered").isFalse();
            w.awaitWritten(w.enqueue(record, ++seq));
            assertThat(w.mayLeaveBuffered(1)).isTrue();
            assertThat(w.mayLeaveBuffered(WalWriter.BUFFER_LIMIT)).isFalse();
        }
    }
}
