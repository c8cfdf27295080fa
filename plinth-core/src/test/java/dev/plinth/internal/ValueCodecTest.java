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
        assertThat(raw).hasSize(ValueCodec.MAX_OVERHEAD + 1);
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
}
