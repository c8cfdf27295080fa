package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.keys.KeyWriter;
import org.junit.jupiter.api.Test;

/** A scan decodes only the ids after its prefix, and gets what decoding the whole key gets. */
class IndexOrderTest {
    @Test
    void decodingAfterThePrefixGivesTheUnboundIdsOfTheWholeKey() {
        long[][] samples = {{1, 2, 3, 0}, {0, 0, 0, 0}, {300, 1L << 40, 0x01_0000_0000_0005L, 7}, {Long.MAX_VALUE >>> 8, 5, 5, 5}};
        KeyWriter w = new KeyWriter(40);
        for (IndexOrder order : IndexOrder.values()) {
            for (long[] ids : samples) {
                byte[] key = order.key(w, ids);
                long[] whole = new long[4];
                order.decode(key, whole);
                assertThat(whole).isEqualTo(ids);
                for (int bound = 0; bound <= 4; bound++) {
                    int prefixLength = order.prefix(w, ids, bound).length;
                    long[] after = {-1, -1, -1, -1};
                    order.decodeAfter(key, prefixLength, bound, after);
                    for (int i = 0; i < 4; i++) {
                        int c = order.componentAt(i);
                        assertThat(after[c]).as("%s bound %d component %d", order, bound, c).isEqualTo(i < bound ? -1 : ids[c]);
                    }
                }
            }
        }
    }

    @Test
    void aKeyShorterThanItsPrefixOrWithBytesAfterItsIdsIsRefused() {
        KeyWriter w = new KeyWriter(40);
        byte[] key = IndexOrder.POSG.key(w, new long[] {1, 2, 3, 4});
        assertThatThrownBy(() -> IndexOrder.POSG.decodeAfter(key, key.length + 1, 4, new long[4]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than its scan's prefix");
        byte[] longer = java.util.Arrays.copyOf(key, key.length + 1);
        longer[key.length] = key[key.length - 2];
        assertThatThrownBy(() -> IndexOrder.POSG.decodeAfter(longer, 0, 0, new long[4]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
