package dev.plinth.cli.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * Draws a report's charts as PNG files with XChart, one small chart per workload in a grid so that each
 * has its own scale: {@value #OPS_FILE} shows operations per second per URI, {@value #LATENCY_FILE} the
 * latency percentiles per URI on a logarithmic axis. Works without a display (sets
 * {@code java.awt.headless}). Stateless; call from one thread at a time (AWT rendering).
 */
final class Charts {
    /** The throughput chart's file name. */
    static final String OPS_FILE = "ops.png";
    /** The latency chart's file name. */
    static final String LATENCY_FILE = "latency.png";
    private static final int COLUMNS = 4;
    private static final int WIDTH = 420;
    private static final int HEIGHT = 320;

    private Charts() {
    }

    /**
     * Writes both charts.
     *
     * @param report the results
     * @param dir the directory to write into, which exists
     * @throws IOException if a file cannot be written
     */
    static void write(BenchReport report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<CategoryChart> ops = new ArrayList<>();
        List<CategoryChart> latency = new ArrayList<>();
        for (String w : report.workloads().keySet()) {
            ops.add(opsChart(report, w));
            latency.add(latencyChart(report, w));
        }
        save(ops, dir.resolve(OPS_FILE));
        save(latency, dir.resolve(LATENCY_FILE));
    }

    private static CategoryChart opsChart(BenchReport report, String workload) {
        List<Result> results = report.resultsOf(workload);
        boolean ran = results.stream().anyMatch(r -> !r.skipped());
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(workload + (ran ? ": ops/s" : ": skipped")).build();
        style(chart);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(ran);
        // Dark labels near the bar's foot: readable on every colour, and on a bar too short to hold them.
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setLabelsFontColor(Color.BLACK);
        chart.getStyler().setLabelsPosition(0.05);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        List<String> uris = new ArrayList<>();
        for (Result r : results) {
            // A skipped run says so on the axis, instead of leaving an empty slot.
            uris.add(r.skipped() ? r.uri() + " (skipped)" : r.uri());
        }
        // One series per URI, empty outside its own bar, so each URI keeps its colour in every chart.
        for (int i = 0; i < results.size(); i++) {
            List<Double> values = new ArrayList<>();
            for (int j = 0; j < results.size(); j++) {
                Result r = results.get(j);
                values.add(i == j && !r.skipped() ? r.opsPerSec() : null);
            }
            CategorySeries series = chart.addSeries(uris.get(i), uris, values);
            series.setFillColor(colour(chart, report, results.get(i).uri()));
        }
        return chart;
    }

    private static CategoryChart latencyChart(BenchReport report, String workload) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(workload + ": latency (us)").build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        List<String> percentiles = List.of("p50", "p99", "p99.9", "max");
        boolean any = false;
        double lowest = Double.MAX_VALUE;
        for (Result r : report.resultsOf(workload)) {
            if (r.skipped() || r.ops() == 0) {
                continue;
            }
            List<Double> us = List.of(micros(r.p50()), micros(r.p99()), micros(r.p999()), micros(r.max()));
            Color c = colour(chart, report, r.uri());
            CategorySeries series = chart.addSeries(r.uri(), percentiles, us);
            lowest = Math.min(lowest, us.get(0));
            series.setLineColor(c);
            series.setMarkerColor(c);
            series.setFillColor(c);
            any = true;
        }
        if (any) {
            // Start the axis at the decade below the fastest p50, so that it has a labelled tick under every
            // point, also below 1 us.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lowest))));
        } else {
            chart.setTitle(workload + ": skipped");
            chart.getStyler().setYAxisLogarithmic(false);
            chart.getStyler().setLegendVisible(false);
            chart.addSeries("-", percentiles, List.of(0.0, 0.0, 0.0, 0.0));
        }
        return chart;
    }

    /** The colour of a URI: its place among the report's URIs in XChart's palette, the same in every chart. */
    private static Color colour(CategoryChart chart, BenchReport report, String uri) {
        Color[] palette = chart.getStyler().getSeriesColors();
        return palette[Math.max(0, report.uris().indexOf(uri)) % palette.length];
    }

    private static double micros(long nanos) {
        return Math.max(nanos, 1) / 1e3;
    }

    private static void style(CategoryChart chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setLegendBorderColor(Color.LIGHT_GRAY);
    }

    /** Lays the charts out in a grid of {@link #COLUMNS} columns on a white page and writes a PNG. */
    private static void save(List<CategoryChart> charts, Path file) throws IOException {
        int cols = Math.min(COLUMNS, charts.size());
        int rows = (charts.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage page = new BufferedImage(cols * WIDTH, rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = page.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, page.getWidth(), page.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                BufferedImage img = BitmapEncoder.getBufferedImage(charts.get(i));
                g.drawImage(img, (i % COLUMNS) * WIDTH, (i / COLUMNS) * HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(page, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }
}
