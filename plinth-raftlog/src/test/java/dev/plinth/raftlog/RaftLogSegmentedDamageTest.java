package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.MemVfs;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damage to the open segment, made by flipping bytes in real files: a torn tail (nothing valid after the damage)
 * is cut, damage in the middle (a valid record after it) is a {@link CorruptionException} naming the file and
 * the offset, and the file is left exactly as it was. Never are synced entries after the damage dropped silently.
 */
class RaftLogSegmentedDamageTest {
    static final Durability S = Durability.SYNC;
    static final String SEG = "g-0000000000000001/log_inprogress_0000000000000001";
    static final int PAYLOAD = 100;
    /**
     * Segment header 16, then the base record every segment begins with (frame 8, payload 26); each one-entry
     * record: frame 8, record header 13, entry header 16, payload.
     */
    static final int HEADER = 16 + 8 + 26;
    static final int RECORD = 8 + 13 + 16 + PAYLOAD;

    static long recordAt(int n) {
        return HEADER + (long) (n - 1) * RECORD;
    }

    static byte[] payload(long index) {
        byte[] b = new byte[PAYLOAD];
        new Random(index).nextBytes(b);
        return b;
    }

    static void writeLog(Path dir, int entries) {
        try (RaftStorage s = RaftLogs.openSegmented(dir)) {
            for (long i = 1; i <= entries; i++) {
                s.append(1, List.of(new LogEntry(i, 1, payload(i))), S);
            }
        }
    }

    /** Opens group 1 (groups load on first use) and closes the storage. */
    static void touch(RaftStorage storage) {
        try (RaftStorage s = storage) {
            s.lastIndex(1);
        }
    }

