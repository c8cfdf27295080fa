package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
    @Test
    void plainValuesRoundTripAndNeverExpire() {
        byte[] raw = ValueCodec.encode(new byte[] {1, 2, 3}, 0);
        assertThat(raw).containsExactly(0, 1, 2, 3);
        assertThat(ValueCodec.decode(raw)).containsExactly(1, 2, 3);
        assertThat(ValueCodec.isLive(raw, Long.MAX_VALUE)).isTrue();
        assertThat(ValueCodec.decode(ValueCodec.encode(new byte[0], 0))).isEmpty();
    }

    @Test
    void expiringValuesExpireExactlyAtTheirInstant() {
        byte[] raw = ValueCodec.encode(new byte[] {7}, 1_000);
        assertThat(raw).hasSize(ValueCodec.EXPIRY_PREFIX + 1);
        assertThat(ValueCodec.expiresAt(raw)).isEqualTo(1_000);
        assertThat(ValueCodec.isLive(raw, 999)).isTrue();
        assertThat(ValueCodec.isLive(raw, 1_000)).isFalse();
        assertThat(ValueCodec.decodeIfLive(raw, 999)).containsExactly(7);
        assertThat(ValueCodec.decodeIfLive(raw, 1_000)).isNull();
        assertThat(ValueCodec.liveEquals(raw, new byte[] {7}, 999)).isTrue();
        assertThat(ValueCodec.liveEquals(raw, new byte[] {7}, 1_000)).isFalse();
        assertThat(ValueCodec.liveEquals(raw, new byte[] {8}, 999)).isFalse();
    }

    @Test
    void expiryIsBigEndianAndSaturates() {
        byte[] raw = ValueCodec.encode(new byte[0], 0x0102030405060708L);
        assertThat(raw).containsExactly(1, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(ValueCodec.expiry(Long.MAX_VALUE - 5, 10)).isEqualTo(Long.MAX_VALUE);
        assertThat(ValueCodec.expiry(100, 50)).isEqualTo(150);
    }

    @Test
    void unknownHeaderIsCorruptionNotData() {
        assertThatThrownBy(() -> ValueCodec.decode(new byte[] {5, 1})).isInstanceOf(CorruptionException.class);
        assertThatThrownBy(() -> ValueCodec.isLive(new byte[] {1, 0}, 0)).isInstanceOf(CorruptionException.class);
        assertThatThrownBy(() -> ValueCodec.isLive(new byte[0], 0)).isInstanceOf(CorruptionException.class);
    }

    @Test
    void checkedFormsCarryACrc32cOfKeyHeaderAndValue() {
        byte[] key = {9, 9};
        byte[] plain = ValueCodec.encode(key, new byte[] {1, 2}, 0);
        byte[] expiring = ValueCodec.encode(key, new byte[] {1, 2}, 0x0102030405060708L);
        assertThat(plain).hasSize(1 + 4 + 2).startsWith(ValueCodec.CHECKED_PLAIN);
        assertThat(expiring).hasSize(ValueCodec.MAX_OVERHEAD + 2).startsWith(ValueCodec.CHECKED_EXPIRING, 1, 2, 3, 4, 5,
                6, 7, 8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(key);
        crc.update(new byte[] {ValueCodec.CHECKED_PLAIN});
        crc.update(new byte[] {1, 2});
        int expected = (int) crc.getValue();
        assertThat(java.nio.ByteBuffer.wrap(plain, 1, 4).getInt()).isEqualTo(expected);
        for (byte[] raw : new byte[][] {plain, expiring}) {
            assertThat(ValueCodec.decode(raw)).containsExactly(1, 2);
            assertThat(ValueCodec.isChecked(raw)).isTrue();
            assertThat(ValueCodec.checksumMatches(key, raw)).isTrue();
            assertThat(ValueCodec.checksumMatches(new byte[] {9, 8}, raw)).as("another key").isFalse();
            assertThat(ValueCodec.liveEquals(raw, new byte[] {1, 2}, 0)).isTrue();
        }
        assertThat(ValueCodec.expiresAt(expiring)).isEqualTo(0x0102030405060708L);
    }

    @Test
    void everyFlippedBitOfACheckedValueIsCaught() {
        byte[] key = "key".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (long expiry : new long[] {0, 123_456_789L}) {
            byte[] raw = ValueCodec.encode(key, "value".getBytes(java.nio.charset.StandardCharsets.UTF_8), expiry);
            for (int bit = 0; bit < raw.length * 8; bit++) {
                byte[] damaged = raw.clone();
                damaged[bit / 8] ^= (byte) (1 << (bit % 8));
                boolean caught;
                try {
                    ValueCodec.valueOffset(damaged);
                    // A header that still reads as an unchecked form would escape the checksum.
                    caught = ValueCodec.isChecked(damaged) && !ValueCodec.checksumMatches(key, damaged);
                } catch (CorruptionException e) {
                    caught = true;
                }
                assertThat(caught).as("bit %d of %s", bit, Bytes.hex(raw)).isTrue();
            }
        }
    }

    @Test
    void checkedHeadersAreAtLeastTwoBitsFromEveryOtherHeader() {
        byte[] headers = {ValueCodec.PLAIN, ValueCodec.EXPIRING, ValueCodec.CHECKED_PLAIN, ValueCodec.CHECKED_EXPIRING};
        for (int i = 2; i < headers.length; i++) {
            for (int j = 0; j < headers.length; j++) {
                if (i != j) {
                    assertThat(Integer.bitCount((headers[i] ^ headers[j]) & 0xFF)).isGreaterThanOrEqualTo(2);
                }
            }
        }
    }

    @Test
    void aCheckedFormCutShortIsMalformed() {
        byte[] raw = ValueCodec.encode(new byte[] {1}, new byte[0], 5);
        assertThatThrownBy(() -> ValueCodec.valueOffset(java.util.Arrays.copyOf(raw, raw.length - 1)))
                .isInstanceOf(CorruptionException.class);
    }
}
