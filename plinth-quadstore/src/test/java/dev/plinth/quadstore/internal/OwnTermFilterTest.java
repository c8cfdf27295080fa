package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The filter of a writer's own terms never says no to a key it was given, rarely says yes to others, and stops when full. */
class OwnTermFilterTest {
    private static byte[] key(String prefix, int i) {
        return ("\u0015http://example.org/" + prefix + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyAddedKeyIsFoundAcrossGrownSegmentsAndFewOthersAre() {
        OwnTermFilter f = new OwnTermFilter();
        assertThat(f.mightContain(key("a", 0))).as("empty").isFalse();
        int n = OwnTermFilter.FIRST_SEGMENT_KEYS * 5; // three segments
        for (int i = 0; i < n; i++) {
            assertThat(f.add(key("a", i))).isTrue();
        }
        assertThat(f.size()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            if (!f.mightContain(key("a", i))) {
                throw new AssertionError("added key " + i + " not found: a term would get a second id");
            }
        }
        int falsePositives = 0;
        int others = 100_000;
        for (int i = 0; i < others; i++) {
            if (f.mightContain(key("b", i))) {
                falsePositives++;
            }
        }
        // about 0.8% a segment, three segments: each false positive only costs the read a term would cost anyway
        assertThat(falsePositives).isLessThan(others * 3 / 100);
    }

    @Test
    void aFullFilterRefusesKeys() {
        OwnTermFilter f = new OwnTermFilter(3);
        assertThat(f.add(key("a", 1))).isTrue();
        assertThat(f.add(key("a", 2))).isTrue();
        assertThat(f.add(key("a", 3))).isTrue();
        assertThat(f.add(key("a", 4))).isFalse();
        assertThat(f.mightContain(key("a", 3))).isTrue();
    }
}
