package dev.plinth.lsm.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.io.VfsFile;
import dev.plinth.spi.FailureLatch;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spare segment: the next log segment made ahead of need in the background. Moving to it creates
 * nothing on the writer's path; a failure making it fails the log and reaches the writer that needs it; and
 * a crash with a spare present, whole or partly made, loses nothing acknowledged, recovery reusing a valid
 * spare and removing one without a valid header.
 */
class LsmWalSpareTest {
    private static final long SEGMENT = 4 * WalFormat.BLOCK_SIZE;
    private static final String SPARE = WalFormat.segmentName(2);

    private static WalWriter newWriter(FaultyVfs fs, FailureLatch latch) {
        WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
        for (String n : r.removable()) {
            fs.delete(n);
        }
        return WalWriter.open(fs, "test", SEGMENT, latch, seq -> { }, r.segment(), r.offset(), r.zeroFrom());
    }

    private static byte[] record(int i, int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) i);
        return b;
    }

    private static void assertSameRecords(List<byte[]> actual, List<byte[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("record %d", i).isEqualTo(expected.get(i));
        }
    }

    /** Closes a writer whose handles died with the power, as the crashed process never did. */
    private static void closeAfterCrash(WalWriter w) {
        try {
            w.close();
        } catch (StorageIOException | IllegalStateException dead) {
            // the handles are gone; the next open recovers
        }
    }

    @Test
    void theNextSegmentIsMadeAheadSoMovingToItCreatesAndSyncsNothing() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(21), 21);
        FailureLatch latch = new FailureLatch("test");
        List<byte[]> acked = new ArrayList<>();
        try (WalWriter w = newWriter(fs, latch)) {
            acked.add(record(1, 100));
            w.awaitSynced(w.enqueue(acked.get(0), 1));
            w.awaitSpare();
            WalReader.Scan spare = WalReader.scan(fs, SPARE, 2);
            assertThat(spare.ending()).isEqualTo(WalReader.Ending.CLEAN);
            assertThat(spare.records()).isEmpty();
            assertThat(spare.end()).isEqualTo(WalFormat.HEADER_SIZE);
            assertThat(spare.size()).isEqualTo(SEGMENT);
            // From here no file can be created and no directory synced: the log moves to segment 2 regardless.
            fs.inject(Fault.on(IoOp.CREATE).sticky());
            fs.inject(Fault.on(IoOp.SYNC_DIRECTORY).sticky());
            w.roll();
            acked.add(record(2, 100));
            w.awaitSynced(w.enqueue(acked.get(1), 2));
            assertThat(w.currentSegment()).isEqualTo(2);
            // Making segment 3 failed in the background: the latch is tripped, and the writer that needs it is told.
            w.roll();
            long t = w.enqueue(record(3, 100), 3);
            assertThatThrownBy(() -> w.awaitSynced(t)).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("preparing write-ahead log segment 3");
            assertThat(latch.isTripped()).isTrue();
            assertThatThrownBy(() -> latch.check("apply")).hasStackTraceContaining("preparing write-ahead log segment 3");
        }
        fs.clearFaults();
        fs.powerLoss(PowerLoss.dropUnsynced());
        assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), acked);
        fs.assertNoLeaks();
    }

    @Test
    void aFullDiskWhileMakingTheSpareIsStorageFullForTheWriterThatNeedsIt() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(22), 22);
        FailureLatch latch = new FailureLatch("test");
        try (WalWriter w = newWriter(fs, latch)) {
            w.awaitSynced(w.enqueue(record(1, 100), 1));
            w.awaitSpare();
            fs.inject(Fault.on(IoOp.WRITE).onFile(WalFormat.segmentName(3)).diskFull().sticky());
            w.roll();
            w.awaitSynced(w.enqueue(record(2, 100), 2));
            w.roll();
            long t = w.enqueue(record(3, 100), 3);
            assertThatThrownBy(() -> w.awaitWritten(t)).isInstanceOf(StorageFullException.class)
                    .hasMessageContaining("segment 3");
            assertThat(latch.isTripped()).isTrue();
        }
        fs.clearFaults();
        assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), List.of(record(1, 100), record(2, 100)));
        fs.assertNoLeaks();
    }

    @Test
    void aCrashWithTheSpareMadeWholeLosesNothingAndWritingResumesInIt() {
        for (PowerLoss loss : List.of(PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite(), PowerLoss.dropUnsynced())) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(23), 23);
            List<byte[]> acked = new ArrayList<>();
            WalWriter w = newWriter(fs, new FailureLatch("test"));
            for (int i = 1; i <= 5; i++) {
                acked.add(record(i, 300 * i));
                w.awaitSynced(w.enqueue(acked.get(i - 1), i));
            }
            w.awaitSpare();
            fs.powerLoss(loss);
            closeAfterCrash(w);
            WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
            assertSameRecords(r.records(), acked);
            assertThat(r.removable()).as("%s", loss).isEmpty();
            assertThat(r.segment()).as("%s: writing resumes in the spare", loss).isEqualTo(2);
            assertThat(r.offset()).isEqualTo(WalFormat.HEADER_SIZE);
            try (WalWriter again = newWriter(fs, new FailureLatch("test"))) {
                acked.add(record(6, 10));
                again.awaitSynced(again.enqueue(acked.get(5), 6));
            }
            assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), acked);
            assertThat(WalReader.scan(fs, SPARE, 2).records()).hasSize(1);
            fs.assertNoLeaks();
        }
    }

    @Test
    void aTornTailBeforeTheSpareIsCutAndTheSpareRemoved() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(24), 24);
        List<byte[]> written = new ArrayList<>();
        WalWriter w = newWriter(fs, new FailureLatch("test"));
        for (int i = 1; i <= 6; i++) {
            written.add(record(i, 200));
            long t = w.enqueue(written.get(i - 1), i);
            if (i <= 3) {
                w.awaitSynced(t);
            } else {
                w.awaitWritten(t);
            }
        }
        w.awaitSpare();
        fs.powerLoss(PowerLoss.tearLastWrite(10)); // ten bytes of the last record's write land: a torn fragment
        closeAfterCrash(w);
        WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
        assertThat(r.tornAt()).contains(WalFormat.segmentName(1));
        assertThat(r.records().size()).isGreaterThanOrEqualTo(3);
        assertSameRecords(r.records(), written.subList(0, r.records().size()));
        assertThat(r.removable()).containsExactly(SPARE);
        assertThat(r.segment()).isEqualTo(1);
        List<byte[]> expected = new ArrayList<>(r.records());
        try (WalWriter again = newWriter(fs, new FailureLatch("test"))) {
            expected.add(record(9, 50));
            again.awaitSynced(again.enqueue(expected.get(expected.size() - 1), 9));
            again.awaitSpare();
        }
        assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), expected);
        assertThat(WalReader.scan(fs, SPARE, 2).ending()).as("a new spare").isEqualTo(WalReader.Ending.CLEAN);
        fs.assertNoLeaks();
    }

    /**
     * What a crash can leave of a spare whose name became durable before its contents did (another file's
     * directory sync, a flush's, can make it so): no bytes, zeros without a header, part of a header, a
     * header with garbage in it. Recovery removes each and resumes in segment 1; a valid header with fewer
     * zeros after it than a segment holds is an empty segment, which recovery reuses.
     */
    @Test
    void aCrashWithAPartlyMadeSpareLosesNothing() {
        byte[] header = new byte[WalFormat.HEADER_SIZE];
        WalFormat.header(2).get(header);
        byte[] garbled = header.clone();
        garbled[13] ^= 0x40;
        List<byte[]> leftovers = List.of(new byte[0], new byte[(int) SEGMENT], java.util.Arrays.copyOf(header, 13),
                garbled, java.util.Arrays.copyOf(header, 1000));
        for (int v = 0; v < leftovers.size(); v++) {
            byte[] left = leftovers.get(v);
            boolean reusable = v == leftovers.size() - 1;
            FaultyVfs fs = new FaultyVfs(new MemVfs(25 + v), 25 + v);
            List<byte[]> acked = new ArrayList<>();
            try (WalWriter w = newWriter(fs, new FailureLatch("test"))) {
                for (int i = 1; i <= 4; i++) {
                    acked.add(record(i, 500));
                    w.awaitSynced(w.enqueue(acked.get(i - 1), i));
                }
            }
            fs.delete(SPARE);
            try (VfsFile f = fs.create(SPARE)) {
                f.write(0, ByteBuffer.wrap(left));
                f.force();
            }
            fs.syncDirectory("");
            fs.powerLoss(PowerLoss.dropUnsynced());
            WalRecovery.Recovered r = WalRecovery.recover(fs, "test", 1);
            assertSameRecords(r.records(), acked);
            if (reusable) {
                assertThat(r.removable()).isEmpty();
                assertThat(r.segment()).isEqualTo(2);
            } else {
                assertThat(r.removable()).as("leftover %d", v).containsExactly(SPARE);
                assertThat(r.segment()).isEqualTo(1);
            }
            try (WalWriter again = newWriter(fs, new FailureLatch("test"))) {
                // A small record, one larger than the short spare holds, another small one.
                for (byte[] b : List.of(record(5, 20), record(6, 2000), record(7, 20))) {
                    acked.add(b);
                    again.awaitSynced(again.enqueue(b, acked.size()));
                }
            }
            fs.powerLoss(PowerLoss.dropUnsynced());
            assertSameRecords(WalRecovery.recover(fs, "test", 1).records(), acked);
            fs.assertNoLeaks();
        }
    }
}
