package dev.plinth.internal;

import dev.plinth.CorruptionException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * How the core stores values: one header byte, then for an expiring value an 8-byte big-endian expiry
 * instant in epoch milliseconds, then for a checksummed value a 4-byte big-endian CRC32C of the key, the
 * header and the value, then the user's value. Described in {@code docs/format/value-encoding.md}.
 * Stateless.
 *
 * <p>An entry is expired at every instant {@code now >= expiresAt}. The checked headers differ from the
 * unchecked ones in at least two bits, so that one flipped bit cannot turn a checked value into an
 * unchecked one.
 */
public final class ValueCodec {
    /** Header of a value that never expires. */
    public static final byte PLAIN = 0x00;
    /** Header of a value followed by its expiry instant. */
    public static final byte EXPIRING = 0x01;
    /** Header of a value that never expires, with a checksum. */
    public static final byte CHECKED_PLAIN = 0x12;
    /** Header of a value followed by its expiry instant, with a checksum. */
    public static final byte CHECKED_EXPIRING = 0x24;
    /** The most bytes the encoding adds to a value. */
    public static final int MAX_OVERHEAD = 13;
    /** The bytes of a value's start that hold its header and expiry instant, enough for {@link #expiresAt}. */
    public static final int EXPIRY_PREFIX = 9;

    private ValueCodec() {
    }

    /**
     * Encodes a value without a checksum.
     *
     * @param value the user's value
     * @param expiresAtMillis the expiry instant, or {@code 0} for none
     * @return the stored form, a new array
     */
    public static byte[] encode(byte[] value, long expiresAtMillis) {
        return encode(null, value, expiresAtMillis);
    }

    /**
     * Encodes a value, with a checksum over key, header and value when {@code key} is given.
     *
     * @param key the entry's key, or {@code null} for no checksum
     * @param value the user's value
     * @param expiresAtMillis the expiry instant, or {@code 0} for none
     * @return the stored form, a new array
     */
    public static byte[] encode(byte[] key, byte[] value, long expiresAtMillis) {
        boolean expiring = expiresAtMillis != 0;
        boolean checked = key != null;
        int prefix = 1 + (expiring ? 8 : 0);
        int offset = prefix + (checked ? 4 : 0);
        byte[] raw = new byte[offset + value.length];
        raw[0] = checked ? (expiring ? CHECKED_EXPIRING : CHECKED_PLAIN) : (expiring ? EXPIRING : PLAIN);
        if (expiring) {
            for (int i = 0; i < 8; i++) {
                raw[1 + i] = (byte) (expiresAtMillis >>> (56 - 8 * i));
            }
        }
        System.arraycopy(value, 0, raw, offset, value.length);
        if (checked) {
            int crc = checksum(key, raw, prefix, offset);
            for (int i = 0; i < 4; i++) {
                raw[prefix + i] = (byte) (crc >>> (24 - 8 * i));
            }
        }
        return raw;
    }

    /**
     * Where the user's value starts in a stored form.
     *
     * @param raw the stored form, or at least its first {@link #MAX_OVERHEAD} bytes
     * @return the offset
     * @throws CorruptionException if the header is unknown or the form too short for it
     */
    public static int valueOffset(byte[] raw) {
        return valueOffset(raw, 0, raw.length);
    }

    /**
     * Where the user's value starts in a stored form held in part of an array.
     *
     * @param raw the array
     * @param from where the stored form starts in it
     * @param length the stored form's length, or at least {@link #MAX_OVERHEAD} bytes of it
     * @return the offset from {@code from}
     * @throws CorruptionException if the header is unknown or the form too short for it
     */
    public static int valueOffset(byte[] raw, int from, int length) {
        int offset = length == 0 ? -1 : headerLength(raw[from]);
        if (offset < 0 || length < offset) {
            throw malformed(Arrays.copyOfRange(raw, from, from + length));
        }
        return offset;
    }

    /**
     * Where the user's value starts in a lent stored form (from the buffer's position to its limit).
     *
     * @param raw the stored form
     * @return the offset from the buffer's position
     * @throws CorruptionException if the header is unknown or the form too short for it
     */
    public static int valueOffset(ByteBuffer raw) {
        int at = raw.position();
        int length = raw.limit() - at;
        int offset = length == 0 ? -1 : headerLength(raw.get(at));
        if (offset < 0 || length < offset) {
            throw malformed(prefix(raw));
        }
        return offset;
    }

