package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.plinth.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many files the logs of our own hold open with 1,000 groups, counted in {@code /proc/self/fd} (Linux only): the
 * per-group log one writer per group that has written plus one reader per closed segment read from, all closed by
 * {@code close}; the shared log a handful, however many groups. Figures in docs/raftlog.md.
 */
class RaftLogOpenFilesTest {
    static final int GROUPS = 1_000;

    @TempDir
    Path dir;

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static List<LogEntry> batch(long from) {
        List<LogEntry> l = new ArrayList<>();
        for (long i = from; i < from + 4; i++) {
            l.add(new LogEntry(i, 1, new byte[100]));
        }
        return l;
    }

    /** Appends to every group until it has a closed segment, reads an entry of it, and counts the files open. */
    private static long[] fill(RaftStorage s, long baseline) throws IOException {
        for (long g = 1; g <= GROUPS; g++) {
            s.append(g, batch(1), Durability.NONE);
            s.append(g, batch(5), Durability.NONE);
            s.append(g, batch(9), Durability.NONE);
        }
        long afterAppends = openFiles() - baseline;
        for (long g = 1; g <= GROUPS; g++) {
            assertThat(s.entry(g, 1).index()).isEqualTo(1);
        }
        return new long[] {afterAppends, openFiles() - baseline};
    }

    @Test
    void thePerGroupLogHoldsAWriterPerGroupAndAReaderPerClosedSegmentRead() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts /proc/self/fd, found on Linux only");
        long baseline = openFiles();
        long[] open;
        // 700-byte segments: each group's second batch of four 100-byte entries closes its first segment, the third
        // begins the next.
        try (RaftStorage s = RaftLogs.openSegmented(dir.resolve("g"), LogFileOptions.DEFAULTS.withSegmentBytes(700))) {
            open = fill(s, baseline);
        }
        System.out.println("per-group log, " + GROUPS + " groups: " + open[0] + " descriptors open after appends, "
                + open[1] + " after reads");
        // A NioVfs file holds one descriptor; the bound leaves room for a Vfs that keeps two per writable file.
        assertThat(open[0]).as("after appends: LOCK and one writer per group").isBetween((long) GROUPS,
                2L * GROUPS + 8);
        assertThat(open[1] - open[0]).as("after reading each group's closed segment: one reader more per group")
                .isBetween((long) GROUPS, GROUPS + 8L);
        assertThat(openFiles() - baseline).as("close closes them all").isLessThanOrEqualTo(4);
    }

    @Test
    void theSharedLogHoldsAFewFilesWhateverTheGroups() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts /proc/self/fd, found on Linux only");
        long baseline = openFiles();
        long[] open;
        try (RaftStorage s = RaftLogs.openShared(dir.resolve("s"), LogFileOptions.DEFAULTS.withSegmentBytes(64 << 10))) {
            open = fill(s, baseline);
        }
        System.out.println("shared log, " + GROUPS + " groups: " + open[0] + " descriptors open after appends, "
                + open[1] + " after reads");
        // One writer, LOCK, and a reader per closed segment read (about 1.5 MB of records in 64 KiB segments).
        assertThat(open[0]).isLessThanOrEqualTo(8);
        assertThat(open[1]).isLessThanOrEqualTo(40);
        assertThat(openFiles() - baseline).isLessThanOrEqualTo(4);
    }
}
