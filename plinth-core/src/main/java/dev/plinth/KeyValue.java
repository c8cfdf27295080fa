package dev.plinth;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A key and its value. Equality compares contents. The arrays are the caller's; the class does not
 * copy them, so treat an instance as a view and do not change its arrays while it is shared.
 *
 * @param key the key, never null
 * @param value the value, or {@code null} where only keys were read
 */
public record KeyValue(byte[] key, byte[] value) {
    /**
     * Makes a pair.
     *
     * @param key the key
     * @param value the value, or {@code null} where only keys were read
     * @throws NullPointerException if {@code key} is null
     */
    public KeyValue {
        Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv && Arrays.equals(key, kv.key) && Arrays.equals(value, kv.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(key) + "=" + (value == null ? "(keys only)" : HexFormat.of().formatHex(value));
    }
}
