package dev.plinth.testkit.contract;

import dev.plinth.Cursor;
import dev.plinth.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * Small byte-array helpers for the contracts: building keys, showing them readably in assertion
 * messages, and draining cursors into lists. Stateless and thread-safe.
 *
 * <p>Keys are shown by {@link #show(byte[])}: printable ASCII as itself, anything else as {@code 0x}
 * followed by hex, so that expected lists in tests read like {@code List.of("a", "b", "0x00ff")}.
 */
public final class Bytes {
    /** Unsigned lexicographic order, the order every engine sorts keys in. */
    public static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    private Bytes() {
    }

    /**
     * The UTF-8 bytes of a string.
     *
     * @param s the text
     * @return a new array
     */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An array of raw bytes given as unsigned ints ({@code 0..255}).
     *
     * @param unsigned the byte values
     * @return a new array
     */
    public static byte[] raw(int... unsigned) {
        byte[] b = new byte[unsigned.length];
        for (int i = 0; i < unsigned.length; i++) {
            if (unsigned[i] < 0 || unsigned[i] > 255) {
                throw new IllegalArgumentException("not a byte: " + unsigned[i]);
            }
            b[i] = (byte) unsigned[i];
        }
        return b;
    }

    /**
     * The concatenation of arrays.
     *
     * @param parts the arrays
     * @return a new array
     */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * An array of {@code size} bytes with a pattern that depends on {@code seed}, so that two arrays of
     * the same size but different seeds differ at many positions.
     *
     * @param size the length
     * @param seed the pattern's seed
     * @return a new array
     */
    public static byte[] filled(int size, int seed) {
        byte[] b = new byte[size];
        int x = seed * 0x9E3779B9 + 1;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }

    /**
     * A big-endian 8-byte encoding of a long.
     *
     * @param v the number
     * @return a new array of 8 bytes
     */
    public static byte[] longBytes(long v) {
        return ByteBuffer.allocate(Long.BYTES).putLong(v).array();
    }

    /**
     * Decodes {@link #longBytes(long)}.
     *
     * @param b 8 bytes
     * @return the number
     */
    public static long toLong(byte[] b) {
        if (b == null || b.length != Long.BYTES) {
            throw new AssertionError("not an 8-byte long: " + show(b));
        }
        return ByteBuffer.wrap(b).getLong();
    }

    /**
     * Lower-case hex of an array.
     *
     * @param b the bytes
     * @return the hex
     */
    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /**
     * A readable form of an array: printable ASCII text as itself, else {@code 0x} and hex; arrays longer
     * than 64 bytes are shown by length and a hash.
     *
     * @param b the bytes, or {@code null}
     * @return the readable form; {@code "null"} for {@code null}
     */
    public static String show(byte[] b) {
        if (b == null) {
            return "null";
        }
        if (b.length > 64) {
            return "<" + b.length + " bytes, hash " + Integer.toHexString(Arrays.hashCode(b)) + ">";
        }
        boolean printable = b.length > 0;
        for (byte x : b) {
            if (x < 0x20 || x > 0x7E) {
                printable = false;
                break;
            }
        }
        if (printable && !(b.length >= 2 && b[0] == '0' && b[1] == 'x')) {
            return new String(b, StandardCharsets.US_ASCII);
        }
        return "0x" + hex(b);
    }

    /**
     * Drains a cursor, returning each key in {@link #show(byte[])} form. Does not close the cursor.
     *
     * @param c the cursor
     * @return the keys in cursor order
     */
    public static List<String> keysOf(Cursor c) {
        List<String> out = new ArrayList<>();
        while (c.next()) {
            out.add(show(c.key()));
        }
        return out;
    }

    /**
     * Drains a cursor, returning {@code key=value} for each entry in {@link #show(byte[])} form. Does not
     * close the cursor.
     *
     * @param c the cursor
     * @return the entries in cursor order
     */
    public static List<String> entriesOf(Cursor c) {
        List<String> out = new ArrayList<>();
        while (c.next()) {
            out.add(show(c.key()) + "=" + show(c.value()));
        }
        return out;
    }

    /**
     * The keys of scanned entries in {@link #show(byte[])} form.
     *
     * @param kvs the entries
     * @return the keys, in the same order
     */
    public static List<String> keys(List<KeyValue> kvs) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : kvs) {
            out.add(show(kv.key()));
        }
        return out;
    }

    /**
     * The scanned entries as {@code key=value} in {@link #show(byte[])} form.
     *
     * @param kvs the entries
     * @return the entries, in the same order
     */
    public static List<String> entries(List<KeyValue> kvs) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : kvs) {
            out.add(show(kv.key()) + "=" + show(kv.value()));
        }
        return out;
    }
}
