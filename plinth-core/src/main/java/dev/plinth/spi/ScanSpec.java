package dev.plinth.spi;

/**
 * What an engine cursor walks and reads: the half-open range {@code [start, end)} ({@code null} bounds are
 * unbounded), the direction, and how much of each value the caller will read. Immutable; the arrays are the
 * caller's, which the core never changes after handing them over (see the package documentation).
 *
 * <p>{@link #valueBytes()} lets an engine skip reading values it would otherwise copy: a keys-only scan of the
 * public API reads only the few bytes of each value that say whether the entry expired, so the engine may
 * return just a prefix of each value, of at least {@code min(valueBytes, length)} bytes. An engine that cannot
 * read less may return whole values; with {@link #FULL_VALUES} it must.
 *
 * @param start the inclusive lower bound, or {@code null}
 * @param end the exclusive upper bound, or {@code null}
 * @param reverse {@code true} for descending key order
 * @param valueBytes how many leading bytes of each value the caller reads: {@link #FULL_VALUES}, a positive
 *     count, or {@code 0} when it reads none
 * @param limitHint how many entries the caller expects to read at most (its cursor's limit), or
 *     {@link #NO_LIMIT}: a hint for engines that fetch entries in pages, so that a scan of a hundred entries
 *     does not fetch a page of five hundred. Never a bound: the engine must still return every entry of the
 *     range that is asked for (the core asks for more when it skips expired entries, and after a seek)
 */
public record ScanSpec(byte[] start, byte[] end, boolean reverse, int valueBytes, int limitHint) {
    /** {@link #valueBytes()} of a scan that reads whole values. */
    public static final int FULL_VALUES = Integer.MAX_VALUE;
    /** {@link #limitHint()} of a scan with no limit. */
    public static final int NO_LIMIT = Integer.MAX_VALUE;

    /**
     * Checks the value budget.
     *
     * @param start the inclusive lower bound, or {@code null}
     * @param end the exclusive upper bound, or {@code null}
     * @param reverse {@code true} for descending key order
     * @param valueBytes how many leading bytes of each value the caller reads
     * @param limitHint how many entries the caller expects to read at most, or {@link #NO_LIMIT}
     * @throws IllegalArgumentException if {@code valueBytes} or {@code limitHint} is negative
     */
    public ScanSpec {
        if (valueBytes < 0) {
            throw new IllegalArgumentException("valueBytes must be 0 or more, got " + valueBytes);
        }
        if (limitHint < 0) {
            throw new IllegalArgumentException("limitHint must be 0 or more, got " + limitHint);
        }
    }

    /**
     * A scan with no limit hint.
     *
     * @param start the inclusive lower bound, or {@code null}
     * @param end the exclusive upper bound, or {@code null}
     * @param reverse {@code true} for descending key order
     * @param valueBytes how many leading bytes of each value the caller reads
     * @throws IllegalArgumentException if {@code valueBytes} is negative
     */
    public ScanSpec(byte[] start, byte[] end, boolean reverse, int valueBytes) {
        this(start, end, reverse, valueBytes, NO_LIMIT);
    }

    /**
     * A forward scan of {@code [start, end)} that reads whole values.
     *
     * @param start the inclusive lower bound, or {@code null}
     * @param end the exclusive upper bound, or {@code null}
     * @return the spec
     */
    public static ScanSpec of(byte[] start, byte[] end) {
        return new ScanSpec(start, end, false, FULL_VALUES);
    }

    /**
     * A forward scan of every key that reads whole values.
     *
     * @return the spec
     */
    public static ScanSpec all() {
        return of(null, null);
    }

    /**
     * This scan in the given direction.
     *
     * @param descending {@code true} for descending key order
     * @return the spec
     */
    public ScanSpec reverse(boolean descending) {
        return new ScanSpec(start, end, descending, valueBytes, limitHint);
    }

    /**
     * This scan reading only the first {@code n} bytes of each value.
     *
     * @param n the bytes the caller reads of each value, {@code 0} for none
     * @return the spec
     */
    public ScanSpec valuesUpTo(int n) {
        return new ScanSpec(start, end, reverse, n, limitHint);
    }

    /**
     * This scan with a limit hint.
     *
     * @param expected how many entries the caller expects to read at most, or {@link #NO_LIMIT}
     * @return the spec
     */
    public ScanSpec withLimitHint(int expected) {
        return new ScanSpec(start, end, reverse, valueBytes, expected);
    }

    /**
     * Whether the caller reads whole values.
     *
     * @return {@code true} for {@link #FULL_VALUES}
     */
    public boolean fullValues() {
        return valueBytes == FULL_VALUES;
    }

    @Override
    public String toString() {
        return "ScanSpec[" + (reverse ? "reverse " : "") + dev.plinth.Range.of(start, end)
                + (fullValues() ? "" : ", values up to " + valueBytes + " bytes")
                + (limitHint == NO_LIMIT ? "" : ", about " + limitHint + " entries") + "]";
    }
}
