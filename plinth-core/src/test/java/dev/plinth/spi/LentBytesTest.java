package dev.plinth.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LentBytes#compare} orders as {@link Arrays#compareUnsigned(byte[], byte[])} does, wherever the key lies;
 * {@link LentBytes#mismatch} answers as {@link Arrays#mismatch(byte[], int, int, byte[], int, int)} does.
 */
class LentBytesTest {
    @Test
    void comparesAsUnsignedBytesForEveryLengthPrefixByteOrderAndBuffer() {
        Random random = new Random(9);
        for (int n = 0; n < 20_000; n++) {
            byte[] a = key(random);
            byte[] b = random.nextInt(4) == 0 ? a.clone() : key(random);
            if (b.length > 0 && random.nextBoolean()) {
                // a common prefix, then a difference that may sit in any byte of a word, high bit or not
                a = Arrays.copyOf(b, Math.max(1, random.nextInt(b.length + 3)));
                a[random.nextInt(a.length)] ^= (byte) (1 << random.nextInt(8));
            }
            int offset = random.nextInt(9);
            ByteBuffer lent = random.nextBoolean() ? ByteBuffer.allocateDirect(offset + a.length + 8)
                    : ByteBuffer.allocate(offset + a.length + 8);
            lent.order(random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            lent.position(offset);
            lent.put(a).put(new byte[] {(byte) 0xFF, 0, 1});
            lent.limit(offset + a.length).position(offset);
            byte[] other = Arrays.copyOf(b, b.length + random.nextInt(3)); // the length says where it ends
            int expected = Integer.signum(Arrays.compareUnsigned(a, b));
            assertThat(Integer.signum(LentBytes.compare(lent, other, b.length)))
                    .as("%s vs %s", Arrays.toString(a), Arrays.toString(b)).isEqualTo(expected);
            assertThat(lent.position()).isEqualTo(offset);
            assertThat(lent.limit()).isEqualTo(offset + a.length);
        }
    }

    private static byte[] key(Random random) {
        byte[] k = new byte[random.nextInt(40)];
        random.nextBytes(k);
        return k;
    }

    @Test
    void findsTheFirstDifferenceAsArraysMismatchForEveryOffsetLengthAndPrefix() {
        Random random = new Random(10);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = key(random);
            byte[] a = random.nextInt(4) == 0 ? b.clone() : key(random);
            if (b.length > 0 && random.nextBoolean()) {
                // a common prefix of any length, then perhaps a difference in any byte of a word, high bit or not
                a = Arrays.copyOf(b, random.nextInt(b.length + 3));
                if (a.length > 0 && random.nextBoolean()) {
                    a[random.nextInt(a.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            int aFrom = random.nextInt(9);
            int bFrom = random.nextInt(9);
            byte[] aIn = place(random, a, aFrom);
            byte[] bIn = place(random, b, bFrom);
            assertThat(LentBytes.mismatch(aIn, aFrom, aFrom + a.length, bIn, bFrom, bFrom + b.length))
                    .as("%s vs %s", Arrays.toString(a), Arrays.toString(b))
                    .isEqualTo(Arrays.mismatch(a, b));
        }
    }

    @Test
    void aMismatchOfRangesOutsideTheirArraysIsRefused() {
        byte[] a = new byte[16];
        assertThatThrownBy(() -> LentBytes.mismatch(a, 0, 17, a, 0, 16)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> LentBytes.mismatch(a, 0, 16, a, 9, 17)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> LentBytes.mismatch(a, 2, 1, a, 0, 16)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** {@code bytes} at {@code offset} in a larger array, with random bytes before and after them. */
    private static byte[] place(Random random, byte[] bytes, int offset) {
        byte[] in = new byte[offset + bytes.length + random.nextInt(9)];
        random.nextBytes(in);
        System.arraycopy(bytes, 0, in, offset, bytes.length);
        return in;
    }
}
