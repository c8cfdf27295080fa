package dev.plinth.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The keys and values the benchmark writes, built so that every read can be checked cheaply.
 *
 * <p>A key is {@code 'k'} followed by the record's id in zero-padded decimal, so keys sort in id order;
 * keys longer than {@code 1 + }{@link #MAX_DIGITS} bytes are padded with {@code '.'}. A value is the id
 * (8 bytes, big-endian), a version (4 bytes) and filler bytes taken from a seeded buffer at an offset
 * that depends on the id and the version, so a value read back can be checked byte for byte against the
 * key it was read under without storing anything. The filler buffer repeats each half block, so values
 * compress to about half their size, as in LevelDB's {@code db_bench}.
 *
 * <p>Immutable and thread-safe.
 */
final class Records {
    /** Bytes of a value that hold the id and the version. */
    static final int HEADER = 12;
    /** The smallest key size: {@code 'k'} and 7 digits, room for ten million ids. */
    static final int MIN_KEY_SIZE = 8;
    /** The most decimal digits a key uses for the id. */
    static final int MAX_DIGITS = 18;
    private static final int FILLER_BYTES = 1 << 20;
    private static final int HALF_BLOCK = 32;

    private final int keySize;
    private final int valueSize;
    private final int digits;
    private final long idLimit;
    private final byte[] filler;

    /**
     * Makes the codec.
     *
     * @param keySize bytes per key, at least {@link #MIN_KEY_SIZE}
     * @param valueSize bytes per value, at least {@link #HEADER}
     * @param seed seeds the filler bytes
     */
    Records(int keySize, int valueSize, long seed) {
        if (keySize < MIN_KEY_SIZE) {
            throw new IllegalArgumentException("key size must be at least " + MIN_KEY_SIZE + " bytes, got " + keySize);
        }
        if (valueSize < HEADER) {
            throw new IllegalArgumentException("value size must be at least " + HEADER + " bytes, got " + valueSize);
        }
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.digits = Math.min(keySize - 1, MAX_DIGITS);
        long limit = 1;
        for (int i = 0; i < digits; i++) {
            limit *= 10;
        }
        this.idLimit = limit;
        this.filler = new byte[FILLER_BYTES + valueSize];
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < filler.length; i += 2 * HALF_BLOCK) {
            for (int j = 0; j < HALF_BLOCK && i + j < filler.length; j++) {
                filler[i + j] = (byte) rnd.nextInt(256);
            }
            for (int j = 0; j < HALF_BLOCK && i + HALF_BLOCK + j < filler.length; j++) {
                filler[i + HALF_BLOCK + j] = filler[i + j];
            }
        }
    }

    int keySize() {
        return keySize;
    }

    int valueSize() {
        return valueSize;
    }

    /**
     * The number of distinct ids the key size can hold.
     *
     * @return ids {@code 0} up to this number, exclusive, have keys
     */
    long idLimit() {
        return idLimit;
    }

    /**
     * The key of a record.
     *
     * @param id the record's id, {@code 0 <= id < }{@link #idLimit()}
     * @return a new key of {@link #keySize()} bytes
     * @throws IllegalStateException if the id does not fit the key size
     */
    byte[] key(long id) {
        if (id < 0 || id >= idLimit) {
            throw new IllegalStateException("record id " + id + " does not fit a " + keySize + "-byte key");
        }
        byte[] k = new byte[keySize];
        k[0] = 'k';
        long v = id;
        for (int i = digits; i >= 1; i--) {
            k[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        Arrays.fill(k, digits + 1, keySize, (byte) '.');
        return k;
    }

    /**
     * The id a key names.
     *
     * @param key a key
     * @return the id, or {@code -1} if the key is not one of ours
     */
    long id(byte[] key) {
        if (key.length != keySize || key[0] != 'k') {
            return -1;
        }
        long v = 0;
        for (int i = 1; i <= digits; i++) {
            int d = key[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /**
     * The value of a record at a version.
     *
     * @param id the record's id
     * @param version any number; overwrites use new ones
     * @return a new value of {@link #valueSize()} bytes
     */
    byte[] value(long id, int version) {
        byte[] v = new byte[valueSize];
        for (int i = 0; i < 8; i++) {
            v[i] = (byte) (id >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            v[8 + i] = (byte) (version >>> (24 - 8 * i));
        }
        int off = fillerOffset(id, version);
        System.arraycopy(filler, off, v, HEADER, valueSize - HEADER);
        return v;
    }

    /**
     * Whether a value read under a record's key is a value this codec wrote for that record, at any
     * version: length, id and every filler byte are checked.
     *
     * @param id the id of the key it was read under
     * @param value the value read, not null
     * @return {@code true} if it is intact and belongs to {@code id}
     */
    boolean matches(long id, byte[] value) {
        if (value.length != valueSize) {
            return false;
        }
        long got = 0;
        for (int i = 0; i < 8; i++) {
            got = (got << 8) | (value[i] & 0xFF);
        }
        if (got != id) {
            return false;
        }
        int version = 0;
        for (int i = 8; i < HEADER; i++) {
            version = (version << 8) | (value[i] & 0xFF);
        }
        int off = fillerOffset(id, version);
        return Arrays.equals(value, HEADER, valueSize, filler, off, off + valueSize - HEADER);
    }

    /**
     * Describes a value that failed {@link #matches(long, byte[])}, for the error column's note.
     *
     * @param id the id it was read under
     * @param value what was read
     * @return a short description
     */
    String describeMismatch(long id, byte[] value) {
        if (value.length != valueSize) {
            return "value of " + value.length + " bytes under key " + keyText(id) + ", expected " + valueSize;
        }
        long got = 0;
        for (int i = 0; i < 8; i++) {
            got = (got << 8) | (value[i] & 0xFF);
        }
        if (got != id) {
            return "value of record " + got + " under key " + keyText(id);
        }
        return "corrupt value bytes under key " + keyText(id);
    }

    String keyText(long id) {
        return id >= 0 && id < idLimit ? new String(key(id), StandardCharsets.US_ASCII) : "#" + id;
    }

    private int fillerOffset(long id, int version) {
        long h = (id * 0x9E3779B97F4A7C15L) ^ (version * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        return (int) Long.remainderUnsigned(h, FILLER_BYTES);
    }
}
