package dev.plinth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RangeTest {
    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) v[i];
        }
        return out;
    }

    @Test
    void invertedRangeIsRejectedNotEmpty() {
        assertThatThrownBy(() -> Range.of(b(2), b(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inverted");
        assertThat(Range.of(b(1), b(1)).isEmpty()).isTrue();
    }

    @Test
    void orderIsUnsigned() {
        assertThatThrownBy(() -> Range.of(b(0x80), b(0x7F))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Range.of(b(0x7F), b(0x80)).contains(b(0x7F, 0xFF))).isTrue();
    }

    @Test
    void prefixSuccessorCarriesPastFfBytes() {
        assertThat(Range.prefix(b(1, 0xFF)).end()).containsExactly(b(2));
        assertThat(Range.prefix(b(0xFF, 0xFF)).end()).isNull();
        assertThat(Range.prefix(b()).equals(Range.all())).isTrue();
        Range p = Range.prefix(b(0x61, 0xFF));
        assertThat(p.contains(b(0x61, 0xFF, 0xFF, 0xFF))).isTrue();
        assertThat(p.contains(b(0x62))).isFalse();
        assertThat(p.contains(b(0x61, 0xFE))).isFalse();
    }

    @Test
    void boundsAreCopied() {
        byte[] start = b(1);
        Range r = Range.of(start, null);
        start[0] = 9;
        assertThat(r.start()).containsExactly(b(1));
        r.start()[0] = 7;
        assertThat(r.start()).containsExactly(b(1));
    }
}