    /** The bytes a header and what follows it take before the user's value; {@code -1} for an unknown header. */
    private static int headerLength(byte header) {
        return switch (header) {
            case PLAIN -> 1;
            case EXPIRING -> 9;
            case CHECKED_PLAIN -> 5;
            case CHECKED_EXPIRING -> 13;
            default -> -1;
        };
    }

    /** The first bytes of a lent stored form, as much as a message shows. */
    static byte[] prefix(ByteBuffer raw) {
        byte[] out = new byte[Math.min(raw.remaining(), MAX_OVERHEAD)];
        raw.get(raw.position(), out);
        return out;
    }

    /**
     * Whether a stored form carries a checksum.
     *
     * @param raw a stored form with a known header
     * @return {@code true} for the checked headers
     */
    public static boolean isChecked(byte[] raw) {
        return raw.length > 0 && (raw[0] == CHECKED_PLAIN || raw[0] == CHECKED_EXPIRING);
    }

    /**
     * Whether a whole stored form's checksum matches its key, header and value. Unchecked forms have none
     * and always match.
     *
     * @param key the entry's key
     * @param raw the whole stored form, its header known to be good ({@link #valueOffset})
     * @return {@code true} if it matches or there is no checksum
     */
    public static boolean checksumMatches(byte[] key, byte[] raw) {
        if (!isChecked(raw)) {
            return true;
        }
        int offset = valueOffset(raw);
        int prefix = offset - 4;
        int stored = ((raw[prefix] & 0xFF) << 24) | ((raw[prefix + 1] & 0xFF) << 16)
                | ((raw[prefix + 2] & 0xFF) << 8) | (raw[prefix + 3] & 0xFF);
        return stored == checksum(key, raw, prefix, offset);
    }

    /**
     * Whether a lent stored form's checksum matches its key, header and value, read in place. Unchecked
     * forms have none and always match. Neither buffer's position or limit is changed.
     *
     * @param key the entry's key, from position to limit
     * @param raw the whole stored form, from position to limit, its header known to be good
     * @param crc a checksum to reuse; reset here
     * @return {@code true} if it matches or there is no checksum
     */
    public static boolean checksumMatches(ByteBuffer key, ByteBuffer raw, CRC32C crc) {
        int at = raw.position();
        byte header = raw.get(at);
        if (header != CHECKED_PLAIN && header != CHECKED_EXPIRING) {
            return true;
        }
        int offset = valueOffset(raw);
        int prefix = offset - 4;
        int stored = ((raw.get(at + prefix) & 0xFF) << 24) | ((raw.get(at + prefix + 1) & 0xFF) << 16)
                | ((raw.get(at + prefix + 2) & 0xFF) << 8) | (raw.get(at + prefix + 3) & 0xFF);
        crc.reset();
        update(crc, key, key.position(), key.limit());
        if (prefix == 1) {
            crc.update(header); // the header alone, as for a value without an expiry: no slice of the buffer
        } else {
            update(crc, raw, at, at + prefix);
        }
        update(crc, raw, at + offset, raw.limit());
        return stored == (int) crc.getValue();
    }

    /** Adds {@code b}'s bytes {@code [from, to)} to a checksum, leaving its position and limit as they were. */
    private static void update(CRC32C crc, ByteBuffer b, int from, int to) {
        int position = b.position();
        int limit = b.limit();
        b.limit(to).position(from);
        crc.update(b);
        b.limit(limit).position(position);
    }

    /** CRC32C of the key, the header before the checksum, and the value after it. */
    private static int checksum(byte[] key, byte[] raw, int prefix, int offset) {
        CRC32C crc = new CRC32C();
        crc.update(key, 0, key.length);
        crc.update(raw, 0, prefix);
        crc.update(raw, offset, raw.length - offset);
        return (int) crc.getValue();
    }

    /**
     * The expiry instant of a stored value.
     *
     * @param raw the stored form, or at least its first {@link #EXPIRY_PREFIX} bytes
     * @return the expiry instant in epoch milliseconds, or {@code 0} if it never expires
     * @throws CorruptionException if the header is unknown
     */
    public static long expiresAt(byte[] raw) {
        if (raw.length >= 1 && (raw[0] == PLAIN || raw[0] == CHECKED_PLAIN)) {
            return 0;
        }
        if (raw.length >= EXPIRY_PREFIX && (raw[0] == EXPIRING || raw[0] == CHECKED_EXPIRING)) {
            long t = 0;
            for (int i = 0; i < 8; i++) {
                t = (t << 8) | (raw[1 + i] & 0xFF);
            }
            return t;
        }
        throw malformed(raw);
    }

