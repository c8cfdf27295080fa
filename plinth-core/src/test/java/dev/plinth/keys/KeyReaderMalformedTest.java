package dev.plinth.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Malformed keys are refused with a clear message naming the offset; decoding never loops or reads past. */
class KeyReaderMalformedTest {
    private static void refused(String hex, String message) {
        byte[] key = HexFormat.of().parseHex(hex);
        assertThatThrownBy(() -> Tuple.unpack(key)).as(hex).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed key at offset").hasMessageContaining(message);
    }

    @Test
    void eachKindOfDamageIsNamed() {
        refused("ff", "expected an element type code");
        refused("0261", "before its terminator");
        refused("01", "before its terminator");
        refused("1601", "an integer of 2 bytes");
        refused("1c7f", "an integer of 8 bytes");
        refused("1600ff", "shortest form");
        refused("1cffffffffffffffff", "shortest form");
        refused("12ffff", "shortest form");
        refused("21000000", "a double of 8 bytes");
        refused("300102", "a UUID of 16 bytes");
        refused("02ff00", "UTF-8");
        refused("0200fe", "an element type code");
        refused("21fff8000000000001", "canonical form");
    }

    @Test
    void readersOfTheWrongTypeSayWhatTheyFound() {
        KeyReader r = new KeyReader(Tuple.of("x").pack());
        assertThatThrownBy(r::readLong).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("malformed key at offset 0: expected an integer, found type code 0x2");
        assertThat(r.readString()).isEqualTo("x");
        assertThatThrownBy(r::readLong).hasMessageContaining("found the end of the key");
        assertThatThrownBy(() -> new KeyReader(Tuple.of(1L << 40).pack()).readInt())
                .hasMessageContaining("fits 32 bits");
        assertThatThrownBy(() -> new KeyReader(new byte[2]).skipRaw(3))
                .hasMessage("malformed key at offset 0: expected 3 raw bytes, found only 2 bytes left");
    }

    @Test
    void randomBytesDecodeOrAreRefusedNeverAnythingElse() {
        Random r = new Random(7);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(12)];
            r.nextBytes(b);
            try {
                Tuple t = Tuple.unpack(b);
                // Whatever decodes encodes back to the same bytes: each value has one encoding.
                assertThat(t.pack()).as(HexFormat.of().formatHex(b)).isEqualTo(b);
                decoded++;
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).startsWith("malformed key at offset");
            }
        }
        assertThat(decoded).as("some random keys are valid").isPositive();
    }
}
