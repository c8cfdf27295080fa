package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StorageIOException;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Records framed in place ({@link SegmentWriter#appendFramed(byte[], int)}) and several records in one write (the
 * shared log's group commit, {@link SegmentWriter#appendFramed(byte[][], int[], int, byte[], long[])}): the same bytes as
 * {@link SegmentWriter#append(byte[])}, and a power loss that tears the one write of many records at any byte keeps
 * whole records, a prefix of them, never a damaged one.
 */
class SegmentWriterFramedTest {
    /** A framed record in an array with 7 bytes of slack after it, which must never be written. */
    private static byte[] framed(byte[] payload) {
        byte[] f = new byte[SegmentFormat.FRAME_BYTES + payload.length + 7];
        java.util.Arrays.fill(f, (byte) 0x5A);
        System.arraycopy(payload, 0, f, SegmentFormat.FRAME_BYTES, payload.length);
        return f;
    }

    private static byte[] fileBytes(MemVfs vfs, String name) {
        try (var f = vfs.openRead(name)) {
            ByteBuffer b = ByteBuffer.allocate((int) f.size());
            f.read(0, b);
            return b.array();
        }
    }

    @Test
    void framedAppendsWriteTheSameBytesAsPlainOnes() {
        Random rnd = new Random(3);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            byte[] p = new byte[rnd.nextInt(300)];
            rnd.nextBytes(p);
            payloads.add(p);
        }
        MemVfs plain = new MemVfs(1);
        MemVfs framed = new MemVfs(1);
        try (SegmentWriter a = SegmentWriter.create(plain, "seg");
             SegmentWriter b = SegmentWriter.create(framed, "seg")) {
            for (int i = 0; i < 10; i++) {
                int length = SegmentFormat.FRAME_BYTES + payloads.get(i).length;
                assertThat(b.appendFramed(framed(payloads.get(i)), length)).isEqualTo(a.append(payloads.get(i)));
            }
            byte[][] rest = new byte[10][];
            List<Long> expected = new ArrayList<>();
            for (int i = 10; i < 20; i++) {
                rest[i - 10] = framed(payloads.get(i));
                expected.add(a.append(payloads.get(i)));
            }
            long[] offsets = new long[10];
            int[] lengths = new int[10];
            for (int i = 0; i < 10; i++) {
                lengths[i] = rest[i].length - 7;
            }
            // A scratch array too small is replaced; the records sit in arrays longer than they are.
            byte[] gathered = b.appendFramed(rest, lengths, 10, new byte[5], offsets);
            assertThat(gathered.length).isGreaterThanOrEqualTo(java.util.Arrays.stream(lengths).sum());
            assertThat(offsets).containsExactly(expected.stream().mapToLong(Long::longValue).toArray());
            assertThat(b.position()).isEqualTo(a.position());
            a.sync();
            b.sync();
        }
        assertThat(fileBytes(framed, "seg")).isEqualTo(fileBytes(plain, "seg"));
        List<SegmentScan.Record> got = SegmentScan.read(framed, "seg", false).records();
        assertThat(got).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(got.get(i).payload()).isEqualTo(payloads.get(i));
        }
    }

    /**
     * Records of a group commit that together are larger than {@link SegmentWriter#MAX_GATHER_BYTES}, some of them
     * larger alone: the same bytes and offsets as one append each, and the array gathered into never grows past
     * the limit, however large the records (before, it took the size of all of them together).
     */
    @Test
    void recordsLargerTogetherThanTheGatherLimitAreWrittenInSeveralWritesWithoutALargerArray() {
        int[] sizes = {100, SegmentWriter.MAX_GATHER_BYTES / 2, SegmentWriter.MAX_GATHER_BYTES / 2, 3,
                SegmentWriter.MAX_GATHER_BYTES + 5, 7, 9, SegmentWriter.MAX_GATHER_BYTES - SegmentFormat.FRAME_BYTES};
        Random rnd = new Random(6);
        MemVfs plain = new MemVfs(1);
        MemVfs framed = new MemVfs(1);
        try (SegmentWriter a = SegmentWriter.create(plain, "seg");
             SegmentWriter b = SegmentWriter.create(framed, "seg")) {
            byte[][] records = new byte[sizes.length][];
            int[] lengths = new int[sizes.length];
            long[] expected = new long[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                byte[] p = new byte[sizes[i]];
                rnd.nextBytes(p);
                records[i] = framed(p);
                lengths[i] = SegmentFormat.FRAME_BYTES + p.length;
                expected[i] = a.append(p);
            }
            long[] offsets = new long[sizes.length];
            byte[] gathered = b.appendFramed(records, lengths, sizes.length, null, offsets);
            assertThat(gathered.length).isLessThanOrEqualTo(SegmentWriter.MAX_GATHER_BYTES);
            assertThat(offsets).containsExactly(expected);
            assertThat(b.position()).isEqualTo(a.position());
            a.sync();
            b.sync();
        }
        assertThat(fileBytes(framed, "seg")).isEqualTo(fileBytes(plain, "seg"));
    }

    /** A bad record among good ones is refused before any of them is written. */
    @Test
    void aBadRecordAmongManyIsRefusedBeforeAnyIsWritten() {
        MemVfs vfs = new MemVfs(3);
        try (SegmentWriter w = SegmentWriter.create(vfs, "seg")) {
            long before = w.position();
            byte[][] records = {framed(new byte[] {1}), new byte[3]};
            assertThatThrownBy(() -> w.appendFramed(records, new int[] {9, 3}, 2, null, new long[2]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(w.position()).isEqualTo(before);
            w.append(new byte[] {7});
            w.sync();
        }
        assertThat(SegmentScan.read(vfs, "seg", false).records()).hasSize(1);
    }

    @Test
    void aRecordTooShortForItsFrameIsRefusedAndNothingIsWritten() {
        MemVfs vfs = new MemVfs(2);
        try (SegmentWriter w = SegmentWriter.create(vfs, "seg")) {
            long before = w.position();
            assertThatThrownBy(() -> w.appendFramed(new byte[3], 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("frame");
            assertThat(w.position()).isEqualTo(before);
            w.append(new byte[] {7});
            w.sync();
        }
        assertThat(SegmentScan.read(vfs, "seg", false).records()).hasSize(1);
    }

    /**
     * One write of five records after a synced one, then power loss keeping every possible number of that write's
     * bytes (torn, or the rest replaced with garbage): the reopened segment holds the synced record and a prefix of
     * the five, each whole, and takes new records that survive the next crash.
     */
    @Test
    void aTornWriteOfManyRecordsKeepsAPrefixOfWholeRecords() {
        Random rnd = new Random(5);
        byte[] syncedPayload = {1, 2, 3};
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] p = new byte[1 + rnd.nextInt(60)];
            rnd.nextBytes(p);
            payloads.add(p);
        }
        int total = payloads.stream().mapToInt(p -> SegmentFormat.FRAME_BYTES + p.length).sum();
        int states = 0;
        for (int keep = 0; keep <= total; keep++) {
            for (PowerLoss mode : List.of(PowerLoss.tearLastWrite(keep), PowerLoss.garbageLastWrite(keep))) {
                MemVfs vfs = new MemVfs(keep);
                SegmentWriter w = SegmentWriter.create(vfs, "seg");
                w.append(syncedPayload);
                w.sync();
                byte[][] records = new byte[5][];
                for (int i = 0; i < 5; i++) {
                    records[i] = framed(payloads.get(i));
                }
                int[] lengths = new int[5];
                for (int i = 0; i < 5; i++) {
                    lengths[i] = records[i].length - 7;
                }
                w.appendFramed(records, lengths, 5, null, new long[5]);
                vfs.powerLoss(mode);
                w.close();
                // Records wholly inside the kept bytes survive; the one cut and all after it are gone.
                int whole = 0;
                for (int i = 0, end = 0; i < 5; i++) {
                    end += SegmentFormat.FRAME_BYTES + payloads.get(i).length;
                    if (end <= keep) {
                        whole++;
                    }
                }
                String where = mode + ", " + keep + " of " + total + " bytes kept";
                SegmentWriter.Reopened r = SegmentWriter.reopen(vfs, "seg");
                List<SegmentScan.Record> got = r.scan().records();
                assertThat(got).as(where).hasSize(1 + whole);
                assertThat(got.get(0).payload()).isEqualTo(syncedPayload);
                for (int i = 0; i < whole; i++) {
                    assertThat(got.get(1 + i).payload()).as(where + ", record " + i).isEqualTo(payloads.get(i));
                }
                try (SegmentWriter w2 = r.writer()) {
                    w2.appendFramed(framed(new byte[] {42}), SegmentFormat.FRAME_BYTES + 1);
                    w2.sync();
                }
                vfs.powerLoss(PowerLoss.dropUnsynced());
                List<SegmentScan.Record> after = SegmentScan.read(vfs, "seg", true).records();
                assertThat(after).as(where + ", after the next crash").hasSize(2 + whole);
                assertThat(after.get(1 + whole).payload()).isEqualTo(new byte[] {42});
                states++;
            }
        }
        assertThat(states).isGreaterThan(200);
    }

    @Test
    void aFailedWriteOfManyRecordsFailsTheWriterForGood() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(4), 4);
        try (SegmentWriter w = SegmentWriter.create(vfs, "seg")) {
            w.append(new byte[] {1});
            w.sync();
            long before = w.position();
            vfs.inject(Fault.on(IoOp.WRITE).once());
            byte[][] records = {framed(new byte[] {2}), framed(new byte[] {3})};
            assertThatThrownBy(() -> w.appendFramed(records, new int[] {9, 9}, 2, null, new long[2]))
                    .isInstanceOf(StorageIOException.class);
            vfs.clearFaults();
            assertThat(w.position()).isEqualTo(before);
            assertThatThrownBy(() -> w.appendFramed(framed(new byte[] {4}), 9)).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("failed earlier");
        }
        assertThat(SegmentScan.read(vfs, "seg", true).records()).hasSize(1);
    }
}
