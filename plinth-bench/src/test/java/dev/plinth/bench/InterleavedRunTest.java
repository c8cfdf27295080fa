package dev.plinth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One short run of {@link InterleavedRun}: a row per operation for each measure, every rate positive. */
class InterleavedRunTest {
    @Test
    void everyOperationIsReportedByWallClockThreadAndProcessCpuTime() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            InterleavedRun.main(new String[] {"keys=2000", "pairs=plinth-mem/skiplist", "ops=get", "rounds=1",
                    "seconds=0.05"});
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        List<String> ops = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            String[] cells = line.split("\\|");
            if (line.startsWith("| plinth-mem |")) {
                ops.add(cells[3].trim());
                // plinth ops/s, peer ops/s and the ratio: a negative CPU time would make them negative.
                for (int c : new int[] {4, 5}) {
                    assertThat(Double.parseDouble(cells[c].trim().replace(",", ""))).as(line).isPositive();
                }
                assertThat(Double.parseDouble(cells[6].trim().replace("*", ""))).as(line).isPositive();
            }
        }
        assertThat(ops).containsExactly("get", "get (cpu)", "get (process cpu)");
    }
}
