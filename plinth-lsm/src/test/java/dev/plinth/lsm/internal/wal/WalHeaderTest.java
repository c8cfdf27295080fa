package dev.plinth.lsm.internal.wal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Every bit of a segment header is checked: the fields by the header's CRC32C, the reserved bytes 24 to 31 (outside
 * the CRC) by being zero. A flip in the reserved bytes went unnoticed before (LsmFaultTest's damage-at-rest run
 * failed on it now and then, when its random offset landed at 31).
 */
class WalHeaderTest {
    @Test
    void aFlipInAnyBitOfTheHeaderIsDetected() {
        byte[] good = WalFormat.header(7).array();
        assertThat(WalFormat.checkHeader(good, 7)).isNull();
        for (int i = 0; i < WalFormat.HEADER_SIZE; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThat(WalFormat.checkHeader(bad, 7)).as("byte %d bit %d", i, bit).isNotNull();
            }
        }
    }
}
