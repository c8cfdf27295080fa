package dev.plinth.keys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads an order-preserving key element by element, as {@link KeyWriter} wrote it, without building a
 * {@link Tuple}. Each {@code read...} call checks the type code and consumes one element; fixed fields are read
 * with {@link #readFixedLong()} and {@link #readFixedInt()}, by position.
 *
 * <p>Malformed input (a wrong type code, a truncated element, an unterminated string, an invalid escape or
 * UTF-8 sequence) throws {@link IllegalArgumentException} naming the offset and what was expected; the reader
 * never returns garbage and never reads past its bounds. Not thread-safe.
 */
public final class KeyReader {
    /** What the next element is, by its type code. */
    public enum Type {
        /** {@link KeyWriter#writeNull()}. */
        NULL,
        /** {@link KeyWriter#writeBytes(byte[])}. */
        BYTES,
        /** {@link KeyWriter#writeString(String)}. */
        STRING,
        /** {@link KeyWriter#writeLong(long)}. */
        INTEGER,
        /** {@link KeyWriter#writeDouble(double)}. */
        DOUBLE,
        /** {@link KeyWriter#writeBoolean(boolean)}. */
        BOOLEAN,
        /** {@link KeyWriter#writeUuid(UUID)}. */
        UUID
    }

    private final byte[] bytes;
    private final int end;
    private int pos;

    /**
     * A reader over a whole key.
     *
     * @param key the key; not copied, so it must not change while read
     * @throws NullPointerException if {@code key} is null
     */
    public KeyReader(byte[] key) {
        this(key, 0, key.length);
    }

    /**
     * A reader over part of an array.
     *
     * @param bytes the array; not copied
     * @param offset where the key starts
     * @param length its length
     * @throws IndexOutOfBoundsException if the part is not inside the array
     */
    public KeyReader(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, Objects.requireNonNull(bytes, "bytes").length);
        this.bytes = bytes;
        this.pos = offset;
        this.end = offset + length;
    }

    /**
     * Whether any bytes are left.
     *
     * @return {@code true} if another element or field follows
     */
    public boolean hasMore() {
        return pos < end;
    }

    /**
     * The offset of the next byte to read, in the array given.
     *
     * @return the position
     */
    public int position() {
        return pos;
    }

    /**
     * The type of the next element, without consuming it.
     *
     * @return the type
     * @throws IllegalArgumentException at the end, or if the next byte is no type code
     */
    public Type peekType() {
        int code = code("an element");
        if (code == TypeCodes.NULL) {
            return Type.NULL;
        } else if (code == TypeCodes.BYTES) {
            return Type.BYTES;
        } else if (code == TypeCodes.STRING) {
            return Type.STRING;
        } else if (code >= TypeCodes.INT_NEG_8 && code <= TypeCodes.INT_POS_8) {
            return Type.INTEGER;
        } else if (code == TypeCodes.DOUBLE) {
            return Type.DOUBLE;
        } else if (code == TypeCodes.FALSE || code == TypeCodes.TRUE) {
            return Type.BOOLEAN;
        } else if (code == TypeCodes.UUID) {
            return Type.UUID;
        }
        throw malformed(pos, "an element type code", "0x" + Integer.toHexString(code));
    }

    /**
     * Reads a null element.
     *
     * @throws IllegalArgumentException if the next element is not null
     */
    public void readNull() {
        expect(TypeCodes.NULL, "a null");
        pos++;
    }

    /**
     * Reads an integer element.
     *
     * @return the value
     * @throws IllegalArgumentException if the next element is not an integer, or is truncated
     */
    public long readLong() {
        int code = code("an integer");
        if (code < TypeCodes.INT_NEG_8 || code > TypeCodes.INT_POS_8) {
            throw malformed(pos, "an integer", "type code 0x" + Integer.toHexString(code));
        }
        int n = Math.abs(code - TypeCodes.INT_ZERO);
        if (end - pos < 1 + n) { // the message only when it fails: readLong is on every scan's path
            throw truncated("an integer of " + n + " bytes");
        }
        long v = 0;
        for (int i = 1; i <= n; i++) {
            v = (v << 8) | (bytes[pos + i] & 0xFF);
        }
        int at = pos;
        pos += 1 + n;
        if (code > TypeCodes.INT_ZERO) {
            if (v < 0 || (n > 1 && (v >>> ((n - 1) * 8)) == 0)) {
                throw malformed(at, "a positive integer in its shortest form", "another encoding of it");
            }
            return v;
        }
        if (code == TypeCodes.INT_ZERO) {
            return 0;
        }
        long magnitude = n == 8 ? ~v : ~v & ((1L << (n * 8)) - 1);
        if (n == 8 && magnitude == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (magnitude <= 0 || (n > 1 && (magnitude >>> ((n - 1) * 8)) == 0)) {
            throw malformed(at, "a negative integer in its shortest form", "another encoding of it");
        }
        return -magnitude;
    }

    /**
     * Reads an integer element that must fit an {@code int}.
     *
     * @return the value
     * @throws IllegalArgumentException if the next element is not an integer or does not fit
     */
    public int readInt() {
        int at = pos;
        long v = readLong();
        if (v != (int) v) {
            pos = at;
            throw malformed(at, "an integer that fits 32 bits", Long.toString(v));
        }
        return (int) v;
    }

    /**
     * Reads a byte string element.
     *
     * @return a new array
     * @throws IllegalArgumentException if the next element is not a byte string, or is malformed
     */
    public byte[] readBytes() {
        expect(TypeCodes.BYTES, "a byte string");
        return unescape(pos + 1, "a byte string");
    }

    /**
     * Reads a string element.
     *
     * @return the string
     * @throws IllegalArgumentException if the next element is not a string, or is malformed or not UTF-8
     */
    public String readString() {
        int at = pos;
        expect(TypeCodes.STRING, "a string");
        byte[] utf8 = unescape(pos + 1, "a string");
        if (isAscii(utf8)) {
            return new String(utf8, StandardCharsets.US_ASCII); // the common case, without a decoder
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            pos = at;
            throw malformed(at, "a string in UTF-8", "invalid UTF-8");
        }
    }

    /**
     * Reads a boolean element.
     *
     * @return the value
     * @throws IllegalArgumentException if the next element is not a boolean
     */
    public boolean readBoolean() {
        int code = code("a boolean");
        if (code != TypeCodes.FALSE && code != TypeCodes.TRUE) {
            throw malformed(pos, "a boolean", "type code 0x" + Integer.toHexString(code));
        }
        pos++;
        return code == TypeCodes.TRUE;
    }

    /**
     * Reads a double element.
     *
     * @return the value
     * @throws IllegalArgumentException if the next element is not a double, or is truncated
     */
    public double readDouble() {
        expect(TypeCodes.DOUBLE, "a double");
        require(9, "a double of 8 bytes");
        long bits = getBigEndian(pos + 1, 8);
        bits = bits < 0 ? bits ^ Long.MIN_VALUE : ~bits;
        double d = Double.longBitsToDouble(bits);
        if (Double.isNaN(d) && bits != Double.doubleToLongBits(Double.NaN)) {
            // Writers store only the canonical NaN: any other is not a key they wrote, and would not
            // re-encode to itself.
            throw malformed(pos, "a double (a NaN only in its canonical form)", "a NaN with other bits");
        }
        pos += 9;
        return d;
    }

    /**
     * Reads a UUID element.
     *
     * @return the UUID
     * @throws IllegalArgumentException if the next element is not a UUID, or is truncated
     */
    public UUID readUuid() {
        expect(TypeCodes.UUID, "a UUID");
        require(17, "a UUID of 16 bytes");
        UUID u = new UUID(getBigEndian(pos + 1, 8), getBigEndian(pos + 9, 8));
        pos += 17;
        return u;
    }

    /**
     * Reads a fixed field of 8 bytes ({@link KeyWriter#writeFixedLong(long)}).
     *
     * @return the value, as written (unsigned)
     * @throws IllegalArgumentException if fewer than 8 bytes are left
     */
    public long readFixedLong() {
        require(8, "a fixed field of 8 bytes");
        long v = getBigEndian(pos, 8);
        pos += 8;
        return v;
    }

    /**
     * Reads a fixed field of 4 bytes ({@link KeyWriter#writeFixedInt(int)}).
     *
     * @return the value, as written (unsigned)
     * @throws IllegalArgumentException if fewer than 4 bytes are left
     */
    public int readFixedInt() {
        require(4, "a fixed field of 4 bytes");
        int v = (int) getBigEndian(pos, 4);
        pos += 4;
        return v;
    }

    /**
     * Skips raw bytes the caller wrote with {@link KeyWriter#writeRaw(byte[])}.
     *
     * @param n how many
     * @throws IllegalArgumentException if fewer are left
     */
    public void skipRaw(int n) {
        if (end - pos < n) {
            throw truncated(n + " raw bytes");
        }
        pos += n;
    }

    private static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    /** Reads the escaped bytes from {@code from} up to the terminator and moves past it. */
    private byte[] unescape(int from, String what) {
        ByteArrayOutputStream out = null;
        int runStart = from;
        int i = from;
        while (true) {
            if (i >= end) {
                throw malformed(pos, what + " ended by 0x00", "the end of the key before its terminator");
            }
            if (bytes[i] == 0) {
                if (i + 1 < end && (bytes[i + 1] & 0xFF) == TypeCodes.ESCAPE) {
                    if (out == null) {
                        out = new ByteArrayOutputStream(i - from + 16);
                    }
                    out.write(bytes, runStart, i - runStart + 1); // the run and the 0x00 it escapes
                    i += 2;
                    runStart = i;
                    continue;
                }
                break;
            }
            i++;
        }
        byte[] result;
        if (out == null) {
            result = java.util.Arrays.copyOfRange(bytes, from, i);
        } else {
            out.write(bytes, runStart, i - runStart);
            result = out.toByteArray();
        }
        pos = i + 1;
        return result;
    }

    private long getBigEndian(int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (bytes[at + i] & 0xFF);
        }
        return v;
    }

    private int code(String expected) {
        if (pos >= end) {
            throw malformed(pos, expected, "the end of the key");
        }
        return bytes[pos] & 0xFF;
    }

    private void expect(int code, String expected) {
        int actual = code(expected);
        if (actual != code) {
            throw malformed(pos, expected, "type code 0x" + Integer.toHexString(actual));
        }
    }

    /**
     * Checks that {@code n} bytes are left.
     *
     * @param expected a constant, so a call that passes builds no message
     */
    private void require(int n, String expected) {
        if (end - pos < n) {
            throw truncated(expected);
        }
    }

    private IllegalArgumentException truncated(String expected) {
        return malformed(pos, expected, "only " + (end - pos) + " bytes left");
    }

    private static IllegalArgumentException malformed(int at, String expected, String found) {
        return new IllegalArgumentException("malformed key at offset " + at + ": expected " + expected + ", found "
                + found);
    }

    @Override
    public String toString() {
        return "KeyReader[at " + pos + " of " + end + "]";
    }
}
