package dev.plinth.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/** Reading lent bytes ({@link EntrySink}) in place, for engines that lend and for the core. Stateless. */
public final class LentBytes {
    /** Reads eight bytes of an array as one big-endian {@code long}. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /**
     * Reads eight bytes of an array as one little-endian {@code long}, for {@link #mismatch}: the lowest differing
     * byte of two such words is the first differing byte of the arrays, whatever the platform's byte order.
     */
    private static final VarHandle LITTLE_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LentBytes() {
    }

    /**
     * Compares a lent key with a key in an array, as unsigned bytes (the order of every key in Plinth),
     * without copying it.
     *
     * @param key a lent key, from its position to its limit
     * @param other the array holding the other key
     * @param otherLength the other key's length, from index 0
     * @return negative, zero or positive as {@code key} sorts before, equal to or after the other key
     */
    public static int compare(ByteBuffer key, byte[] other, int otherLength) {
        int at = key.position();
        int length = key.limit() - at;
        int n = Math.min(length, otherLength);
        boolean bigEndian = key.order() == ByteOrder.BIG_ENDIAN;
        int i = 0;
        // Eight bytes at a time, both read big-endian, so that unsigned order of the words is the keys' order:
        // a byte at a time, this compare was 13% of an LMDB scan's profile (keys in order share long prefixes).
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            long a = key.getLong(at + i);
            if (!bigEndian) {
                a = Long.reverseBytes(a);
            }
            long b = (long) LONGS.get(other, i);
            if (a != b) {
                return Long.compareUnsigned(a, b);
            }
        }
        for (; i < n; i++) {
            int c = (key.get(at + i) & 0xFF) - (other[i] & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return length - otherLength;
    }

    /**
     * Where two ranges of arrays first differ, as {@link java.util.Arrays#mismatch(byte[], int, int, byte[], int,
     * int)} answers, for the short keys a cursor compares once per step: eight bytes at a time in the caller's
     * compiled code, where {@code Arrays.mismatch} calls a stub that pays off only on longer ranges (with keys of
     * 16 bytes, that call was a measurable part of a scan that compared each key with the one before).
     *
     * @param a the first array
     * @param aFrom the first range's start in it, inclusive
     * @param aTo the first range's end, exclusive
     * @param b the second array
     * @param bFrom the second range's start in it, inclusive
     * @param bTo the second range's end, exclusive
     * @return the index, relative to the ranges' starts, of the first byte that differs; the shorter range's length
     *     if one range is a proper prefix of the other; -1 if the ranges are equal
     * @throws IndexOutOfBoundsException if a range is not inside its array
     */
    public static int mismatch(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        Objects.checkFromToIndex(aFrom, aTo, a.length);
        Objects.checkFromToIndex(bFrom, bTo, b.length);
        int aLength = aTo - aFrom;
        int bLength = bTo - bFrom;
        int n = Math.min(aLength, bLength);
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            long x = (long) LITTLE_LONGS.get(a, aFrom + i);
            long y = (long) LITTLE_LONGS.get(b, bFrom + i);
            if (x != y) {
                return i + (Long.numberOfTrailingZeros(x ^ y) >>> 3);
            }
        }
        for (; i < n; i++) {
            if (a[aFrom + i] != b[bFrom + i]) {
                return i;
            }
        }
        return aLength == bLength ? -1 : n;
    }
}
