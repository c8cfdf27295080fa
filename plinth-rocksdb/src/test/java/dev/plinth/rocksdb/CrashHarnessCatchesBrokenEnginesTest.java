package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.Store;
import dev.plinth.testkit.crash.CrashHarness;
import dev.plinth.testkit.crash.CrashReport;
import dev.plinth.testkit.crash.CrashViolation;
import dev.plinth.testkit.crash.CrashViolation.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole crash harness (child JVM, SIGKILL, reopen, check) catches real durability bugs in a real
 * persistent engine: RocksDB with one deliberate bug each ({@link BrokenRocksDbEngineProvider}). Each test
 * asserts that the run fails with the right violation, and then checks what the violation names against
 * the store and the child's expected-state file itself, read by their documented formats
 * (docs/reliability.md), so that the report is shown to name writes that really were acknowledged and
 * really are gone. {@code CrashCheckerTest} proves the checking rules one by one on synthetic states; this
 * proves the harness around them delivers real states to them.
 *
 * <p>Each run stops at its first violating cycle, which is almost always the first: a few seconds each.
 */
class CrashHarnessCatchesBrokenEnginesTest {
    private static final long SEED = 20261129L;
    /** Cycles allowed to find the bug; the first finds it unless the child acknowledged nothing before its kill. */
    private static final int CYCLES = 5;
    private static final List<String> KEYSPACES = List.of("crash-a", "crash-b");
    /** A workload key: {@code w/<seq>} for a single put, {@code w/<seq>/<part>} for a batch's part. */
    private static final Pattern KEY = Pattern.compile("w/(\\d{12})(?:/(\\d{2}))?");
    private static final Pattern MISSING = Pattern.compile("(\\d+) acknowledged write\\(s\\) absent \\{[^}]*\\}, "
            + "first write (\\d+) .*; last acknowledged write: (\\d+)");
    private static final Pattern PARTIAL = Pattern.compile("write (\\d+) \\((?:SYNC|PROCESS) batch of (\\d+)\\) is "
            + "partly present: (\\d+) of \\2 parts \\((it was acknowledged|it was in flight at the kill)\\)");

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesHeldInMemoryAreReportedMissing() throws IOException {
        Path store = dir.resolve("store");
        CrashReport r = harness(BrokenRocksDbEngineProvider.uri(store, BrokenRocksDbEngineProvider.LAG)).run();

        CrashViolation v = onlyViolation(r, Kind.MISSING_ACKNOWLEDGED);
        Matcher m = MISSING.matcher(v.description());
        assertThat(m.find()).as("%s", v).isTrue();
        long count = Long.parseLong(m.group(1));
        long first = Long.parseLong(m.group(2));
        long last = Long.parseLong(m.group(3));
        List<Long> acked = acknowledged(r);
        assertThat(acked).as("acknowledged in the failing cycle").isNotEmpty();
        assertThat(last).isEqualTo(acked.get(acked.size() - 1));
        assertThat(count).as("the absent writes are the tail %d..%d", first, last).isEqualTo(last - first + 1);
        // The engine held back the last LAG_WRITES writes it was given; the write in flight at the kill may
        // have been one of them, pushing an acknowledged one out to RocksDB.
        int lag = BrokenRocksDbEngineProvider.LAG_WRITES;
        if (acked.size() >= lag) {
            assertThat(count).isBetween((long) lag - 1, (long) lag);
        } else {
            assertThat(count).isEqualTo(acked.size());
        }
        Map<Long, TreeSet<Integer>> present = presentWrites(store);
        for (long s = first; s <= last; s++) {
            assertThat(acked).contains(s);
            assertThat(present).as("write %d, reported missing", s).doesNotContainKey(s);
        }
        if (first > acked.get(0)) {
            assertThat(present).as("the write before the first one missing").containsKey(first - 1);
        }
    }

