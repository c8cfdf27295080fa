package dev.plinth.raftlog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The log on a store decodes the index of a key and the term of a value from the views a cursor lends, whose byte
 * order {@link dev.plinth.Cursor#keyView()} leaves unspecified: the stored longs are big-endian whatever the order.
 */
class StoreRaftStorageDecodeTest {

    /** A read-only view of {@code bytes} placed at offset 3 of a larger array, in little-endian order. */
    private static ByteBuffer littleEndianView(byte[] bytes) {
        byte[] larger = new byte[bytes.length + 5];
        System.arraycopy(bytes, 0, larger, 3, bytes.length);
        return ByteBuffer.wrap(larger, 3, bytes.length).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void theIndexAndTermAreReadBigEndianWhateverTheViewsByteOrder() {
        ByteBuffer key = littleEndianView(StoreRaftStorage.entryKey(7, 0x0102030405L));
        assertThat(StoreRaftStorage.keyIndex(7, 0x0102030405L, key)).isEqualTo(0x0102030405L);
        ByteBuffer value = littleEndianView(new byte[] {0, 0, 0, 0, 0, 0, 1, 2, 42});
        assertThat(StoreRaftStorage.checkedTerm(7, 1, value)).isEqualTo(0x0102);
        assertThat(StoreRaftStorage.entryOf(1, 0x0102, value).term()).isEqualTo(0x0102);
        assertThat(key.position()).isZero();
        assertThat(value.position()).isZero();
    }
}
