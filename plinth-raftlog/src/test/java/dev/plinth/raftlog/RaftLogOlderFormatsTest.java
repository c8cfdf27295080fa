package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.io.VfsFile;
import dev.plinth.raftlog.internal.segment.SegmentFormat;
import dev.plinth.raftlog.internal.segment.SegmentScan;
import dev.plinth.testkit.io.MemVfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Logs written by the code of older segment format versions open, read as they were written, and go on; and a
 * segment lost from one is found by the group-level check (entries missing), as in a current log.
 *
 * <p>Fixtures, written by the code of each version with {@code compression=lz4&segmentBytes=1024} and the workload of
 * the version 1 fixture ({@link RaftLogFormatV1Test}: for groups 1 and 2, twelve {@code SYNC} batches of five
 * entries, a purge up to 10, a hard state {@code (3, 2, 40)}, the key {@code applied} = {@code "40"}, two more entries
 * of term 4), so most payloads of index 3 mod 7 and up are stored LZ4-compressed:
 * <ul>
 *   <li>{@code raftlog-format-v2}: both logs, by commit {@code d4511e5^} (format version 2: LZ4 entries; the
 *       per-group log's boundary in a {@code boundary} file; no segment records in the shared log);</li>
 *   <li>{@code raftlog-format-v3}: the per-group log, by commit {@code ffa3a0b} (format version 3: the boundary in
 *       the segments, no end record, the {@code hardstate} and {@code meta} files not named by the segments).</li>
 * </ul>
 */
class RaftLogOlderFormatsTest {

    private static int headerVersion(Path segment) {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(segment), 8, 4).getInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> segments(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("log_")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"raftlog-format-v2, shared, 2, 4, none", "raftlog-format-v2, shared, 2, 4, lz4",
            "raftlog-format-v2, segmented, 2, 5, none", "raftlog-format-v2, segmented, 2, 5, lz4",
            "raftlog-format-v3, segmented, 3, 5, none", "raftlog-format-v3, segmented, 3, 5, lz4"})
    void anOlderLogOpensReadsAndGoesOn(String root, String kind, int version, int newVersion, String compression,
            @TempDir Path dir) {
        Path log = RaftLogFormatV1Test.copyFixture(root, kind, dir.resolve("log"));
        assertThat(segments(log)).isNotEmpty().allMatch(f -> headerVersion(f) == version);
        String uri = kind + ":" + log + "?compression=" + compression + "&segmentBytes=1024";
        List<LogEntry> want;
        try (RaftStorage s = RaftLogs.open(uri)) {
            want = RaftLogFormatV1Test.readsAsWrittenAndGoesOn(s);
            s.saveHardState(1, new HardState(5, 1, 80), Durability.SYNC);
        }
        assertThat(segments(log)).as("new segments are of the current version")
                .anyMatch(f -> headerVersion(f) == newVersion);
        try (RaftStorage s = RaftLogs.open(uri)) {
            assertThat(s.entries(1, 31, 91)).isEqualTo(want.subList(20, want.size()));
            assertThat(s.entries(2, 11, 63)).isEqualTo(RaftLogFormatV1Test.expected());
            assertThat(s.termAt(1, 30)).isEqualTo(2);
            assertThat(s.loadHardState(1)).isEqualTo(new HardState(5, 1, 80));
            assertThat(s.loadHardState(2)).isEqualTo(new HardState(3, 2, 40));
        }
        if (kind.equals("segmented")) {
            // Opened once by this version, each group's segments name its hard state file: its loss is found.
            try {
                Files.delete(log.resolve("g-0000000000000002").resolve("hardstate"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertThatThrownBy(() -> {
                try (RaftStorage s = RaftLogs.open(uri)) {
                    s.lastIndex(2);
                }
            }).isInstanceOf(CorruptionException.class).hasMessageContaining("lost its hardstate file");
        }
    }

    /**
     * The group-level check on logs of versions 1 to 3 (versions 1 and 2: the boundary in a {@code boundary} file, no
     * base records): a closed segment deleted from the middle (the segments before the gap then read as dead, so the
     * replay begins after it) or the oldest live one leaves entries no segment replayed holds, and the open fails
     * naming them; nothing is deleted or written, and the other group opens.
     */
    @ParameterizedTest
    @CsvSource({"raftlog-format-v1, log_0000000000000002_21-40, missing entries 11 to 40",
            "raftlog-format-v1, log_0000000000000001_1-20, missing entries 11 to 20",
            "raftlog-format-v2, log_0000000000000002_26-50, missing entries 11 to 50",
            "raftlog-format-v2, log_0000000000000001_1-25, missing entries 11 to 25",
            "raftlog-format-v3, log_0000000000000002_26-50, missing entries 11 to 50",
            "raftlog-format-v3, log_0000000000000001_1-25, missing entries 11 to 25"})
    void aLostSegmentOfAnOlderLogIsFound(String root, String lost, String message, @TempDir Path dir)
            throws IOException {
        Path log = RaftLogFormatV1Test.copyFixture(root, "segmented", dir.resolve("log"));
        Path group = log.resolve("g-0000000000000001");
        Files.delete(group.resolve(lost));
        List<Path> before = segments(log);
        List<byte[]> bytes = new ArrayList<>();
        for (Path f : before) {
            bytes.add(Files.readAllBytes(f));
        }
        assertThatThrownBy(() -> {
            try (RaftStorage s = RaftLogs.open("segmented:" + log + "?segmentBytes=1024")) {
                s.lastIndex(1);
            }
        }).isInstanceOf(CorruptionException.class).hasMessageContaining("Group 1").hasMessageContaining(message);
        assertThat(segments(log)).isEqualTo(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(Files.readAllBytes(before.get(i))).as(before.get(i).toString()).isEqualTo(bytes.get(i));
        }
        try (RaftStorage s = RaftLogs.open("segmented:" + log + "?segmentBytes=1024")) {
            assertThat(s.entries(2, 11, 63)).as("the other group").isEqualTo(RaftLogFormatV1Test.expected());
        }
    }

    /** How many entries of a fixture's segments are stored LZ4-compressed (bit 31 of their length field). */
    private static int compressedEntries(Path root, String kind) {
        dev.plinth.io.NioVfs vfs = dev.plinth.io.NioVfs.at(root);
        int n = 0;
        for (Path f : segments(root)) {
            String name = root.relativize(f).toString();
            boolean open = f.getFileName().toString().startsWith("log_inprogress_");
            for (SegmentScan.Record r : SegmentScan.read(vfs, name, open).records()) {
                ByteBuffer b = ByteBuffer.wrap(r.payload());
                byte type = b.get();
                if (kind.equals("shared") ? type != 0x11 : type != 1) {
                    continue;
                }
                b.position(kind.equals("shared") ? 1 + 8 + 8 : 1 + 8);
                int count = b.getInt();
                for (int k = 0; k < count; k++) {
                    b.getLong();
                    int field = b.getInt();
                    b.getInt();
                    n += field < 0 ? 1 : 0;
                    b.position(b.position() + (field & 0x7FFFFFFF));
                }
            }
        }
        return n;
    }

    @Test
    void theFixturesHoldCompressedEntries() {
        assertThat(compressedEntries(Path.of("src/test/resources/raftlog-format-v2/shared"), "shared")).isPositive();
        assertThat(compressedEntries(Path.of("src/test/resources/raftlog-format-v2/segmented"), "segmented"))
                .isPositive();
        assertThat(compressedEntries(Path.of("src/test/resources/raftlog-format-v3/segmented"), "segmented"))
                .isPositive();
        assertThat(compressedEntries(Path.of("src/test/resources/raftlog-format-v1/segmented"), "segmented"))
                .as("version 1 has no flag").isZero();
    }

    /**
     * Each log reads only the format versions it wrote: a closed segment whose header names the other log's version (3
     * or 5 in the shared log, 4 in a group's) is a {@link CorruptionException}, never read with the wrong record rules.
     */
    @ParameterizedTest
    @CsvSource({"shared, 5", "shared, 3", "segmented, 4"})
    void aSegmentOfTheOtherLogsVersionIsRefused(String kind, int version) {
        MemVfs vfs = new MemVfs(version);
        boolean shared = kind.equals("shared");
        String dir = shared ? "" : "g-0000000000000001";
        try (RaftStorage s = shared ? RaftLogs.openShared(vfs, 200) : RaftLogs.openSegmented(vfs, 200)) {
            for (long i = 1; i <= 20; i++) {
                s.append(1, List.of(new LogEntry(i, 1, new byte[30])), Durability.SYNC);
            }
        }
        String closed = vfs.list(dir).stream().filter(n -> n.startsWith("log_") && !n.contains("inprogress"))
                .sorted().findFirst().orElseThrow();
        ByteBuffer header = ByteBuffer.allocate(16).putLong(SegmentFormat.MAGIC).putInt(version);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, 12);
        header.putInt((int) crc.getValue()).flip();
        try (VfsFile f = vfs.openWrite(dir.isEmpty() ? closed : dir + "/" + closed)) {
            f.write(0, header);
            f.force();
        }
        assertThatThrownBy(() -> {
            try (RaftStorage s = shared ? RaftLogs.openShared(vfs, 200) : RaftLogs.openSegmented(vfs, 200)) {
                s.lastIndex(1);
            }
        }).isInstanceOf(CorruptionException.class).hasMessageContaining(closed)
                .hasMessageContaining("format version this log reads")
                .hasMessageContaining("version " + version);
    }
}
