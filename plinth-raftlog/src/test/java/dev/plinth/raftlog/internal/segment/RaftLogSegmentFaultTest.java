package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.StorageIOException;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import org.junit.jupiter.api.Test;

/** I/O errors and damage at rest: detected and reported, never returned as records. */
class RaftLogSegmentFaultTest {

    @Test
    void aFailedSyncFailsTheWriterForGoodAndSyncedRecordsSurvive() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(1), 1);
        SegmentWriter w = SegmentWriter.create(vfs, "seg");
        w.append(new byte[] {1});
        w.sync();
        w.append(new byte[] {2});
        vfs.inject(Fault.on(IoOp.FORCE));
        assertThatThrownBy(w::sync).isInstanceOf(StorageIOException.class);
        assertThatThrownBy(() -> w.append(new byte[] {3})).isInstanceOf(StorageIOException.class)
                .hasMessageContaining("failed earlier");
        assertThatThrownBy(w::sync).isInstanceOf(StorageIOException.class).hasMessageContaining("failed earlier");
        w.close();
        vfs.clearFaults();
        vfs.powerLoss(PowerLoss.dropUnsynced());
        SegmentWriter.Reopened r = SegmentWriter.reopen(vfs, "seg");
        assertThat(r.scan().records()).hasSizeBetween(1, 2);
        assertThat(r.scan().records().get(0).payload()).isEqualTo(new byte[] {1});
        r.writer().close();
        vfs.assertNoLeaks();
    }

    @Test
    void aFailedWriteFailsTheWriter() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(2), 2);
        SegmentWriter w = SegmentWriter.create(vfs, "seg");
        vfs.inject(Fault.on(IoOp.WRITE).at(2));
        w.append(new byte[] {1});
        assertThatThrownBy(() -> w.append(new byte[] {2})).isInstanceOf(StorageIOException.class);
        assertThatThrownBy(w::sync).isInstanceOf(StorageIOException.class).hasMessageContaining("failed earlier");
        w.close();
        vfs.assertNoLeaks();
    }

    @Test
    void aFullDiskOnCreateLeavesNoOpenHandle() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(3), 3);
        vfs.inject(Fault.on(IoOp.FORCE).diskFull());
        assertThatThrownBy(() -> SegmentWriter.create(vfs, "seg")).isInstanceOf(dev.plinth.StorageFullException.class);
        vfs.assertNoLeaks();
    }

    @Test
    void aDamagedRecordInAClosedSegmentIsCorruption() {
        MemVfs vfs = new MemVfs(4);
        long second;
        try (SegmentWriter w = SegmentWriter.create(vfs, "seg")) {
            w.append(new byte[] {1, 2, 3});
            second = w.append(new byte[] {4, 5, 6});
            w.append(new byte[] {7});
            w.sync();
        }
        Corruption.flipBits(vfs, "seg", second + SegmentFormat.FRAME_BYTES + 1, 0x10);
        assertThatThrownBy(() -> SegmentScan.read(vfs, "seg", false)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("offset " + second);
        // In an open segment a valid record after the damage makes it damage in the middle, never a torn tail.
        assertThatThrownBy(() -> SegmentScan.read(vfs, "seg", true)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("offset " + second + ",").hasMessageContaining("valid record follows");
    }

    @Test
    void aDamagedOrForeignHeaderIsCorruption() {
        MemVfs vfs = new MemVfs(5);
        try (SegmentWriter w = SegmentWriter.create(vfs, "seg")) {
            w.append(new byte[] {1, 2, 3});
            w.sync();
        }
        Corruption.flipBits(vfs, "seg", 9, 0x01);
        // Records after a damaged header: corruption, open or closed.
        assertThatThrownBy(() -> SegmentScan.read(vfs, "seg", true)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("not a Plinth Raft log segment");
        assertThatThrownBy(() -> SegmentScan.read(vfs, "seg", false)).isInstanceOf(CorruptionException.class);
        try (var f = vfs.create("foreign")) {
            f.write(0, java.nio.ByteBuffer.wrap("hello, this is not a segment".getBytes()));
        }
        assertThatThrownBy(() -> SegmentScan.read(vfs, "foreign", false)).isInstanceOf(CorruptionException.class);
        // An open segment with a bad header and nothing valid after it is a creation that never completed.
        SegmentScan empty = SegmentScan.read(vfs, "foreign", true);
        assertThat(empty.records()).isEmpty();
        assertThat(empty.validEnd()).isZero();
    }

    @Test
    void aDamagedAtomicFileIsCorruption() {
        MemVfs vfs = new MemVfs(6);
        AtomicFile.write(vfs, "bound", new byte[] {1, 2, 3, 4});
        Corruption.flipBits(vfs, "bound", 5, 0x04);
        assertThatThrownBy(() -> AtomicFile.read(vfs, "bound")).isInstanceOf(CorruptionException.class);
        assertThat(AtomicFile.read(vfs, "absent")).isNull();
    }
}
