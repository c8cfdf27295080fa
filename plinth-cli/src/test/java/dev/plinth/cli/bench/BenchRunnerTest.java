package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchRunnerTest {
    private static final long KEYS = 3000;

    private static BenchSettings settings(List<String> uris, List<Workload> workloads, Duration duration, long ops) {
        return new BenchSettings(uris, workloads, KEYS, 16, 40, 2, DurabilityChoice.WEAKEST, duration, ops,
                Duration.ZERO, 1, 42, null);
    }

    private static long count(Store store) {
        long n = 0;
        try (Cursor c = store.defaultKeyspace().cursor(Range.all(), ScanOptions.forward())) {
            while (c.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void everyCountedOperationWasExecuted() {
        List<String> problems = new ArrayList<>();
        Map<String, Long> inserted = new HashMap<>();
        List<String> seen = new ArrayList<>();
        StringWriter text = new StringWriter();
        BenchRunner runner = new BenchRunner(
                // 100 ms a workload: at 20 ms a loaded machine once let ycsb-d (5% inserts) insert nothing.
                settings(List.of("mem:"), Workload.parse("all"), Duration.ofMillis(100), 0),
                Environment.current(), "plinth bench (test)", new PrintWriter(text));
        BenchReport report = runner.observe((w, label, m, store) -> {
            seen.add(w.id());
            long entries = count(store);
            long expected = switch (w.storeUse()) {
                case EMPTY -> m.ops();
                case LOADED -> KEYS - m.ops();
                case SHARED -> KEYS + inserted.merge(label, m.counters().getOrDefault("records inserted", 0L),
                        Long::sum);
            };
            if (entries != expected) {
                problems.add(w.id() + ": " + entries + " entries, expected " + expected + " after " + m.ops() + " ops");
            }
            if (m.ops() <= 0 && w != Workload.SYNCWRITE) {
                problems.add(w.id() + " measured no operation");
            }
        }).run();
        assertThat(problems).isEmpty();
        // syncwrite is skipped on mem:, which honours only NONE; every other workload ran.
        assertThat(seen).hasSize(Workload.values().length - 1).doesNotContain("syncwrite");
        assertThat(report.failures()).isEmpty();
        Result d = report.result("ycsb-d", "mem:");
        assertThat(d.note()).contains("records inserted");
        assertThat(report.result("syncwrite", "mem:").skipped()).isTrue();
    }

    @Test
    void anOperationCountBoundsTheFillsExactly() {
        Map<String, Long> entries = new HashMap<>();
        BenchRunner runner = new BenchRunner(
                settings(List.of("mem:"), List.of(Workload.FILLRANDOM, Workload.DELETERANDOM), null, 501),
                Environment.current(), "plinth bench (test)", new PrintWriter(new StringWriter()));
        BenchReport report = runner.observe((w, label, m, store) -> entries.put(w.id(), count(store))).run();
        assertThat(report.result("fillrandom", "mem:").ops()).isEqualTo(501);
        assertThat(entries).containsEntry("fillrandom", 501L).containsEntry("deleterandom", KEYS - 501);
    }

    @Test
    void printsATablePerWorkloadWithARowPerUriInterleaved() {
        StringWriter text = new StringWriter();
        List<String> order = new ArrayList<>();
        BenchRunner runner = new BenchRunner(
                settings(List.of("mem:", "mem:"), Workload.parse("readrandom,a,fillseq"), Duration.ofMillis(10), 0),
                Environment.current(), "plinth bench (test)", new PrintWriter(text));
        BenchReport report = runner.observe((w, label, m, store) -> order.add(w.id() + " " + label)).run();
        assertThat(order).containsExactly("fillseq mem:", "fillseq mem:#2", "readrandom mem:", "readrandom mem:#2",
                "ycsb-a mem:", "ycsb-a mem:#2");
        assertThat(report.uris()).containsExactly("mem:", "mem:#2");
        String out = text.toString();
        for (String w : List.of("fillseq", "readrandom", "ycsb-a")) {
            int at = out.indexOf("\n" + w + ": ");
            assertThat(at).as(w).isPositive();
            String[] lines = out.substring(at + 1).split("\n");
            assertThat(lines[1].trim().split("\\s{2,}")).containsExactly(ReportFormat.COLUMNS.toArray(new String[0]));
            assertThat(lines[2].trim()).matches("-+");
            String[] first = lines[3].trim().split("\\s{2,}");
            String[] second = lines[4].trim().split("\\s{2,}");
            assertThat(first).hasSize(ReportFormat.COLUMNS.size());
            assertThat(first[0]).isEqualTo("mem:");
            assertThat(first[8]).isEqualTo("1.00x");
            assertThat(first[5]).isEqualTo("-");
            assertThat(second[0]).isEqualTo("mem:#2");
            assertThat(second[8]).matches("\\d+\\.\\d\\dx");
            assertThat(ReportFormat.ratio(report.ratio(report.result(w, "mem:#2")))).isEqualTo(second[8]);
        }
        assertThat(out).contains("summary: ops/s (ratio to mem:)");
    }

    @Test
    void thePlanRunsEachUriInTurnPerWorkloadAndRotatesRounds() {
        List<BenchRunner.Step> plan = BenchRunner.plan(2, List.of(Workload.FILLSEQ, Workload.READRANDOM), 3);
        List<String> shown = new ArrayList<>();
        for (BenchRunner.Step s : plan) {
            shown.add(s.round() + s.workload().id() + s.target());
        }
        assertThat(shown).containsExactly("0fillseq0", "0fillseq1", "0fillseq2", "0readrandom0", "0readrandom1",
                "0readrandom2", "1fillseq1", "1fillseq2", "1fillseq0", "1readrandom1", "1readrandom2", "1readrandom0");
    }

    @Test
    void workloadSelectionRunsInCanonicalOrder() {
        assertThat(Workload.parse("c,readrandom,a")).containsExactly(Workload.READRANDOM, Workload.YCSB_A,
                Workload.YCSB_C);
        assertThat(Workload.parse("ycsb")).containsExactly(Workload.YCSB_A, Workload.YCSB_B, Workload.YCSB_C,
                Workload.YCSB_F, Workload.YCSB_D, Workload.YCSB_E);
        assertThat(Workload.parse("all")).hasSize(Workload.values().length);
    }
}
