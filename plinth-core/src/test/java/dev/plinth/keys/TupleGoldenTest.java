package dev.plinth.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes of the format ({@code docs/format/keys.md}), so that it never changes silently: stores
 * persist these keys. Each case also decodes back to what was encoded.
 */
class TupleGoldenTest {
    private static String hex(Tuple t) {
        return HexFormat.of().formatHex(t.pack());
    }

    private static void golden(String expectedHex, Object... elements) {
        Tuple t = Tuple.of(elements);
        assertThat(hex(t)).as("bytes of %s", t).isEqualTo(expectedHex);
        assertThat(Tuple.unpack(HexFormat.of().parseHex(expectedHex))).as("decoded %s", expectedHex).isEqualTo(t);
    }

    @Test
    void integers() {
        golden("14", 0L);
        golden("1501", 1L);
        golden("15ff", 255L);
        golden("160100", 256L);
        golden("13fe", -1L);
        golden("1300", -255L);
        golden("12feff", -256L);
        golden("1c7fffffffffffffff", Long.MAX_VALUE);
        golden("0c7fffffffffffffff", Long.MIN_VALUE);
        golden("0c8000000000000000", Long.MIN_VALUE + 1);
        golden("15 2a".replace(" ", ""), 42);
    }

    @Test
    void stringsAndByteStrings() {
        golden("0200", "");
        golden("0268656c6c6f00", "hello");
        golden("026100ff6200", "a\0b");
        golden("02c3a900", "\u00e9");
        golden("02f09f988000", "\ud83d\ude00");
        golden("0100", new byte[0]);
        golden("0100ff00", new byte[] {0});
        golden("01ff00ff0100", new byte[] {(byte) 0xFF, 0, 1});
    }

    @Test
    void otherTypes() {
        golden("00", (Object) null);
        golden("26", false);
        golden("27", true);
        golden("21bff0000000000000", 1.0);
        golden("21400fffffffffffff", -1.0);
        golden("218000000000000000", 0.0);
        golden("217fffffffffffffff", -0.0);
        golden("21fff8000000000000", Double.NaN);
        golden("3000112233445566778899aabbccddeeff", UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"));
    }

    @Test
    void composite() {
        golden("0271756164730015011502141502", "quads", 1, 2, 0, 2);
        golden("016100150327", new byte[] {'a'}, 3, true);
    }

    @Test
    void fixedFieldsAreRawUnsignedBigEndian() {
        byte[] key = new KeyWriter().writeFixedInt(0x01020304).writeFixedLong(-1L).writeLong(7).toByteArray();
        assertThat(HexFormat.of().formatHex(key)).isEqualTo("01020304ffffffffffffffff1507");
        KeyReader r = new KeyReader(key);
        assertThat(r.readFixedInt()).isEqualTo(0x01020304);
        assertThat(r.readFixedLong()).isEqualTo(-1L);
        assertThat(r.readLong()).isEqualTo(7);
        assertThat(r.hasMore()).isFalse();
    }

    @Test
    void aFixedFieldCannotFollowAString() {
        KeyWriter w = new KeyWriter().writeString("a");
        assertThatThrownBy(() -> w.writeFixedLong(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0xFF");
        assertThatThrownBy(() -> new KeyWriter().writeBytes(new byte[] {1}).writeRaw(new byte[] {(byte) 0xFF}))
                .isInstanceOf(IllegalStateException.class);
        new KeyWriter().writeString("a").writeLong(1).writeFixedLong(1); // an element in between is fine
    }
}
