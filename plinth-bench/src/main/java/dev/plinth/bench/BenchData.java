package dev.plinth.bench;

import java.nio.charset.StandardCharsets;

/**
 * The data every target is loaded with and written with: {@code keyCount} keys of {@link #KEY_SIZE} bytes
 * ({@code k} and the zero-padded decimal index, so byte order is index order) and values of a given size
 * with deterministic content. Immutable and thread-safe.
 */
public final class BenchData {
    /** Bytes per key. */
    public static final int KEY_SIZE = 16;
    /** Distinct value contents cycled through by {@link #value(int)}. */
    private static final int VALUE_VARIANTS = 64;

    private final int keyCount;
    private final byte[][] keys;
    private final byte[][] values;

    /**
     * Makes the data set.
     *
     * @throws IllegalArgumentException if {@code keyCount < 1} or {@code valueSize < 8}
     */
    public BenchData(int keyCount, int valueSize) {
        if (keyCount < 1 || valueSize < 8) {
            throw new IllegalArgumentException("keyCount must be >= 1 and valueSize >= 8, got " + keyCount
                    + " and " + valueSize);
        }
        this.keyCount = keyCount;
        this.keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = key(i);
        }
        this.values = new byte[VALUE_VARIANTS][];
        long x = 0x9E3779B97F4A7C15L;
        for (int v = 0; v < VALUE_VARIANTS; v++) {
            byte[] value = new byte[valueSize];
            for (int i = 0; i < valueSize; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                value[i] = (byte) x;
            }
            values[v] = value;
        }
    }

    /** The key of index {@code i}: {@code k} followed by {@code i} in 15 zero-padded decimal digits. */
    public static byte[] key(long i) {
        byte[] k = String.format("k%015d", i).getBytes(StandardCharsets.US_ASCII);
        assert k.length == KEY_SIZE;
        return k;
    }

    /** Number of keys. */
    public int keyCount() {
        return keyCount;
    }

    /** The (shared, not to be modified) key of index {@code i}, {@code 0 <= i < keyCount()}. */
    public byte[] keyAt(int i) {
        return keys[i];
    }

    /** A (shared, not to be modified) value; which one depends on {@code i}. */
    public byte[] value(int i) {
        return values[Math.floorMod(i, VALUE_VARIANTS)];
    }

    /** Loads every key into {@code target} with its value {@link #value(int) value(i)}, in batches of 1,000 in key order. */
    public void load(KvTarget target) {
        int batch = 1000;
        byte[][] k = new byte[batch][];
        byte[][] v = new byte[batch][];
        for (int start = 0; start < keyCount; start += batch) {
            int n = Math.min(batch, keyCount - start);
            for (int j = 0; j < n; j++) {
                k[j] = keys[start + j];
                v[j] = value(start + j);
            }
            target.putBatch(k, v, 0, n);
        }
    }
}
