package dev.plinth.keys;

import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds an order-preserving key element by element, without building a {@link Tuple}: the fast path for code
 * that writes many keys of a known shape. The bytes are exactly what {@link Tuple#pack()} writes for the same
 * elements, so the two can be mixed; the format is in {@code docs/format/keys.md}.
 *
 * <p>Two kinds of field: <em>elements</em> ({@code write...}), which carry a type code and compare in tuple
 * order, and <em>fixed fields</em> ({@link #writeFixedLong(long)}, {@link #writeFixedInt(int)}), which are raw
 * unsigned big-endian bytes with no type code, for keys whose shape is fixed (a log index). Fixed fields sort
 * as unsigned numbers and must be read back as fixed fields, by position; {@link Tuple#unpack(byte[])} cannot
 * read them. A fixed or raw field cannot directly follow a string or byte string element (a reader would take
 * a leading 0xFF for an escape); the writer refuses that with {@link IllegalStateException}.
 *
 * <p>Not thread-safe. Reusable: {@link #reset()} keeps the buffer.
 */
public final class KeyWriter {
    private byte[] buf;
    private int size;
    /**
     * Whether the last thing written was a string or byte string, whose terminator a following raw byte
     * 0xFF would turn into an escape: fixed and raw fields may not follow one.
     */
    private boolean afterTerminator;

    /** A writer with a small buffer that grows as needed. */
    public KeyWriter() {
        this(32);
    }

    /**
     * A writer whose buffer starts with the given capacity.
     *
     * @param capacity the initial capacity in bytes
     * @throws IllegalArgumentException if negative
     */
    public KeyWriter(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be 0 or more, got " + capacity);
        }
        buf = new byte[capacity];
    }

    /**
     * Forgets what was written, keeping the buffer.
     *
     * @return this writer
     */
    public KeyWriter reset() {
        size = 0;
        afterTerminator = false;
        return this;
    }

    /**
     * The number of bytes written.
     *
     * @return the size
     */
    public int size() {
        return size;
    }

    /**
     * A copy of the bytes written.
     *
     * @return a new array
     */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /**
     * Writes a null element, which sorts before every other element.
     *
     * @return this writer
     */
    public KeyWriter writeNull() {
        afterTerminator = false;
        ensure(1);
        buf[size++] = TypeCodes.NULL;
        return this;
    }

    /**
     * Writes a signed integer element: one to nine bytes, fewer for values near zero, ordered by value.
     *
     * @param value the value
     * @return this writer
     */
    public KeyWriter writeLong(long value) {
        afterTerminator = false;
        ensure(9);
        if (value == 0) {
            buf[size++] = TypeCodes.INT_ZERO;
            return this;
        }
        if (value > 0) {
            int n = byteLength(value);
            buf[size++] = (byte) (TypeCodes.INT_ZERO + n);
            putBigEndian(value, n);
        } else {
            // The magnitude's one's complement over n bytes: larger magnitudes give smaller bytes. The
            // magnitude of Long.MIN_VALUE is 2^63, which fits 8 unsigned bytes as the bits of MIN_VALUE.
            long magnitude = -value;
            int n = value == Long.MIN_VALUE ? 8 : byteLength(magnitude);
            buf[size++] = (byte) (TypeCodes.INT_ZERO - n);
            putBigEndian(~magnitude, n);
        }
        return this;
    }

    /**
     * Writes an integer element from an {@code int}; the same bytes as {@link #writeLong(long)}.
     *
     * @param value the value
     * @return this writer
     */
    public KeyWriter writeInt(int value) {
        return writeLong(value);
    }

    /**
     * Writes a byte string element: the bytes with each 0x00 escaped, then a terminator; ordered as unsigned
     * bytes, a prefix first.
     *
     * @param value the bytes
     * @return this writer
     * @throws NullPointerException if {@code value} is null
     */
    public KeyWriter writeBytes(byte[] value) {
        Objects.requireNonNull(value, "value");
        ensure(2 + 2 * value.length); // every byte escaped, at worst
        buf[size++] = TypeCodes.BYTES;
        for (byte b : value) {
            if (b == 0) {
                buf[size++] = 0;
                buf[size++] = (byte) TypeCodes.ESCAPE;
            } else {
                buf[size++] = b;
            }
        }
        buf[size++] = TypeCodes.TERMINATOR;
        afterTerminator = true;
        return this;
    }

    /**
     * Writes a string element: its UTF-8 bytes with each 0x00 escaped, then a terminator; ordered by UTF-8
     * bytes, which is code point order (not {@link String#compareTo}, which orders UTF-16 units).
     *
     * @param value the string
     * @return this writer
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if it holds an unpaired surrogate, which UTF-8 cannot encode
     */
    public KeyWriter writeString(String value) {
        Objects.requireNonNull(value, "value");
        int n = value.length();
        ensure(2 + 3 * n); // at most 3 UTF-8 bytes per UTF-16 unit (4 per surrogate pair), 2 for an escaped 0
        buf[size++] = TypeCodes.STRING;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c != 0 && c < 0x80) {
                buf[size++] = (byte) c;
            } else if (c == 0) {
                buf[size++] = 0;
                buf[size++] = (byte) TypeCodes.ESCAPE;
            } else {
                if (c < 0x800) {
                    buf[size++] = (byte) (0xC0 | (c >> 6));
                    buf[size++] = (byte) (0x80 | (c & 0x3F));
                } else if (!Character.isSurrogate(c)) {
                    buf[size++] = (byte) (0xE0 | (c >> 12));
                    buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[size++] = (byte) (0x80 | (c & 0x3F));
                } else {
                    if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(value.charAt(i + 1))) {
                        throw unpairedSurrogate(i);
                    }
                    int cp = Character.toCodePoint(c, value.charAt(++i));
                    buf[size++] = (byte) (0xF0 | (cp >> 18));
                    buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[size++] = (byte) (0x80 | (cp & 0x3F));
                }
            }
        }
        buf[size++] = TypeCodes.TERMINATOR;
        afterTerminator = true;
        return this;
    }

    /**
     * Writes a boolean element; {@code false} sorts before {@code true}.
     *
     * @param value the value
     * @return this writer
     */
    public KeyWriter writeBoolean(boolean value) {
        afterTerminator = false;
        ensure(1);
        buf[size++] = (byte) (value ? TypeCodes.TRUE : TypeCodes.FALSE);
        return this;
    }

    /**
     * Writes a double element, ordered as {@link Double#compare}: {@code -0.0} before {@code 0.0}, every NaN
     * written as the one canonical NaN, after positive infinity.
     *
     * @param value the value
     * @return this writer
     */
    public KeyWriter writeDouble(double value) {
        afterTerminator = false;
        ensure(9);
        buf[size++] = TypeCodes.DOUBLE;
        long bits = Double.doubleToLongBits(value); // canonical NaN
        // Negative numbers: flip every bit (larger magnitude, smaller bytes); others: flip the sign bit.
        bits = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
        putBigEndian(bits, 8);
        return this;
    }

    /**
     * Writes a UUID element: its 16 bytes, most significant first, ordered as unsigned 128-bit numbers (not
     * as {@link UUID#compareTo}, which compares signed halves).
     *
     * @param value the UUID
     * @return this writer
     * @throws NullPointerException if {@code value} is null
     */
    public KeyWriter writeUuid(UUID value) {
        afterTerminator = false;
        Objects.requireNonNull(value, "value");
        ensure(17);
        buf[size++] = TypeCodes.UUID;
        putBigEndian(value.getMostSignificantBits(), 8);
        putBigEndian(value.getLeastSignificantBits(), 8);
        return this;
    }

    /**
     * Writes a fixed field of 8 bytes: the value as an unsigned big-endian number, with no type code.
     *
     * @param value the value, taken as unsigned
     * @return this writer
     */
    public KeyWriter writeFixedLong(long value) {
        fixedField("a fixed field");
        ensure(8);
        putBigEndian(value, 8);
        return this;
    }

    /**
     * Writes a fixed field of 4 bytes: the value as an unsigned big-endian number, with no type code.
     *
     * @param value the value, taken as unsigned
     * @return this writer
     */
    public KeyWriter writeFixedInt(int value) {
        fixedField("a fixed field");
        ensure(4);
        putBigEndian(value & 0xFFFFFFFFL, 4);
        return this;
    }

    /**
     * Writes bytes as they are, with no type code or escaping: for a prefix the caller owns (a keyspace tag),
     * read back by position.
     *
     * @param raw the bytes
     * @return this writer
     * @throws NullPointerException if {@code raw} is null
     */
    public KeyWriter writeRaw(byte[] raw) {
        Objects.requireNonNull(raw, "raw");
        fixedField("raw bytes");
        ensure(raw.length);
        System.arraycopy(raw, 0, buf, size, raw.length);
        size += raw.length;
        return this;
    }

    /**
     * Checks that a string has no unpaired surrogate, which UTF-8 cannot encode.
     *
     * @param value the string
     * @throws IllegalArgumentException if it has one
     */
    static void requireEncodable(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw unpairedSurrogate(i);
                }
                i++;
            }
        }
    }

    private static IllegalArgumentException unpairedSurrogate(int index) {
        return new IllegalArgumentException("string has an unpaired surrogate at index " + index
                + ", which UTF-8 cannot encode");
    }

    /** The number of bytes a positive magnitude needs. */
    private static int byteLength(long magnitude) {
        return (71 - Long.numberOfLeadingZeros(magnitude)) >>> 3;
    }

    private void putBigEndian(long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            buf[size++] = (byte) (v >>> (i * 8));
        }
    }

    /** Refuses a fixed or raw field right after a string's terminator (see {@link #afterTerminator}). */
    private void fixedField(String what) {
        if (afterTerminator) {
            throw new IllegalStateException(what + " cannot follow a string or byte string element: a reader would"
                    + " take a following 0xFF byte for an escaped 0x00; put the fixed field first, or an element"
                    + " between");
        }
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    @Override
    public String toString() {
        return "KeyWriter[" + size + " bytes]";
    }
}
