package dev.plinth.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link BenchReport} as console tables, Markdown and CSV. Stateless; thread-safe. Console
 * and Markdown show rounded, human units; CSV keeps raw numbers (nanoseconds, bytes).
 */
final class ReportFormat {
    /** The columns of a workload's table. */
    static final List<String> COLUMNS = List.of("uri", "ops/s", "p50", "p99", "p99.9", "disk", "errors", "misses",
            "vs first");

    private ReportFormat() {
    }

    // ---------------------------------------------------------------- console

    /**
     * The header block printed before the run.
     *
     * @param header labelled lines
     * @return text, one line per entry
     */
    static String textHeader(List<Map.Entry<String, String>> header) {
        int w = 0;
        for (Map.Entry<String, String> e : header) {
            w = Math.max(w, e.getKey().length());
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : header) {
            sb.append(pad(e.getKey() + ":", w + 1, false)).append(' ').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The load table.
     *
     * @param loads per URI
     * @return an aligned text table
     */
    static String textLoad(List<LoadResult> loads) {
        return "load: the shared store of each URI, written in batches, then flushed\n"
                + align(loadRows(loads), 1);
    }

    /**
     * One workload's table, with its notes.
     *
     * @param report the report
     * @param workload the workload's name
     * @return an aligned text table
     */
    static String textWorkload(BenchReport report, String workload) {
        StringBuilder sb = new StringBuilder();
        sb.append(workload).append(": ").append(report.workloads().get(workload)).append('\n');
        sb.append(align(workloadRows(report, workload), 1));
        for (String note : notes(report, workload)) {
            sb.append("  note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    /**
     * The summary: each workload's throughput per URI and its ratio to the first URI.
     *
     * @param report the report
     * @return an aligned text table
     */
    static String textSummary(BenchReport report) {
        return "summary: ops/s (ratio to " + report.uris().get(0) + ")\n" + align(summaryRows(report), 1);
    }

    // ---------------------------------------------------------------- Markdown

    /**
     * The whole report as Markdown.
     *
     * @param report the report
     * @param charts image file names to show at the end, with their captions
     * @return Markdown text
     */
    static String markdown(BenchReport report, Map<String, String> charts) {
        StringBuilder sb = new StringBuilder();
        sb.append("# plinth bench\n\n");
        sb.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> e : report.header()) {
            sb.append("| ").append(md(e.getKey())).append(" | ").append(md(e.getValue())).append(" |\n");
        }
        sb.append("\n## Summary\n\nOperations per second, and in brackets the ratio to the first URI (`")
                .append(report.uris().get(0)).append("`); above 1.00x is faster.\n\n");
        sb.append(mdTable(summaryRows(report)));
        sb.append("\n## Load\n\nThe shared store of each URI, written in batches, then flushed; the "
                + "workloads other than the fills and deleterandom run on it in turn.\n\n");
        sb.append(mdTable(loadRows(report.loads())));
        for (String w : report.workloads().keySet()) {
            sb.append("\n## ").append(w).append("\n\n").append(md(report.workloads().get(w))).append(".\n\n");
            sb.append(mdTable(workloadRows(report, w)));
            List<String> notes = notes(report, w);
            if (!notes.isEmpty()) {
                sb.append('\n');
                for (String n : notes) {
                    sb.append("- ").append(md(n)).append('\n');
                }
            }
        }
        if (!charts.isEmpty()) {
            sb.append("\n## Charts\n");
            for (Map.Entry<String, String> c : charts.entrySet()) {
                sb.append("\n![").append(c.getValue()).append("](").append(c.getKey()).append(")\n");
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- CSV

    /** The columns of results.csv. */
    static final String CSV_HEADER = "workload,uri,ops,seconds,ops_per_sec,p50_ns,p99_ns,p999_ns,max_ns,disk_bytes,"
            + "errors,misses,ratio,skipped,note";

    /**
     * The results as CSV, one row per workload and URI, with raw numbers.
     *
     * @param report the report
     * @return CSV text with a header line
     */
    static String csv(BenchReport report) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (String w : report.workloads().keySet()) {
            for (Result r : report.resultsOf(w)) {
                double ratio = report.ratio(r);
                sb.append(csvField(r.workload())).append(',')
                        .append(csvField(r.uri())).append(',')
                        .append(r.ops()).append(',')
                        .append(String.format(Locale.ROOT, "%.3f", r.nanos() / 1e9)).append(',')
                        .append(String.format(Locale.ROOT, "%.1f", r.opsPerSec())).append(',')
                        .append(r.p50()).append(',')
                        .append(r.p99()).append(',')
                        .append(r.p999()).append(',')
                        .append(r.max()).append(',')
                        .append(r.diskBytes() < 0 ? "" : Long.toString(r.diskBytes())).append(',')
                        .append(r.errors()).append(',')
                        .append(r.misses()).append(',')
                        .append(Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.3f", ratio)).append(',')
                        .append(r.skipped()).append(',')
                        .append(csvField(r.note() == null ? "" : r.note())).append('\n');
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- rows

    static List<String[]> workloadRows(BenchReport report, String workload) {
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS.toArray(new String[0]));
        for (Result r : report.resultsOf(workload)) {
            if (r.skipped()) {
                rows.add(new String[] {r.uri(), "skipped", "-", "-", "-", "-", "-", "-", "-"});
                continue;
            }
            rows.add(new String[] {r.uri(), opsPerSec(r.opsPerSec()), nanos(r.p50()), nanos(r.p99()), nanos(r.p999()),
                bytes(r.diskBytes()), Long.toString(r.errors()), Long.toString(r.misses()), ratio(report.ratio(r))});
        }
        return rows;
    }

    static List<String[]> loadRows(List<LoadResult> loads) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"uri", "durability", "keys", "seconds", "keys/s", "disk"});
        for (LoadResult l : loads) {
            rows.add(new String[] {l.uri(), l.durability(), String.format(Locale.ROOT, "%,d", l.keys()),
                String.format(Locale.ROOT, "%.2f", l.nanos() / 1e9),
                opsPerSec(l.nanos() <= 0 ? 0 : l.keys() * 1e9 / l.nanos()), bytes(l.diskBytes())});
        }
        return rows;
    }

    static List<String[]> summaryRows(BenchReport report) {
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[report.uris().size() + 1];
        head[0] = "workload";
        for (int i = 0; i < report.uris().size(); i++) {
            head[i + 1] = report.uris().get(i);
        }
        rows.add(head);
        for (String w : report.workloads().keySet()) {
            String[] row = new String[head.length];
            row[0] = w;
            for (int i = 0; i < report.uris().size(); i++) {
                Result r = report.result(w, report.uris().get(i));
                if (r == null) {
                    row[i + 1] = "-";
                } else if (r.skipped()) {
                    row[i + 1] = "skipped";
                } else {
                    row[i + 1] = opsPerSec(r.opsPerSec()) + " (" + ratio(report.ratio(r)) + ")"
                            + (r.failed() ? " FAILED" : "");
                }
            }
            rows.add(row);
        }
        return rows;
    }

    static List<String> notes(BenchReport report, String workload) {
        List<String> out = new ArrayList<>();
        for (Result r : report.resultsOf(workload)) {
            if (r.note() != null && !r.note().isEmpty()) {
                out.add(r.uri() + " " + r.note());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- units

    /**
     * A latency with three significant digits and a unit: {@code 850 ns}, {@code 1.25 us}, {@code 12.3 ms}.
     *
     * @param ns nanoseconds
     * @return the text
     */
    static String nanos(long ns) {
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return threeDigits(ns / 1e3) + " us";
        }
        if (ns < 1_000_000_000) {
            return threeDigits(ns / 1e6) + " ms";
        }
        return threeDigits(ns / 1e9) + " s";
    }

    /**
     * A size in binary units: {@code 900 B}, {@code 12.3 KiB}, {@code 1.50 GiB}; {@code -} for none.
     *
     * @param bytes bytes, or negative for none
     * @return the text
     */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return "-";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return threeDigits(v) + " " + units[u];
    }

    static String opsPerSec(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /**
     * A ratio with two decimals, or two significant digits below 0.1 so that a slow engine does not
     * show as {@code 0.00x}.
     *
     * @param r the ratio, or {@code NaN} for none
     * @return such as {@code 2.50x}, {@code 0.0043x}, or {@code -}
     */
    static String ratio(double r) {
        if (Double.isNaN(r)) {
            return "-";
        }
        if (r > 0 && r < 0.1) {
            int decimals = Math.min(8, 1 - (int) Math.floor(Math.log10(r)));
            return String.format(Locale.ROOT, "%." + decimals + "fx", r);
        }
        return String.format(Locale.ROOT, "%.2fx", r);
    }

    private static String threeDigits(double v) {
        if (v < 10) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (v < 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    // ---------------------------------------------------------------- layout

    /**
     * Lays out rows as columns: the first column left-aligned, the others right-aligned, two spaces
     * between columns, a dashed line under the header row.
     *
     * @param rows the header row, then the data rows
     * @param indent spaces before each line
     * @return the table, each line ending in a newline
     */
    static String align(List<String[]> rows, int indent) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            StringBuilder line = new StringBuilder(" ".repeat(indent));
            for (int c = 0; c < cols; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                line.append(pad(row[c], width[c], c > 0));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (i == 0) {
                int total = -2;
                for (int w : width) {
                    total += w + 2;
                }
                sb.append(" ".repeat(indent)).append("-".repeat(total)).append('\n');
            }
        }
        return sb.toString();
    }

    static String mdTable(List<String[]> rows) {
        StringBuilder sb = new StringBuilder();
        String[] head = rows.get(0);
        sb.append('|');
        for (String h : head) {
            sb.append(' ').append(md(h)).append(" |");
        }
        sb.append("\n|");
        for (int c = 0; c < head.length; c++) {
            sb.append(c == 0 ? ":---|" : "---:|");
        }
        sb.append('\n');
        for (int i = 1; i < rows.size(); i++) {
            sb.append('|');
            String[] row = rows.get(i);
            for (int c = 0; c < row.length; c++) {
                String cell = c == 0 ? "`" + row[c] + "`" : md(row[c]);
                sb.append(' ').append(cell).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String pad(String s, int width, boolean right) {
        if (s.length() >= width) {
            return s;
        }
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }

    private static String md(String s) {
        return s.replace("|", "\\|");
    }

    private static String csvField(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
