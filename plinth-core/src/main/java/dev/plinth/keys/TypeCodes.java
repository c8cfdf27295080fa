package dev.plinth.keys;

/**
 * The first byte of each encoded element, chosen so that byte order across types is the order of the types
 * (null, byte string, string, integer, double, false, true, UUID) and, within integers, the order of values.
 * The format is specified in {@code docs/format/keys.md}; these numbers never change.
 */
final class TypeCodes {
    private TypeCodes() {
    }

    /** A null element. */
    static final int NULL = 0x00;
    /** A byte string, escaped and terminated. */
    static final int BYTES = 0x01;
    /** A UTF-8 string, escaped and terminated. */
    static final int STRING = 0x02;
    /** A negative integer of 8 magnitude bytes; {@code INT_ZERO - n} for {@code n} bytes. */
    static final int INT_NEG_8 = 0x0C;
    /** The integer zero, with no bytes after it. */
    static final int INT_ZERO = 0x14;
    /** A positive integer of 8 magnitude bytes; {@code INT_ZERO + n} for {@code n} bytes. */
    static final int INT_POS_8 = 0x1C;
    /** A double: its 8 transformed IEEE 754 bytes. */
    static final int DOUBLE = 0x21;
    /** {@code false}. */
    static final int FALSE = 0x26;
    /** {@code true}. */
    static final int TRUE = 0x27;
    /** A UUID: 16 bytes, most significant first. */
    static final int UUID = 0x30;

    /** Ends a byte string or string; inside one, a 0x00 byte is written as {@code 0x00 ESCAPE}. */
    static final int TERMINATOR = 0x00;
    /** Follows a 0x00 byte inside a byte string or string. */
    static final int ESCAPE = 0xFF;
}
