package dev.plinth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's examples run and say what the README says they do. */
class ExamplesTest {
    private static String run(Runnable main) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tourShowsEachFeatureWorking() {
        String out = run(() -> Tour.main(new String[0]));
        assertThat(out).contains("batch applied: true")
                .contains("second batch with the same e-mail applied: false (users has user:2: false)")
                .contains("cas 1 -> 3 (stale): false")
                .contains("snapshot sees user:3: false, store sees it: true")
                .contains("conflict detected")
                .contains("inTransaction committed visits=101")
                .contains("order:4=item 4 order:3=item 3 order:2=item 2")
                .contains("session after 30 min: (absent)");
    }

    @Test
    void quickStartRuns() {
        String out = run(() -> QuickStart.main(new String[0]));
        assertThat(out).contains("user:2 = Grace").contains("user:1 = Ada L.").contains("cas won: true, users in transaction: 2");
    }
}
