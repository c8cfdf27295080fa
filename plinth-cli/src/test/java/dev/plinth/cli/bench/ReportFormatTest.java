package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportFormatTest {
    /** Two URIs: the second does 2.5 times the first's operations per second on readrandom. */
    static BenchReport twoUris() {
        Map<String, String> workloads = new LinkedHashMap<>();
        workloads.put("readrandom", "reads");
        workloads.put("syncwrite", "sync puts");
        List<Result> results = List.of(
                new Result("readrandom", "mem:", 1_000, 1_000_000_000L, 1_500, 20_000, 300_000, 900_000, -1, 0, 0,
                        null, false),
                new Result("readrandom", "rocksdb:/tmp/x", 5_000, 2_000_000_000L, 800, 9_000, 1_200_000,
                        5_000_000, 3L << 20, 0, 0, "a note, with a comma", false),
                Result.skipped("syncwrite", "mem:", "skipped: no SYNC"),
                new Result("syncwrite", "rocksdb:/tmp/x", 100, 1_000_000_000L, 2_000_000, 9_000_000, 12_000_000,
                        20_000_000, 1024, 0, 0, null, false));
        return new BenchReport(List.of(new AbstractMap.SimpleImmutableEntry<>("command", "plinth bench")),
                List.of("mem:", "rocksdb:/tmp/x"),
                List.of(new LoadResult("mem:", "NONE", 1000, 500_000_000L, -1),
                        new LoadResult("rocksdb:/tmp/x", "NONE", 1000, 250_000_000L, 4096)),
                workloads, results);
    }

    @Test
    void ratioIsThroughputOverTheFirstUris() {
        BenchReport report = twoUris();
        assertThat(report.ratio(report.result("readrandom", "mem:"))).isEqualTo(1.0);
        assertThat(report.ratio(report.result("readrandom", "rocksdb:/tmp/x"))).isEqualTo(2.5);
        assertThat(report.ratio(report.result("syncwrite", "rocksdb:/tmp/x"))).isNaN();
    }

    @Test
    void workloadTableHasOneRowPerUriWithUnitsAndTheRatio() {
        List<String[]> rows = ReportFormat.workloadRows(twoUris(), "readrandom");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly("uri", "ops/s", "p50", "p99", "p99.9", "disk", "errors", "misses",
                "vs first");
        assertThat(rows.get(1)).containsExactly("mem:", "1,000", "1.50 us", "20.0 us", "300 us", "-", "0", "0",
                "1.00x");
        assertThat(rows.get(2)).containsExactly("rocksdb:/tmp/x", "2,500", "800 ns", "9.00 us", "1.20 ms",
                "3.00 MiB", "0", "0", "2.50x");
    }

    @Test
    void aSkippedFirstUriLeavesNoRatio() {
        List<String[]> rows = ReportFormat.workloadRows(twoUris(), "syncwrite");
        assertThat(rows.get(1)).containsExactly("mem:", "skipped", "-", "-", "-", "-", "-", "-", "-");
        assertThat(rows.get(2)[8]).isEqualTo("-");
        assertThat(rows.get(2)[1]).isEqualTo("100");
    }

    @Test
    void textTableAlignsColumnsUnderADashedLine() {
        String text = ReportFormat.textWorkload(twoUris(), "readrandom");
        String[] lines = text.split("\n");
        assertThat(lines[0]).isEqualTo("readrandom: reads");
        assertThat(lines[1].trim()).startsWith("uri").endsWith("vs first");
        assertThat(lines[2].trim()).matches("-+");
        assertThat(lines[3]).startsWith(" mem:").endsWith("1.00x");
        assertThat(lines[4]).startsWith(" rocksdb:/tmp/x").endsWith("2.50x");
        assertThat(lines[1].length()).isEqualTo(lines[2].length()).isEqualTo(lines[4].length());
        assertThat(lines[5]).isEqualTo("  note: rocksdb:/tmp/x a note, with a comma");
    }

    @Test
    void csvKeepsRawNumbersAndQuotesNotes() {
        String[] lines = ReportFormat.csv(twoUris()).split("\n");
        assertThat(lines[0]).isEqualTo(ReportFormat.CSV_HEADER);
        assertThat(lines).hasSize(5);
        assertThat(lines[1]).isEqualTo("readrandom,mem:,1000,1.000,1000.0,1500,20000,300000,900000,,0,0,1.000,false,");
        assertThat(lines[2]).isEqualTo("readrandom,rocksdb:/tmp/x,5000,2.000,2500.0,800,9000,1200000,5000000,3145728,"
                + "0,0,2.500,false,\"a note, with a comma\"");
        assertThat(lines[3]).startsWith("syncwrite,mem:,0,").contains(",true,");
        assertThat(lines[4]).contains(",1024,0,0,,false,");
    }

    @Test
    void summaryShowsEachUrisThroughputAndRatio() {
        List<String[]> rows = ReportFormat.summaryRows(twoUris());
        assertThat(rows.get(0)).containsExactly("workload", "mem:", "rocksdb:/tmp/x");
        assertThat(rows.get(1)).containsExactly("readrandom", "1,000 (1.00x)", "2,500 (2.50x)");
        assertThat(rows.get(2)).containsExactly("syncwrite", "skipped", "100 (-)");
    }

    @Test
    void unitsRoundToThreeDigits() {
        assertThat(ReportFormat.nanos(999)).isEqualTo("999 ns");
        assertThat(ReportFormat.nanos(12_345)).isEqualTo("12.3 us");
        assertThat(ReportFormat.nanos(2_500_000_000L)).isEqualTo("2.50 s");
        assertThat(ReportFormat.bytes(-1)).isEqualTo("-");
        assertThat(ReportFormat.bytes(1023)).isEqualTo("1023 B");
        assertThat(ReportFormat.bytes(1536)).isEqualTo("1.50 KiB");
        assertThat(ReportFormat.ratio(0.1)).isEqualTo("0.10x");
        assertThat(ReportFormat.ratio(0.0427)).isEqualTo("0.043x");
        assertThat(ReportFormat.ratio(0.00431)).isEqualTo("0.0043x");
        assertThat(ReportFormat.ratio(12.5)).isEqualTo("12.50x");
        assertThat(ReportFormat.ratio(Double.NaN)).isEqualTo("-");
    }

    @Test
    void markdownHasATablePerWorkload() {
        String md = ReportFormat.markdown(twoUris(), Map.of("ops.png", "ops"));
        assertThat(md).contains("## readrandom", "## syncwrite", "## Summary", "## Load", "![ops](ops.png)");
        assertThat(md).contains("| `rocksdb:/tmp/x` | 2,500 | 800 ns | 9.00 us | 1.20 ms | 3.00 MiB | 0 | 0 | 2.50x |");
    }
}
