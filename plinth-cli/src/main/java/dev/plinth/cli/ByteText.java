package dev.plinth.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The ways the command line writes and reads bytes: escaped text, hex, base64, and JSON strings.
 * Stateless; thread-safe.
 *
 * <p>Escaped text is UTF-8 in which a backslash starts an escape: {@code \\} is one backslash and
 * {@code \xHH} is the byte {@code HH}. {@link #escape(byte[])} prints every byte that is not part of a
 * printable UTF-8 character (controls, tab, invalid UTF-8, non-ASCII spaces, format characters) as
 * {@code \xHH}, so its output holds no tab, newline or other whitespace but the ASCII space, and
 * {@link #unescape(String)} of it gives back the exact bytes.
 */
public final class ByteText {
    private static final HexFormat HEX = HexFormat.of();

    private ByteText() {
    }

    /**
     * Formats bytes as escaped text.
     *
     * @param b the bytes
     * @return the text; decoding it with {@link #unescape(String)} gives {@code b}
     */
    public static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                if (c == '\\') {
                    sb.append("\\\\");
                } else if (c >= 0x20 && c < 0x7F) {
                    sb.append((char) c);
                } else {
                    hexEscape(sb, c);
                }
                i++;
                continue;
            }
            int len = utf8Length(b, i);
            if (len > 0) {
                int cp = new String(b, i, len, StandardCharsets.UTF_8).codePointAt(0);
                if (printable(cp)) {
                    sb.appendCodePoint(cp);
                    i += len;
                    continue;
                }
            }
            hexEscape(sb, c);
            i++;
        }
        return sb.toString();
    }

    /**
     * Parses escaped text.
     *
     * @param s the text
     * @return the bytes
     * @throws IllegalArgumentException if a backslash starts anything but {@code \\} or {@code \xHH}
     */
    public static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            char ch = s.charAt(i);
            if (ch != '\\') {
                int cp = s.codePointAt(i);
                byte[] enc = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                out.write(enc, 0, enc.length);
                i += Character.charCount(cp);
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                out.write('\\');
                i += 2;
            } else if (i + 3 < s.length() && s.charAt(i + 1) == 'x'
                    && HexFormat.isHexDigit(s.charAt(i + 2)) && HexFormat.isHexDigit(s.charAt(i + 3))) {
                out.write(HexFormat.fromHexDigits(s, i + 2, i + 4));
                i += 4;
            } else {
                throw new IllegalArgumentException("bad escape at position " + (i + 1) + " of '" + s
                        + "': a backslash must start \\\\ (one backslash) or \\xHH (one byte in hex)");
            }
        }
        return out.toByteArray();
    }

    /**
     * Formats bytes as lower-case hex, two digits a byte.
     *
     * @param b the bytes
     * @return the hex
     */
    public static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    /**
     * Parses hex, two digits a byte, either case.
     *
     * @param s the hex
     * @return the bytes
     * @throws IllegalArgumentException if {@code s} is not an even number of hex digits
     */
    public static byte[] unhex(String s) {
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("'" + s + "' is not hex: odd number of digits");
        }
        for (int i = 0; i < s.length(); i++) {
            if (!HexFormat.isHexDigit(s.charAt(i))) {
                throw new IllegalArgumentException("'" + s + "' is not hex: '" + s.charAt(i) + "' at position "
                        + (i + 1));
            }
        }
        return HEX.parseHex(s);
    }

    /**
     * Formats bytes as standard base64 with padding (RFC 4648 section 4).
     *
     * @param b the bytes
     * @return the base64
     */
    public static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * Parses standard base64, with or without padding.
     *
     * @param s the base64
     * @return the bytes
     * @throws IllegalArgumentException if {@code s} is not base64
     */
    public static byte[] unbase64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' is not base64: " + e.getMessage());
        }
    }

    /**
     * The bytes as a Java string if they are well-formed UTF-8.
     *
     * @param b the bytes
     * @return the decoded text, or {@code null} if {@code b} is not well-formed UTF-8
     */
    public static String utf8OrNull(byte[] b) {
        int i = 0;
        while (i < b.length) {
            if (b[i] >= 0) {
                i++;
                continue;
            }
            int len = utf8Length(b, i);
            if (len == 0) {
                return null;
            }
            i += len;
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * Quotes text as a JSON string (RFC 8259): quote, backslash and control characters escaped, and
     * U+007F, U+2028 and U+2029 written as {@code \\uXXXX} too.
     *
     * @param s the text
     * @return the JSON string, quotes included
     */
    public static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7F || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A JSON member holding bytes: {@code "name":"text"} if they are well-formed UTF-8, else
     * {@code "name_base64":"..."}.
     *
     * @param name the member's name
     * @param b the bytes
     * @return the member
     */
    public static String jsonBytes(String name, byte[] b) {
        String text = utf8OrNull(b);
        return text != null ? jsonString(name) + ":" + jsonString(text)
                : jsonString(name + "_base64") + ":" + jsonString(base64(b));
    }

    private static void hexEscape(StringBuilder sb, int c) {
        sb.append("\\x").append(HEX.toHexDigits((byte) c));
    }

    /** The length of the well-formed UTF-8 sequence at {@code i} (RFC 3629), or 0 if there is none. */
    private static int utf8Length(byte[] b, int i) {
        int c = b[i] & 0xFF;
        int len;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + len > b.length) {
            return 0;
        }
        int cp = c & (0xFF >> (len + 1));
        for (int k = 1; k < len; k++) {
            int cc = b[i + k] & 0xFF;
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        return len;
    }

    private static boolean printable(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.UNASSIGNED, Character.PRIVATE_USE,
                    Character.SURROGATE, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> {
                return false;
            }
            default -> {
                return true;
            }
        }
    }
}
