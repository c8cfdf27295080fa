package dev.plinth.internal;

import dev.plinth.CorruptionException;
import java.util.Arrays;

/**
 * How the core stores values on engines without native time to live: one header byte, then for an
 * expiring value an 8-byte big-endian expiry instant in epoch milliseconds, then the user's value.
 * Described in {@code docs/format/value-encoding.md}. Stateless.
 *
 * <p>An entry is expired at every instant {@code now >= expiresAt}.
 */
public final class ValueCodec {
    /** Header of a value that never expires. */
    public static final byte PLAIN = 0x00;
    /** Header of a value followed by its expiry instant. */
    public static final byte EXPIRING = 0x01;
    /** The most bytes the encoding adds to a value. */
    public static final int MAX_OVERHEAD = 9;

    private ValueCodec() {
    }

    /**
     * Encodes a value.
     *
     * @param value the user's value
     * @param expiresAtMillis the expiry instant, or {@code 0} for none
     * @return the stored form, a new array
     */
    public static byte[] encode(byte[] value, long expiresAtMillis) {
        if (expiresAtMillis == 0) {
            byte[] raw = new byte[value.length + 1];
            raw[0] = PLAIN;
            System.arraycopy(value, 0, raw, 1, value.length);
            return raw;
        }
        byte[] raw = new byte[value.length + MAX_OVERHEAD];
        raw[0] = EXPIRING;
        for (int i = 0; i < 8; i++) {
            raw[1 + i] = (byte) (expiresAtMillis >>> (56 - 8 * i));
        }
        System.arraycopy(value, 0, raw, MAX_OVERHEAD, value.length);
        return raw;
    }

    /**
     * The expiry instant of a stored value.
     *
     * @param raw the stored form
     * @return the expiry instant in epoch milliseconds, or {@code 0} if it never expires
     * @throws CorruptionException if the header is unknown
     */
    public static long expiresAt(byte[] raw) {
        if (raw.length >= 1 && raw[0] == PLAIN) {
            return 0;
        }
        if (raw.length >= MAX_OVERHEAD && raw[0] == EXPIRING) {
            long t = 0;
            for (int i = 0; i < 8; i++) {
                t = (t << 8) | (raw[1 + i] & 0xFF);
            }
            return t;
        }
        throw new CorruptionException("stored value has an unknown header: " + Bytes.hex(Arrays.copyOf(raw, Math.min(raw.length, 9))));
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
     * The user's value in a stored form.
     *
     * @param raw the stored form
     * @return a new array
     */
    public static byte[] decode(byte[] raw) {
        int off = raw[0] == PLAIN ? 1 : MAX_OVERHEAD;
        expiresAt(raw); // checks the header
        return Arrays.copyOfRange(raw, off, raw.length);
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
        int off = raw[0] == PLAIN ? 1 : MAX_OVERHEAD;
        return Arrays.equals(raw, off, raw.length, expected, 0, expected.length);
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