    /**
     * The expiry instant of a lent stored value, read in place.
     *
     * @param raw the stored form, or at least its first {@link #EXPIRY_PREFIX} bytes, from position to limit
     * @return the expiry instant in epoch milliseconds, or {@code 0} if it never expires
     * @throws CorruptionException if the header is unknown
     */
    public static long expiresAt(ByteBuffer raw) {
        int at = raw.position();
        int length = raw.limit() - at;
        byte header = length == 0 ? -1 : raw.get(at);
        if (length >= 1 && (header == PLAIN || header == CHECKED_PLAIN)) {
            return 0;
        }
        if (length >= EXPIRY_PREFIX && (header == EXPIRING || header == CHECKED_EXPIRING)) {
            long t = 0;
            for (int i = 1; i <= 8; i++) {
                t = (t << 8) | (raw.get(at + i) & 0xFF);
            }
            return t;
        }
        throw malformed(prefix(raw));
    }

    private static CorruptionException malformed(byte[] raw) {
        return new CorruptionException("a stored value has an unknown header or is too short for it: "
                + Bytes.hex(Arrays.copyOf(raw, Math.min(raw.length, MAX_OVERHEAD))));
    }

    /**
     * Whether a stored value is visible at {@code nowMillis}.
     *
     * @param raw the stored form
     * @param nowMillis the read's instant
     * @return {@code true} unless it expired
     */
    public static boolean isLive(byte[] raw, long nowMillis) {
        long t = expiresAt(raw);
        return t == 0 || nowMillis < t;
    }

    /**
     * Whether a lent stored value is visible at {@code nowMillis}, read in place.
     *
     * @param raw the stored form, from position to limit
     * @param nowMillis the read's instant
     * @return {@code true} unless it expired
     */
    public static boolean isLive(ByteBuffer raw, long nowMillis) {
        long t = expiresAt(raw);
        return t == 0 || nowMillis < t;
    }

    /**
     * The user's value in a stored form.
     *
     * @param raw the stored form
     * @return a new array
     */
    public static byte[] decode(byte[] raw) {
        return Arrays.copyOfRange(raw, valueOffset(raw), raw.length);
    }

    /**
     * The user's value if visible at {@code nowMillis}.
     *
     * @param raw the stored form, or {@code null}
     * @param nowMillis the read's instant
     * @return a new array, or {@code null} if absent or expired
     */
    public static byte[] decodeIfLive(byte[] raw, long nowMillis) {
        if (raw == null || !isLive(raw, nowMillis)) {
            return null;
        }
        return decode(raw);
    }

    /**
     * Whether a stored value is visible and holds exactly {@code expected}.
     *
     * @param raw the stored form, or {@code null}
     * @param expected the user's value
     * @param nowMillis the read's instant
     * @return {@code true} if equal and live
     */
    public static boolean liveEquals(byte[] raw, byte[] expected, long nowMillis) {
        if (raw == null || !isLive(raw, nowMillis)) {
            return false;
        }
        return Arrays.equals(raw, valueOffset(raw), raw.length, expected, 0, expected.length);
    }

    /**
     * A positive time to live in the clock's whole milliseconds, rounded up so that a time to live shorter
     * than a millisecond still keeps the entry visible at the instant it is written; saturates at
     * {@link Long#MAX_VALUE} instead of overflowing.
     *
     * @param ttl a positive duration
     * @return at least {@code 1}
     */
    public static long ttlMillis(java.time.Duration ttl) {
        long seconds = ttl.getSeconds();
        if (seconds >= Long.MAX_VALUE / 1000) {
            return Long.MAX_VALUE;
        }
        long nanos = ttl.getNano();
        return seconds * 1000 + (nanos + 999_999) / 1_000_000;
    }

    /**
     * The expiry instant of a write made at {@code nowMillis} with a time to live, saturating.
     *
     * @param nowMillis the write's instant
     * @param ttlMillis the time to live, positive
     * @return the expiry instant, never {@code 0}
     */
    public static long expiry(long nowMillis, long ttlMillis) {
        long t = nowMillis + ttlMillis;
        if (((nowMillis ^ t) & (ttlMillis ^ t)) < 0) {
            return Long.MAX_VALUE;
        }
        return t == 0 ? 1 : t;
    }
}
