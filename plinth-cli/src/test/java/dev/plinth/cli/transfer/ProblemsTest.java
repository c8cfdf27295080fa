package dev.plinth.cli.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * How {@code verify --against} shows two differing values: before, both were cut to the same first 64
 * characters, so two long values that differ late looked identical in the report.
 */
class ProblemsTest {
    @Test
    void longValuesAreShownFromWhereTheyFirstDiffer() {
        byte[] a = new byte[200];
        Arrays.fill(a, (byte) 'a');
        byte[] b = a.clone();
        b[150] = 'B';
        String d = Problems.difference(a, b, "X", "Y");
        assertThat(d).startsWith("different from byte 150 on (200 bytes in X, 200 in Y): ")
                .contains("'...aaaaaaaaB").contains("in X but '...aaaaaaaa");
        assertThat(d.indexOf('B')).as("the differing byte is shown").isPositive();
    }

    @Test
    void aValueThatIsAPrefixOfTheOtherDiffersWhereItEnds() {
        byte[] a = new byte[100];
        Arrays.fill(a, (byte) 'x');
        byte[] b = Arrays.copyOf(a, 120);
        assertThat(Problems.difference(a, b, "X", "Y")).startsWith("different from byte 100 on (100 bytes in X, 120 in Y)");
    }

    @Test
    void shortValuesAreShownWhole() {
        assertThat(Problems.difference(new byte[] {'1'}, "changed".getBytes(), "X", "Y"))
                .isEqualTo("'1' in X but 'changed' in Y");
    }
}
