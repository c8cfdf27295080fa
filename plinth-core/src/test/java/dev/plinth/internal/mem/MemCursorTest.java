package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.b;
import static dev.plinth.internal.mem.MemTestSupport.bytes;
import static dev.plinth.internal.mem.MemTestSupport.defaultKs;
import static dev.plinth.internal.mem.MemTestSupport.hexKeys;
import static dev.plinth.internal.mem.MemTestSupport.put;
import static dev.plinth.internal.mem.MemTestSupport.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemCursorTest {
    private final MemEngine engine = MemTestSupport.newEngine();
    private final EngineKeyspace ks = defaultKs(engine);

    // Stored keys, in unsigned order: 00, 00 00, 01, 7f, 80, ff, ff 00, ff ff.
    private static final byte[][] KEYS = {
        bytes(0x00), bytes(0x00, 0x00), bytes(0x01), bytes(0x7f), bytes(0x80), bytes(0xff), bytes(0xff, 0x00),
        bytes(0xff, 0xff),
    };

    @BeforeEach
    void fill() {
        // Insert in reverse so the order comes from the map, not from insertion.
        for (int i = KEYS.length - 1; i >= 0; i--) {
            put(engine, ks, KEYS[i], new byte[] {(byte) i});
        }
        put(engine, engine.createKeyspace("neighbour"), bytes(0x50), bytes(0x50));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void forwardOrderIsUnsigned() {
        assertThat(hexKeys(engine, ks, null, null, false))
                .containsExactly("00", "0000", "01", "7f", "80", "ff", "ff00", "ffff");
    }

    @Test
    void reverseOrderIsUnsigned() {
        assertThat(hexKeys(engine, ks, null, null, true))
                .containsExactly("ffff", "ff00", "ff", "80", "7f", "01", "0000", "00");
    }

    @Test
    void valuesFollowTheirKeys() {
        try (EngineCursor c = engine.cursor(ks, ScanSpec.of(null, null))) {
            int i = 0;
            while (c.next()) {
                assertThat(c.key()).isEqualTo(KEYS[i]);
                assertThat(c.value()).isEqualTo(new byte[] {(byte) i});
                i++;
            }
            assertThat(i).isEqualTo(KEYS.length);
        }
    }

    @Test
    void boundsAreHalfOpenInBothDirections() {
        assertThat(hexKeys(engine, ks, bytes(0x00, 0x00), bytes(0x80), false)).containsExactly("0000", "01", "7f");
        assertThat(hexKeys(engine, ks, bytes(0x00, 0x00), bytes(0x80), true)).containsExactly("7f", "01", "0000");
        assertThat(hexKeys(engine, ks, bytes(0x7f), null, false)).containsExactly("7f", "80", "ff", "ff00", "ffff");
        assertThat(hexKeys(engine, ks, null, bytes(0x01), true)).containsExactly("0000", "00");
        // A prefix range for 0xff: [ff, null) since no successor exists.
        assertThat(hexKeys(engine, ks, bytes(0xff), null, true)).containsExactly("ffff", "ff00", "ff");
        assertThat(hexKeys(engine, ks, bytes(0xff, 0x00), bytes(0xff, 0xff), false)).containsExactly("ff00");
        assertThat(hexKeys(engine, ks, bytes(0x02), bytes(0x7f), false)).isEmpty();
        assertThat(hexKeys(engine, ks, bytes(0x80), bytes(0x80), false)).isEmpty();
        assertThat(hexKeys(engine, ks, bytes(0x80), bytes(0x80), true)).isEmpty();
    }

    private List<String> afterSeek(byte[] start, byte[] end, boolean reverse, byte[] target) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = engine.cursor(ks, ScanSpec.of(start, end).reverse(reverse))) {
            assertThat(c.next()).isTrue();
            c.seek(target);
            while (c.next()) {
                out.add(MemTestSupport.hex(c.key()));
            }
        }
        return out;
    }

    @Test
    void forwardSeekGoesToFirstKeyAtOrAfterTarget() {
        assertThat(afterSeek(null, null, false, bytes(0x7f))).containsExactly("7f", "80", "ff", "ff00", "ffff");
        assertThat(afterSeek(null, null, false, bytes(0x7f, 0x00))).containsExactly("80", "ff", "ff00", "ffff");
        assertThat(afterSeek(null, null, false, bytes(0xff, 0xff, 0x00))).isEmpty();
        // Backwards seek is allowed.
        assertThat(afterSeek(bytes(0x80), null, false, bytes(0x80))).containsExactly("80", "ff", "ff00", "ffff");
    }

    @Test
    void forwardSeekIsClampedToBounds() {
        assertThat(afterSeek(bytes(0x01), bytes(0xff), false, bytes(0x00))).containsExactly("01", "7f", "80");
        assertThat(afterSeek(bytes(0x01), bytes(0xff), false, bytes(0xff))).isEmpty();
        assertThat(afterSeek(bytes(0x01), bytes(0xff), false, bytes(0xff, 0xff))).isEmpty();
    }

    @Test
    void reverseSeekGoesToFirstKeyAtOrBeforeTarget() {
        assertThat(afterSeek(null, null, true, bytes(0x80))).containsExactly("80", "7f", "01", "0000", "00");
        assertThat(afterSeek(null, null, true, bytes(0x80, 0x00))).containsExactly("80", "7f", "01", "0000", "00");
        assertThat(afterSeek(null, null, true, bytes(0x7f, 0xff))).containsExactly("7f", "01", "0000", "00");
        assertThat(afterSeek(null, null, true, bytes(0x00))).containsExactly("00");
    }

    @Test
    void reverseSeekIsClampedToBounds() {
        assertThat(afterSeek(bytes(0x01), bytes(0xff), true, bytes(0xff, 0xff))).containsExactly("80", "7f", "01");
        assertThat(afterSeek(bytes(0x01), bytes(0xff), true, bytes(0xff))).containsExactly("80", "7f", "01");
        assertThat(afterSeek(bytes(0x01), bytes(0xff), true, bytes(0x00, 0x00))).isEmpty();
        assertThat(afterSeek(bytes(0x01), bytes(0xff), true, bytes(0x01))).containsExactly("01");
    }

    @Test
    void seekBeforeFirstNextAndAfterExhaustion() {
        try (EngineCursor c = engine.cursor(ks, new ScanSpec(null, null, false, true ? 0 : ScanSpec.FULL_VALUES))) {
            c.seek(bytes(0xff));
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(bytes(0xff));
            while (c.next()) {
                // drain
            }
            c.seek(bytes(0x00));
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(bytes(0x00));
        }
    }

    @Test
    void cursorSkipsDeletedKeysAndNeverLeaksOtherKeyspaces() {
        MemTestSupport.delete(engine, ks, "\u0001");
        assertThat(hexKeys(engine, ks, bytes(0x00, 0x00), bytes(0x7f), false)).containsExactly("0000");
        assertThat(hexKeys(engine, engine.keyspace("neighbour"), null, null, false)).containsExactly("50");
    }

    @Test
    void emptyKeyspaceGivesNothing() {
        EngineKeyspace empty = engine.createKeyspace("empty");
        assertThat(hexKeys(engine, empty, null, null, false)).isEmpty();
        assertThat(hexKeys(engine, empty, null, null, true)).isEmpty();
    }

    @Test
    void keyBeforeNextAndUseAfterCloseAreErrors() {
        EngineCursor c = engine.cursor(ks, ScanSpec.of(null, null));
        assertThatThrownBy(c::key).isInstanceOf(IllegalStateException.class);
        assertThat(stat(engine, "mem.snapshots")).isEqualTo(1);
        c.close();
        c.close();
        assertThat(stat(engine, "mem.snapshots")).isZero();
        assertThatThrownBy(c::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.seek(b("a"))).isInstanceOf(IllegalStateException.class);
    }
}