    @Test
    void aBatchAppliedInTwoHalvesIsReportedPartial() throws IOException {
        Path store = dir.resolve("store");
        CrashReport r = harness(BrokenRocksDbEngineProvider.uri(store, BrokenRocksDbEngineProvider.TORN_BATCH)).run();

        // The last split batch is half applied, and so is the one before it if the kill landed between the
        // first half of the new one and the second half of the old one.
        List<CrashViolation> vs = failedWith(r, Kind.PARTIAL_BATCH);
        assertThat(vs).hasSizeBetween(1, 2);
        List<Long> acked = acknowledged(r);
        Map<Long, TreeSet<Integer>> present = presentWrites(store);
        for (CrashViolation v : vs) {
            Matcher m = PARTIAL.matcher(v.description());
            assertThat(m.find()).as("%s", v).isTrue();
            long seq = Long.parseLong(m.group(1));
            int parts = Integer.parseInt(m.group(2));
            assertThat(Integer.parseInt(m.group(3))).as("the engine applies the first half").isEqualTo(parts / 2);
            if (m.group(4).equals("it was acknowledged")) {
                assertThat(acked).contains(seq);
            } else {
                assertThat(acked).doesNotContain(seq);
            }
            TreeSet<Integer> firstHalf = new TreeSet<>();
            for (int p = 0; p < parts / 2; p++) {
                firstHalf.add(p);
            }
            assertThat(present.get(seq)).as("parts of write %d in the store", seq).isEqualTo(firstHalf);
        }
    }

    @Test
    void aStoreDamagedByTheCrashIsReportedAsNotOpening() {
        Path store = dir.resolve("store");
        CrashReport r = harness(BrokenRocksDbEngineProvider.uri(store, BrokenRocksDbEngineProvider.CORRUPT_ON_REOPEN))
                .cycles(2).run();

        CrashViolation v = onlyViolation(r, Kind.OPEN_FAILED);
        assertThat(v.cycle()).isZero();
        assertThat(v.description()).startsWith("the store did not open after the kill: dev.plinth.CorruptionException")
                .contains(store.toString());
    }

    private CrashHarness harness(String uri) {
        // Startup kills and very short delays can leave a cycle with nothing acknowledged, which proves
        // nothing; a few hundred milliseconds of writing makes dozens of writes.
        return CrashHarness.forUri(uri)
                .workDir(dir.resolve("work"))
                .cycles(CYCLES)
                .seed(SEED)
                .killDuringStartup(0)
                .killDelay(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    /**
     * Checks that the run failed in one cycle with violations all of {@code kind}, and that the report says so.
     *
     * @return the violations
     */
    private static List<CrashViolation> failedWith(CrashReport r, Kind kind) {
        // Not printed: this engine fails on purpose; the report is in every assertion message instead.
        assertThat(r.clean()).as("%s", r).isFalse();
        assertThat(r.violations()).as("%s", r).isNotEmpty().allSatisfy(v -> {
            assertThat(v.kind()).isEqualTo(kind);
            assertThat(v.seed()).isEqualTo(SEED);
            assertThat(v.cycle()).as("clean cycles before the failing one").isEqualTo(r.cycles());
        });
        assertThatThrownBy(r::assertClean).isInstanceOf(AssertionError.class)
                .hasMessageContaining(kind.name()).hasMessageContaining(r.violations().get(0).description());
        return r.violations();
    }

    private static CrashViolation onlyViolation(CrashReport r, Kind kind) {
        List<CrashViolation> vs = failedWith(r, kind);
        assertThat(vs).as("%s", r).hasSize(1);
        return vs.get(0);
    }

    /**
     * The writes the child acknowledged in the failing cycle, from its expected-state file (the only one
     * kept): each complete line {@code A <seq> <kind> <parts> <durability> <crc> <crc>}.
     */
    private static List<Long> acknowledged(CrashReport r) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(r.workDir())) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".acks")).toList();
        }
        assertThat(files).as("expected-state files kept in %s", r.workDir()).hasSize(1);
        String text = Files.readString(files.get(0), StandardCharsets.US_ASCII);
        List<Long> out = new ArrayList<>();
        // only newline-terminated lines: a torn last line is not an acknowledgement
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 7 && f[0].equals("A")) {
                out.add(Long.parseLong(f[1]));
            }
        }
        return out;
    }

    /** The workload's writes in the store, read with plain RocksDB: sequence number to parts present. */
    private static Map<Long, TreeSet<Integer>> presentWrites(Path store) {
        Map<Long, TreeSet<Integer>> out = new TreeMap<>();
        try (Store s = Plinth.open("rocksdb:" + store)) {
            for (String ks : KEYSPACES) {
                try (Cursor c = s.keyspace(ks).cursor(Range.all())) {
                    while (c.next()) {
                        String key = new String(c.key(), StandardCharsets.US_ASCII);
                        Matcher m = KEY.matcher(key);
                        assertThat(m.matches()).as("workload key %s in %s", key, ks).isTrue();
                        out.computeIfAbsent(Long.parseLong(m.group(1)), k -> new TreeSet<>())
                                .add(m.group(2) == null ? -1 : Integer.parseInt(m.group(2)));
                    }
                }
            }
        }
        return out;
    }
}
