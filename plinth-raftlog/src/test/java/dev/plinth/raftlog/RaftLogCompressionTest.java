package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.io.Vfs;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.MemVfs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * LZ4 payloads in both logs of our own: compressible entries take less disk, every entry round-trips, a log may
 * be reopened with compression switched off or on, the option is read from a URI, and a damaged compressed
 * payload is a {@link CorruptionException}, never data.
 */
class RaftLogCompressionTest {
    private static final LogFileOptions LZ4 = LogFileOptions.DEFAULTS.withCompression(LogFileOptions.Compression.LZ4);

    private static Function<Vfs, RaftStorage> opener(String kind, LogFileOptions o) {
        return kind.equals("shared") ? v -> RaftLogs.openShared(v, o) : v -> RaftLogs.openSegmented(v, o);
    }

    /** A mix: runs of one byte (compressible), random bytes (not), and short ones (never tried). */
    private static List<LogEntry> mixed(long from, int n, Random rnd) {
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] p;
            switch (i % 3) {
                case 0 -> {
                    p = new byte[128 + rnd.nextInt(2000)];
                    Arrays.fill(p, (byte) i);
                }
                case 1 -> {
                    p = new byte[128 + rnd.nextInt(200)];
                    rnd.nextBytes(p);
                }
                default -> p = new byte[rnd.nextInt(20)];
            }
            out.add(new LogEntry(from + i, 1, p));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented"})
    void entriesRoundTripAndReopenWithCompressionOffOrOn(String kind) {
        MemVfs vfs = new MemVfs(3);
        Random rnd = new Random(11);
        List<LogEntry> all = new ArrayList<>();
        try (RaftStorage s = opener(kind, LZ4).apply(vfs)) {
            for (int b = 0; b < 5; b++) {
                List<LogEntry> batch = mixed(all.size() + 1, 30, rnd);
                s.append(7, batch, Durability.SYNC);
                all.addAll(batch);
            }
            assertThat(s.entries(7, 1, all.size() + 1)).isEqualTo(all);
        }
        try (RaftStorage s = opener(kind, LogFileOptions.DEFAULTS).apply(vfs)) {
            assertThat(s.entries(7, 1, all.size() + 1)).as("read with compression off").isEqualTo(all);
            List<LogEntry> batch = mixed(all.size() + 1, 10, rnd);
            s.append(7, batch, Durability.SYNC);
            all.addAll(batch);
        }
        try (RaftStorage s = opener(kind, LZ4).apply(vfs)) {
            assertThat(s.entries(7, 1, all.size() + 1)).as("read with compression on again").isEqualTo(all);
            assertThat(s.entry(7, 1)).isEqualTo(all.get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented"})
    void compressibleEntriesTakeLessDisk(String kind, @TempDir Path dir) {
        byte[] p = new byte[4096];
        Arrays.fill(p, (byte) 'a');
        long[] sizes = new long[2];
        for (int c = 0; c < 2; c++) {
            Path d = dir.resolve("c" + c);
            LogFileOptions o = c == 0 ? LogFileOptions.DEFAULTS : LZ4;
            try (RaftStorage s = RaftLogs.open(kind + ":" + d + "?compression=" + (c == 0 ? "none" : "lz4"))) {
                List<LogEntry> batch = new ArrayList<>();
                for (int i = 1; i <= 100; i++) {
                    batch.add(new LogEntry(i, 1, p));
                }
                s.append(1, batch, Durability.SYNC);
                assertThat(s.entry(1, 100).payload()).isEqualTo(p);
                assertThat(o.compression()).isNotNull();
            }
            sizes[c] = sizeOf(d);
        }
        assertThat(sizes[1]).as("bytes on disk with LZ4 against without").isLessThan(sizes[0] / 4);
    }

    /** Bytes of every file under a directory, preallocation cut (the logs are closed, so segments are whole). */
    private static long sizeOf(Path d) {
        try (var files = java.nio.file.Files.walk(d)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aDamagedCompressedPayloadIsCorruptionInTheSegmentedLog() {
        MemVfs vfs = new MemVfs(1);
        byte[] p = new byte[1000];
        Arrays.fill(p, (byte) 'q');
        try (RaftStorage s = RaftLogs.openSegmented(vfs, LZ4)) {
            s.append(1, List.of(new LogEntry(1, 1, p)), Durability.SYNC);
            // header 16, base record 34, frame 8, record header 13, entry header 16: the stored bytes start at 87.
            Corruption.flipBits(vfs, "g-0000000000000001/log_inprogress_0000000000000001", 87 + 6, 0x08);
            assertThatThrownBy(() -> s.entry(1, 1)).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("index 1 of group 1").hasMessageContaining("CRC32C");
        }
    }

    @Test
    void aDamagedCompressedPayloadIsCorruptionInTheSharedLog() {
        MemVfs vfs = new MemVfs(1);
        byte[] p = new byte[1000];
        Arrays.fill(p, (byte) 'q');
        try (RaftStorage s = RaftLogs.openShared(vfs, LZ4)) {
            s.append(1, List.of(new LogEntry(1, 1, p)), Durability.SYNC);
            // header 16, segment start record 33, frame 8, record header 9 + 12, entry header 16: the stored bytes
            // start at 94.
            Corruption.flipBits(vfs, "log_inprogress_0000000000000001", 94 + 6, 0x08);
            assertThatThrownBy(() -> s.entry(1, 1)).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("index 1 of group 1").hasMessageContaining("CRC32C");
        }
    }

    @Test
    void badOptionsInAUriAreAllReportedBeforeAnythingIsOpened(@TempDir Path dir) {
        Path d = dir.resolve("never");
        assertThatThrownBy(() -> RaftLogs.open("shared:" + d + "?compression=zstd&segmentBytes=1&x=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shared:" + d)
                .hasMessageContaining("compression must be lz4 or none")
                .hasMessageContaining("at least 17 bytes")
                .hasMessageContaining("unknown parameter 'x'");
        assertThat(d).doesNotExist();
        assertThat(LogFileOptions.parse("segmentBytes=2m&compression=LZ4", "u"))
                .isEqualTo(LZ4.withSegmentBytes(2 << 20));
    }
}
