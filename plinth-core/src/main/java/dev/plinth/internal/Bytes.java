package dev.plinth.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;

/** Byte-array helpers shared by the core. Stateless. */
public final class Bytes {
    /** Unsigned lexicographic order, the order of every key in Plinth. */
    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private Bytes() {
    }

    /**
     * Compares keys as unsigned bytes.
     *
     * @param a a key
     * @param b a key
     * @return negative, zero or positive
     */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * The smallest key greater than {@code key}: the key followed by a zero byte.
     *
     * @param key a key
     * @return a new array
     */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /**
     * Whether {@code key} lies in {@code [start, end)}, null bounds unbounded.
     *
     * @param key a key
     * @param start inclusive start or null
     * @param end exclusive end or null
     * @return whether it is inside
     */
    public static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return (start == null || compare(key, start) >= 0) && (end == null || compare(key, end) < 0);
    }

    /**
     * A short hex form for messages.
     *
     * @param b bytes or null
     * @return hex, cut after 32 bytes
     */
    public static String hex(byte[] b) {
        if (b == null) {
            return "null";
        }
        return b.length > 32 ? HexFormat.of().formatHex(b, 0, 32) + "...(" + b.length + " bytes)"
                : HexFormat.of().formatHex(b);
    }
}
