package dev.plinth.keys;

/**
 * The first byte of each encoded element, chosen so that byte order across types is the order of the types
 * (null, byte string, string, integer, double, false, true, UUID) and, within integers, the order of values.
 * The format is specified in {@code docs/format/keys.md}; these numbers never change.
 */
final class TypeCodes {
    private TypeCodes() {
    }

    static final int NULL = 0x00;
    static final int BYTES = 0x01;
    static final int STRING = 0x02;
    /** A negative integer of 8 magnitude bytes; {@code INT_ZERO - n} for {@code n} bytes. */
    static final int INT_NEG_8 = 0x0C;
    static final int INT_ZERO = 0x14;
    /** A positive integer of 8 magnitude bytes; {@code INT_ZERO + n} for {@code n} bytes. */
    static final int INT_POS_8 = 0x1C;
    static final int DOUBLE = 0x21;
    static final int FALSE = 0x26;
    static final int TRUE = 0x27;
    static final int UUID = 0x30;

    /** Ends a byte string or string; inside one, a 0x00 byte is written as {@code 0x00 ESCAPE}. */
    static final int TERMINATOR = 0x00;
    static final int ESCAPE = 0xFF;
}
