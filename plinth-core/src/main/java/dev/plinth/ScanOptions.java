package dev.plinth;

/**
 * How a {@link Cursor} walks its range: direction, a cap on the number of entries, and whether values
 * are read at all. Immutable and thread-safe; each {@code with...} method returns a new instance.
 */
public final class ScanOptions {
    private static final ScanOptions FORWARD = new ScanOptions(false, Long.MAX_VALUE, false);

    private final boolean reverse;
    private final long limit;
    private final boolean keysOnly;

    private ScanOptions(boolean reverse, long limit, boolean keysOnly) {
        this.reverse = reverse;
        this.limit = limit;
        this.keysOnly = keysOnly;
    }

    /**
     * Forward order, no limit, keys and values.
     *
     * @return the default options
     */
    public static ScanOptions forward() {
        return FORWARD;
    }

    /**
     * Reverse (descending) order, no limit, keys and values.
     *
     * @return reverse options
     */
    public static ScanOptions reverse() {
        return new ScanOptions(true, Long.MAX_VALUE, false);
    }

    /**
     * The same options in the other direction.
     *
     * @param reverse {@code true} for descending key order
     * @return new options
     */
    public ScanOptions withReverse(boolean reverse) {
        return new ScanOptions(reverse, limit, keysOnly);
    }

    /**
     * The same options returning at most {@code limit} entries over the cursor's whole life.
     *
     * @param limit the maximum number of entries, zero or more
     * @return new options
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public ScanOptions withLimit(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        return new ScanOptions(reverse, limit, keysOnly);
    }

    /**
     * The same options without reading values; {@link Cursor#value()} then throws.
     *
     * @param keysOnly {@code true} to skip values
     * @return new options
     */
    public ScanOptions withKeysOnly(boolean keysOnly) {
        return new ScanOptions(reverse, limit, keysOnly);
    }

    /**
     * Whether the cursor walks in descending key order.
     *
     * @return {@code true} for reverse order
     */
    public boolean isReverse() {
        return reverse;
    }

    /**
     * The maximum number of entries the cursor returns; {@link Long#MAX_VALUE} means no limit.
     *
     * @return the limit
     */
    public long limit() {
        return limit;
    }

    /**
     * Whether values are skipped.
     *
     * @return {@code true} if only keys are read
     */
    public boolean isKeysOnly() {
        return keysOnly;
    }

    @Override
    public String toString() {
        return "ScanOptions[reverse=" + reverse + ", limit=" + (limit == Long.MAX_VALUE ? "none" : limit)
                + ", keysOnly=" + keysOnly + "]";
    }
}
