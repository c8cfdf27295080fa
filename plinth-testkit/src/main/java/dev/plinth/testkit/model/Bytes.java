package dev.plinth.testkit.model;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;

/** Byte-array helpers of the model tester: unsigned order and readable rendering. */
final class Bytes {
    /** The order keys have in every engine. */
    static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

    private Bytes() {
    }

    /**
     * Renders a key as a quoted string: printable ASCII as itself, anything else as {@code \xNN}.
     *
     * @param key the key, or {@code null}
     * @return the rendering, {@code null} as {@code -}
     */
    static String key(byte[] key) {
        if (key == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(key.length * 4 + 2).append('"');
        for (byte b : key) {
            int c = b & 0xFF;
            if (c >= 0x21 && c <= 0x7E && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(HexFormat.of().toHexDigits((byte) c));
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Renders a value as hex.
     *
     * @param value the value, or {@code null}
     * @return {@code null}, {@code 0x} for the empty value, or {@code 0x} followed by hex digits
     */
    static String value(byte[] value) {
        return value == null ? "null" : "0x" + HexFormat.of().formatHex(value);
    }
}
