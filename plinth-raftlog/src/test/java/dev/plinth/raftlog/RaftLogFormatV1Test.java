package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logs written in segment format version 1 (before LZ4 payloads) still open, read as they were written, and go on:
 * the in-progress version-1 segment is closed at open and new records go to a version-2 segment (shared log) or a
 * version-3 segment (per-group log, whose purge boundary then moves into its segments), with or without
 * compression.
 *
 * <p>The fixtures under {@code src/test/resources/raftlog-format-v1} were written by the code of commit
 * {@code 0fd6797} (format version 1) with 1,024-byte segments: for groups 1 and 2, twelve {@code SYNC} batches of
 * five entries ({@link #expected}), a purge up to 10, a hard state {@code (3, 2, 40)}, the key {@code applied} =
 * {@code "40"}, then two more entries of term 4.
 */
class RaftLogFormatV1Test {

    static byte[] payload(long i) {
        return ("entry " + i + " " + "abcdefghij".repeat((int) (i % 7))).getBytes(StandardCharsets.UTF_8);
    }

    /** The entries 11 to 62 of each group, as the fixture's writer made them. */
    static List<LogEntry> expected() {
        List<LogEntry> out = new ArrayList<>();
        for (long i = 11; i <= 60; i++) {
            out.add(new LogEntry(i, 1 + i / 20, payload(i)));
        }
        out.add(new LogEntry(61, 4, payload(61)));
        out.add(new LogEntry(62, 4, payload(62)));
        return out;
    }

    private static Path copyFixture(String kind, Path to) {
        return copyFixture("raftlog-format-v1", kind, to);
    }

    /** Copies {@code src/test/resources/<root>/<kind>} to {@code to}. */
    static Path copyFixture(String root, String kind, Path to) {
        Path from = Path.of("src/test/resources", root, kind);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    /**
     * Checks that both groups of a fixture read as its writer made them (entries, boundary, hard state, key-value
     * area), then appends entries 63 to 90 to group 1 and purges it up to 30.
     *
     * @return group 1's entries from 11 on, as they now are (before the purge)
     */
    static List<LogEntry> readsAsWrittenAndGoesOn(RaftStorage s) {
        List<LogEntry> want = new ArrayList<>(expected());
        byte[] big = "0123456789".repeat(30).getBytes(StandardCharsets.UTF_8);
        for (long g = 1; g <= 2; g++) {
            assertThat(s.firstIndex(g)).isEqualTo(11);
            assertThat(s.lastIndex(g)).isEqualTo(62);
            assertThat(s.termAt(g, 10)).as("the persisted purge boundary's term").isEqualTo(1);
            assertThat(s.entries(g, 11, 63)).isEqualTo(want);
            assertThat(s.loadHardState(g)).isEqualTo(new HardState(3, 2, 40));
            assertThat(s.get(g, "applied")).isEqualTo("40".getBytes(StandardCharsets.UTF_8));
        }
        for (long i = 63; i <= 90; i++) {
            LogEntry e = new LogEntry(i, 5, big);
            s.append(1, List.of(e), Durability.SYNC);
            want.add(e);
        }
        s.purge(1, 30, Durability.SYNC);
        return want;
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared:none", "shared:lz4", "segmented:none", "segmented:lz4"})
    void aVersionOneLogOpensReadsAndGoesOn(String how, @TempDir Path dir) {
        String kind = how.substring(0, how.indexOf(':'));
        String uri = kind + ":" + copyFixture(kind, dir.resolve("log")) + "?compression=" + how.substring(kind.length() + 1)
                + "&segmentBytes=1024";
        List<LogEntry> want;
        try (RaftStorage s = RaftLogs.open(uri)) {
            want = readsAsWrittenAndGoesOn(s);
        }
        try (RaftStorage s = RaftLogs.open(uri)) {
            assertThat(s.entries(1, 31, 91)).isEqualTo(want.subList(20, want.size()));
            assertThat(s.entries(2, 11, 63)).isEqualTo(expected());
            assertThat(s.termAt(1, 30)).isEqualTo(2);
        }
    }

    /**
     * The per-group log's {@code boundary} file of the old format is read as the state before the first segment and
     * kept while a segment of the old format is left; once a purge has freed them all it is deleted, and the
     * boundary comes from the segments alone.
     */
    @org.junit.jupiter.api.Test
    void anOldBoundaryFileGoesOnceNoOldSegmentIsLeft(@TempDir Path dir) {
        Path log = copyFixture("segmented", dir.resolve("log"));
        Path file = log.resolve("g-0000000000000002").resolve("boundary");
        String uri = "segmented:" + log + "?segmentBytes=1024";
        byte[] big = "0123456789".repeat(30).getBytes(StandardCharsets.UTF_8);
        try (RaftStorage s = RaftLogs.open(uri)) {
            assertThat(s.termAt(2, 10)).isEqualTo(1);
            s.purge(2, 20, Durability.SYNC);
            assertThat(file).as("old segments are left").exists();
            for (long i = 63; i <= 90; i++) {
                s.append(2, List.of(new LogEntry(i, 5, big)), Durability.SYNC);
            }
            assertThat(s.purge(2, 85, Durability.SYNC)).isEqualTo(85);
            // The dead segments and then the old file go on a background thread; a flush waits for them.
            s.flush();
            assertThat(file).as("no old segment is left").doesNotExist();
        }
        try (RaftStorage s = RaftLogs.open(uri)) {
            assertThat(s.firstIndex(2)).isEqualTo(86);
            assertThat(s.termAt(2, 85)).isEqualTo(5);
            assertThat(s.lastIndex(2)).isEqualTo(90);
            assertThat(s.entries(1, 11, 63)).isEqualTo(expected());
        }
    }
}