    static void flip(Path file, long offset, int mask) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ mask);
        }
    }

    static void assertHolds(RaftStorage s, int entries) {
        assertThat(s.lastIndex(1)).isEqualTo(entries);
        for (long i = 1; i <= entries; i++) {
            assertThat(s.entry(1, i).payload()).isEqualTo(payload(i));
        }
    }

    /** Offsets inside record 3 of 5: its length, its CRC, its record header, its entry header, its payload. */
    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 8, 12, 21, 30, 37, 80, RECORD - 1})
    void damageInTheMiddleOfTheOpenSegmentIsReportedAndChangesNothing(int within, @TempDir Path dir)
            throws IOException {
        writeLog(dir, 5);
        Path seg = dir.resolve(SEG);
        flip(seg, recordAt(3) + within, 0x10);
        byte[] before = Files.readAllBytes(seg);
        assertThatThrownBy(() -> touch(RaftLogs.openSegmented(dir)))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining(seg.toString())
                .hasMessageContaining("at offset " + recordAt(3) + ",")
                .hasMessageContaining("valid record follows it at offset " + recordAt(4))
                .hasMessageContaining("nothing was changed");
        assertThat(Files.readAllBytes(seg)).isEqualTo(before);
    }

    @Test
    void aZeroedSpanInTheMiddleIsDamageNotAnEnd(@TempDir Path dir) throws IOException {
        writeLog(dir, 5);
        Path seg = dir.resolve(SEG);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(recordAt(2));
            f.write(new byte[RECORD]);
        }
        assertThatThrownBy(() -> touch(RaftLogs.openSegmented(dir)))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining("at offset " + recordAt(2) + ",");
    }

    @Test
    void aTornLastRecordIsCutAndAppendingResumes(@TempDir Path dir) throws IOException {
        writeLog(dir, 5);
        Path seg = dir.resolve(SEG);
        // What a torn write leaves: a prefix of the last record, the rest zeros (preallocated) or garbage.
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            byte[] garbage = new byte[RECORD / 2 + 4096];
            new Random(7).nextBytes(garbage);
            f.seek(recordAt(5) + RECORD / 2);
            f.write(garbage);
        }
        try (RaftStorage s = RaftLogs.openSegmented(dir)) {
            assertHolds(s, 4);
            s.append(1, List.of(new LogEntry(5, 1, payload(5))), S);
        }
        assertThat(Files.size(seg)).isGreaterThanOrEqualTo(recordAt(6));
        try (RaftStorage s = RaftLogs.openSegmented(dir)) {
            assertHolds(s, 5);
        }
    }

    @Test
    void aTornFirstRecordLeavesAnEmptyLog(@TempDir Path dir) throws IOException {
        writeLog(dir, 1);
        flip(dir.resolve(SEG), recordAt(1) + 40, 0xFF);
        try (RaftStorage s = RaftLogs.openSegmented(dir)) {
            assertThat(s.lastIndex(1)).isZero();
            s.append(1, List.of(new LogEntry(1, 2, payload(1))), S);
        }
        try (RaftStorage s = RaftLogs.openSegmented(dir)) {
            assertThat(s.termAt(1, 1)).isEqualTo(2);
        }
    }

    @Test
    void aHeaderThatNeverLandedIsAnEmptySegmentButADamagedOneBeforeRecordsIsCorruption(@TempDir Path dir)
            throws IOException {
        writeLog(dir, 3);
        Path seg = dir.resolve(SEG);
        flip(seg, 2, 0x01);
        assertThatThrownBy(() -> touch(RaftLogs.openSegmented(dir)))
                .isInstanceOf(CorruptionException.class)
                .hasMessageContaining(seg.toString());

        Path empty = dir.resolve("empty");
        writeLog(empty, 0);
        Path g = empty.resolve("g-0000000000000001");
        Files.createDirectories(g);
        // A create that crashed after preallocating and before its header landed: zeros only.
        Files.write(empty.resolve(SEG), new byte[65536]);
        try (RaftStorage s = RaftLogs.openSegmented(empty)) {
            assertThat(s.lastIndex(1)).isZero();
            s.append(1, List.of(new LogEntry(1, 1, payload(1))), S);
        }
        try (RaftStorage s = RaftLogs.openSegmented(empty)) {
            assertHolds(s, 1);
        }
    }

    /**
     * Seeded: a random byte of a random record of an open segment of random records, flipped by a random mask.
     * Damage before the last record is always refused and changes nothing; damage to the last record cuts only
     * it. Either way no entry before the damaged record is lost and no damaged entry is returned.
     */
    @Test
    void aFlippedByteAnywhereNeverLosesAnEntryBeforeIt() {
        int seeds = Integer.getInteger("plinth.raftlog.seeds", 20) * 10;
        for (int seed = 1; seed <= seeds; seed++) {
            Random r = new Random(seed);
            MemVfs vfs = new MemVfs(seed);
            int records = 2 + r.nextInt(12);
            List<Long> starts = new ArrayList<>();
            long index = 1;
            try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
                for (int i = 0; i < records; i++) {
                    int n = 1 + r.nextInt(4);
                    List<LogEntry> batch = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        byte[] p = new byte[r.nextInt(300)];
                        r.nextBytes(p);
                        batch.add(new LogEntry(index++, 1, p));
                    }
                    starts.add(index - n);
                    s.append(1, batch, S);
                }
            }
            long last = index - 1;
            long size = vfs.size(SEG);
            long[] offsets = recordOffsets(vfs, records);
            int victim = r.nextInt(records);
            long end = victim + 1 < records ? offsets[victim + 1] : lastRecordEnd(offsets, vfs, records);
            long at = offsets[victim] + (long) r.nextInt((int) (end - offsets[victim]));
            Corruption.flipBits(vfs, SEG, at, 1 + r.nextInt(255));
            byte[] before = readAll(vfs);
            String what = "seed " + seed + ", record " + victim + " of " + records + ", offset " + at;
            if (victim < records - 1) {
                assertThatThrownBy(() -> touch(RaftLogs.openSegmented(vfs, 1 << 20))).as(what)
                        .isInstanceOf(CorruptionException.class)
                        .hasMessageContaining("at offset " + offsets[victim] + ",");
                assertThat(readAll(vfs)).as(what).isEqualTo(before);
                assertThat(vfs.size(SEG)).as(what).isEqualTo(size);
            } else {
                try (RaftStorage s = RaftLogs.openSegmented(vfs, 1 << 20)) {
                    assertThat(s.lastIndex(1)).as(what).isEqualTo(starts.get(victim) - 1);
                }
            }
            assertThat(last).isPositive();
        }
    }

    private static byte[] readAll(MemVfs vfs) {
        try (dev.plinth.io.VfsFile f = vfs.openRead(SEG)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) f.size());
            f.read(0, b);
            return b.array();
        }
    }

    /** The frame offsets of the first {@code n} records, read from their length fields. */
    private static long[] recordOffsets(MemVfs vfs, int n) {
        byte[] b = readAll(vfs);
        long[] out = new long[n];
        long p = HEADER;
        for (int i = 0; i < n; i++) {
            out[i] = p;
            int len = java.nio.ByteBuffer.wrap(b, (int) p, 4).getInt();
            p += 8 + len;
        }
        return out;
    }

    private static long lastRecordEnd(long[] offsets, MemVfs vfs, int n) {
        byte[] b = readAll(vfs);
        long p = offsets[n - 1];
        return p + 8 + java.nio.ByteBuffer.wrap(b, (int) p, 4).getInt();
    }
}
