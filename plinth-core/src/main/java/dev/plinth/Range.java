package dev.plinth;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A half-open key range {@code [start, end)} under unsigned byte order.
 *
 * <p>A {@code null} start means "from the first key"; a {@code null} end means "to the last key". A
 * range whose start is after its end is rejected with {@link IllegalArgumentException}, never treated
 * as empty; a range whose start equals its end is valid and empty. Instances are immutable and
 * thread-safe; the bounds are copied on the way in and on the way out.
 */
public final class Range {
    private static final Range ALL = new Range(null, null);

    private final byte[] start;
    private final byte[] end;

    private Range(byte[] start, byte[] end) {
        this.start = start;
        this.end = end;
    }

    /**
     * The range of every key.
     *
     * @return the unbounded range
     */
    public static Range all() {
        return ALL;
    }

    /**
     * The keys {@code k} with {@code start <= k < end}.
     *
     * @param start inclusive lower bound, or {@code null} for unbounded
     * @param end exclusive upper bound, or {@code null} for unbounded
     * @return the range
     * @throws IllegalArgumentException if {@code start} is after {@code end}
     */
    public static Range of(byte[] start, byte[] end) {
        if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
            throw new IllegalArgumentException("inverted range: start " + hex(start) + " is after end " + hex(end));
        }
        return new Range(start == null ? null : start.clone(), end == null ? null : end.clone());
    }

    /**
     * The keys at or after {@code start}.
     *
     * @param start inclusive lower bound
     * @return the range
     * @throws NullPointerException if {@code start} is null
     */
    public static Range from(byte[] start) {
        Objects.requireNonNull(start, "start");
        return new Range(start.clone(), null);
    }

    /**
     * The keys before {@code end}.
     *
     * @param end exclusive upper bound
     * @return the range
     * @throws NullPointerException if {@code end} is null
     */
    public static Range until(byte[] end) {
        Objects.requireNonNull(end, "end");
        return new Range(null, end.clone());
    }

    /**
     * The keys that start with {@code prefix}. An empty prefix is every key; a prefix made only of
     * {@code 0xFF} bytes has no finite upper bound and so yields an end of {@code null}.
     *
     * @param prefix the common prefix
     * @return the range
     * @throws NullPointerException if {@code prefix} is null
     */
    public static Range prefix(byte[] prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length == 0) {
            return ALL;
        }
        return new Range(prefix.clone(), prefixSuccessor(prefix));
    }

    /**
     * The smallest key greater than every key with the given prefix, or {@code null} if there is none
     * (the prefix is empty or all {@code 0xFF}).
     *
     * @param prefix a prefix
     * @return the exclusive upper bound of the prefix range, or {@code null}
     */
    public static byte[] prefixSuccessor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    /**
     * The inclusive lower bound.
     *
     * @return a copy of the start, or {@code null} if unbounded
     */
    public byte[] start() {
        return start == null ? null : start.clone();
    }

    /**
     * The exclusive upper bound.
     *
     * @return a copy of the end, or {@code null} if unbounded
     */
    public byte[] end() {
        return end == null ? null : end.clone();
    }

    /**
     * Whether {@code key} lies in this range.
     *
     * @param key a key
     * @return {@code true} if {@code start <= key < end}
     * @throws NullPointerException if {@code key} is null
     */
    public boolean contains(byte[] key) {
        Objects.requireNonNull(key, "key");
        return (start == null || Arrays.compareUnsigned(key, start) >= 0)
                && (end == null || Arrays.compareUnsigned(key, end) < 0);
    }

    /**
     * Whether the range cannot contain any key.
     *
     * @return {@code true} if both bounds are set and equal
     */
    public boolean isEmpty() {
        return start != null && end != null && Arrays.equals(start, end);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Range r && Arrays.equals(start, r.start) && Arrays.equals(end, r.end);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(start) + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
        return "[" + (start == null ? "-inf" : hex(start)) + ", " + (end == null ? "+inf" : hex(end)) + ")";
    }

    private static String hex(byte[] b) {
        return b.length > 32 ? HexFormat.of().formatHex(b, 0, 32) + "..." : HexFormat.of().formatHex(b);
    }
}
