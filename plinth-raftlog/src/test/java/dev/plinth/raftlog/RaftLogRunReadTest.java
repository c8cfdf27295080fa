package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.io.Vfs;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.MemVfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streaming reads of the logs of our own, which read a run of consecutive entries with one file read: long ranges
 * across segment boundaries, records, replaced suffixes, purges and (in the shared log) other groups' entries in
 * between read exactly what {@code entry()} reads index by index, with the byte budget applied entry by entry; a
 * damaged entry inside a run is found; and a truncate or purge after a run was read is never hidden by it.
 */
class RaftLogRunReadTest {

    private static Function<Vfs, RaftStorage> opener(String kind, LogFileOptions o) {
        return kind.equals("shared") ? v -> RaftLogs.openShared(v, o) : v -> RaftLogs.openSegmented(v, o);
    }

    private static List<LogEntry> batch(long from, long term, int n, Random rnd, int maxBytes) {
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] p = new byte[rnd.nextInt(maxBytes + 1)];
            if (rnd.nextInt(3) == 0) {
                java.util.Arrays.fill(p, (byte) i);
            } else {
                rnd.nextBytes(p);
            }
            out.add(new LogEntry(from + i, term, p));
        }
        return out;
    }

    private static List<LogEntry> read(RaftStorage s, long group, long from, long to, long maxBytes) {
        List<LogEntry> out = new ArrayList<>();
        try (LogReader r = s.entries(group, from, to, maxBytes)) {
            while (r.next()) {
                out.add(r.entry());
            }
        }
        return out;
    }

    /** What a read must give: {@code entry()} index by index, the first always, later ones while within budget. */
    private static List<LogEntry> expected(RaftStorage s, long group, long from, long to, long maxBytes) {
        List<LogEntry> out = new ArrayList<>();
        long used = 0;
        for (long i = from; i < to; i++) {
            LogEntry e = s.entry(group, i);
            if (!out.isEmpty() && used + e.size() > maxBytes) {
                break;
            }
            used += e.size();
            out.add(e);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented", "shared-lz4", "segmented-lz4"})
    void longRangesAcrossSegmentsAndGroupsReadWhatEntryReads(String variant) {
        MemVfs vfs = new MemVfs(5);
        LogFileOptions o = LogFileOptions.DEFAULTS.withSegmentBytes(64 * 1024);
        if (variant.endsWith("-lz4")) {
            o = o.withCompression(LogFileOptions.Compression.LZ4);
        }
        Random rnd = new Random(variant.hashCode());
        int groups = 3;
        try (RaftStorage s = opener(variant.replace("-lz4", ""), o).apply(vfs)) {
            long[] terms = {0, 1, 1, 1};
            for (int round = 0; round < 300; round++) {
                long g = 1 + rnd.nextInt(groups);
                long last = s.lastIndex(g);
                int op = rnd.nextInt(20);
                if (op == 0 && last - s.firstIndex(g) > 50) {
                    s.purge(g, s.firstIndex(g) + rnd.nextInt(20), Durability.NONE);
                } else if (op == 1 && last - s.firstIndex(g) > 50) {
                    long from = last - rnd.nextInt(30);
                    terms[(int) g]++;
                    s.replaceFrom(g, from, batch(from, terms[(int) g], 1 + rnd.nextInt(40), rnd, 600),
                            Durability.NONE);
                } else {
                    // Big batches (a record may hold far more than one read of a run) and small ones.
                    int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(1500) : 1 + rnd.nextInt(60);
                    s.append(g, batch(last + 1, terms[(int) g], n, rnd, rnd.nextInt(4) == 0 ? 2000 : 300),
                            Durability.NONE);
                }
            }
            for (long g = 1; g <= groups; g++) {
                long first = s.firstIndex(g);
                long end = s.lastIndex(g) + 1;
                assertThat(end - first).as("entries of group %d", g).isGreaterThan(5000);
                assertThat(read(s, g, first, end, Long.MAX_VALUE))
                        .isEqualTo(expected(s, g, first, end, Long.MAX_VALUE));
                for (int k = 0; k < 15; k++) {
                    long from = first + rnd.nextInt((int) (end - first));
                    long to = from + rnd.nextInt((int) (end - from) + 1);
                    long budget = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : rnd.nextInt(400_000);
                    assertThat(read(s, g, from, to, budget)).as("group %d, %d..%d, budget %d", g, from, to, budget)
                            .isEqualTo(expected(s, g, from, to, budget));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented"})
    void aFlippedByteInsideARunIsFoundAndNamesFileAndOffset(String kind) {
        MemVfs vfs = new MemVfs(7);
        int size = 100;
        // header 16, the record that begins a segment (segmented: the base record, 34; shared: the segment start,
        // 33), frame 8, record header (segmented: 13; shared: 9 + 12): where the first entry's header is.
        long firstEntry = kind.equals("shared") ? 16 + 33 + 8 + 21 : 16 + 34 + 8 + 13;
        String file = kind.equals("shared") ? "log_inprogress_0000000000000001"
                : "g-0000000000000001/log_inprogress_0000000000000001";
        try (RaftStorage s = opener(kind, LogFileOptions.DEFAULTS).apply(vfs)) {
            List<LogEntry> written = batch(1, 1, 50, new Random(3), 0);
            written.replaceAll(e -> new LogEntry(e.index(), 1, new byte[size]));
            s.append(1, written, Durability.SYNC);
            long victim = firstEntry + 19L * (16 + size);
            try (LogReader r = s.entries(1, 1, 51, Long.MAX_VALUE)) {
                assertThat(r.next()).isTrue();
                // The run of 50 entries is read; the payload of index 20 is damaged under the reader.
                Corruption.flipBits(vfs, file, victim + 16 + 40, 0x10);
                for (int i = 2; i < 20; i++) {
                    assertThat(r.next()).isTrue();
                }
            }
            try (LogReader r = s.entries(1, 1, 51, Long.MAX_VALUE)) {
                for (int i = 1; i < 20; i++) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.entry()).isEqualTo(written.get(i - 1));
                }
                assertThatThrownBy(r::next).isInstanceOf(CorruptionException.class)
                        .hasMessageContaining("index 20 of group 1")
                        .hasMessageContaining("at offset " + victim + " of " + vfs.location(file))
                        .hasMessageContaining("CRC32C");
            }
            assertThatThrownBy(() -> s.entry(1, 20)).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("at offset " + victim + " of " + vfs.location(file));
            assertThat(read(s, 1, 21, 51, Long.MAX_VALUE)).isEqualTo(written.subList(20, 50));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented"})
    void aTruncateOrPurgeAfterARunWasReadIsNotHiddenByIt(String kind) {
        MemVfs vfs = new MemVfs(9);
        Random rnd = new Random(4);
        try (RaftStorage s = opener(kind, LogFileOptions.DEFAULTS).apply(vfs)) {
            s.append(1, batch(1, 1, 100, rnd, 50), Durability.NONE);
            try (LogReader r = s.entries(1, 1, 101, Long.MAX_VALUE)) {
                assertThat(r.next()).isTrue();
                s.truncate(1, 5, Durability.NONE);
                for (int i = 2; i < 5; i++) {
                    assertThat(r.next()).isTrue();
                    assertThat(r.entry().index()).isEqualTo(i);
                }
                assertThatThrownBy(r::next).isInstanceOf(LogIndexOutOfRangeException.class)
                        .hasMessageContaining("no longer holds index 5");
            }
            List<LogEntry> replacement = batch(5, 2, 40, rnd, 50);
            s.append(1, replacement, Durability.NONE);
            try (LogReader r = s.entries(1, 3, 45, Long.MAX_VALUE)) {
                assertThat(r.next()).isTrue();
                assertThat(r.next()).isTrue();
                assertThat(r.entry().index()).isEqualTo(4);
                List<LogEntry> newer = batch(6, 3, 39, rnd, 50);
                s.replaceFrom(1, 6, newer, Durability.NONE);
                assertThat(r.next()).isTrue();
                assertThat(r.entry()).isEqualTo(replacement.get(0));
                assertThat(r.next()).isTrue();
                assertThat(r.entry()).as("the entry read after the replace").isEqualTo(newer.get(0));
            }
            try (LogReader r = s.entries(1, 1, 45, Long.MAX_VALUE)) {
                assertThat(r.next()).isTrue();
                s.purge(1, 10, Durability.NONE);
                assertThatThrownBy(r::next).isInstanceOf(LogIndexOutOfRangeException.class)
                        .hasMessageContaining("no longer holds index 2");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented", "shared-lz4", "segmented-lz4"})
    void entriesHandedOutStayUnchangedWhileTheReaderReadsOnIntoItsBuffer(String variant) {
        MemVfs vfs = new MemVfs(11);
        LogFileOptions o = LogFileOptions.DEFAULTS;
        if (variant.endsWith("-lz4")) {
            o = o.withCompression(LogFileOptions.Compression.LZ4);
        }
        Random rnd = new Random(variant.hashCode());
        try (RaftStorage s = opener(variant.replace("-lz4", ""), o).apply(vfs)) {
            // Every payload its own bytes (a third compressible), so a payload sharing the reader's buffer would be
            // overwritten by the next run's bytes: about 900 KiB, several runs of at most 256 KiB.
            List<LogEntry> written = batch(1, 1, 4000, rnd, 450);
            s.append(1, written, Durability.NONE);
            // A later run may be shorter or longer than the one before: a reader after a small budgeted read.
            for (long budget : new long[] {Long.MAX_VALUE, 10_000}) {
                List<LogEntry> handedOut = new ArrayList<>();
                List<byte[]> payloads = new ArrayList<>();
                try (LogReader r = s.entries(1, 1, 4001, budget)) {
                    while (r.next()) {
                        handedOut.add(r.entry());
                        payloads.add(r.entry().payload());
                    }
                    assertThat(handedOut).hasSizeGreaterThan(10);
                    // Reading on after the reader's runs: its entries and their payloads are still as appended.
                    assertThat(read(s, 1, 1, 4001, Long.MAX_VALUE)).isEqualTo(written);
                }
                assertThat(handedOut).isEqualTo(written.subList(0, handedOut.size()));
                for (int i = 0; i < payloads.size(); i++) {
                    assertThat(payloads.get(i)).as("payload of index %d", i + 1).isEqualTo(written.get(i).payload());
                }
            }
            // A payload array taken from an entry is a copy: writing it changes neither the entry nor the log.
            LogEntry e = s.entry(1, 7);
            byte[] taken = e.payload();
            java.util.Arrays.fill(taken, (byte) 0x5a);
            assertThat(e).isEqualTo(written.get(6));
            assertThat(s.entry(1, 7)).isEqualTo(written.get(6));
        }
    }
}
