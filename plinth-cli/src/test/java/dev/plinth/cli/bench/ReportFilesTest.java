package dev.plinth.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFilesTest {
    @TempDir
    Path dir;

    /** Splits one CSV line, honouring double-quoted fields with doubled quotes inside. */
    static List<String> parseCsvLine(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        fields.add(f.toString());
        return fields;
    }

    @Test
    void writesMarkdownCsvAndPngsThatParse() throws IOException {
        BenchReport report = ReportFormatTest.twoUris();
        Path out = dir.resolve("nested/report");
        StringWriter said = new StringWriter();
        BenchRunner.writeReport(report, out, new PrintWriter(said));

        String md = Files.readString(out.resolve("report.md"), StandardCharsets.UTF_8);
        assertThat(md).startsWith("# plinth bench").contains("## readrandom", "](ops.png)", "](latency.png)");

        List<String> csv = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
        List<String> header = parseCsvLine(csv.get(0));
        assertThat(csv).hasSize(1 + report.results().size());
        for (String line : csv.subList(1, csv.size())) {
            List<String> row = parseCsvLine(line);
            assertThat(row).hasSameSizeAs(header);
            Long.parseLong(row.get(header.indexOf("ops")));
            Double.parseDouble(row.get(header.indexOf("ops_per_sec")));
        }
        assertThat(parseCsvLine(csv.get(2)).get(header.indexOf("ratio"))).isEqualTo("2.500");
        assertThat(parseCsvLine(csv.get(2)).get(header.indexOf("note"))).isEqualTo("a note, with a comma");

        for (String png : List.of(Charts.OPS_FILE, Charts.LATENCY_FILE)) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).isGreaterThan(100);
            assertThat(img.getHeight()).isGreaterThan(100);
        }
        assertThat(said.toString()).contains("report.md", "results.csv", "ops.png", "latency.png");
    }
}
