package dev.plinth;

/**
 * A key, value or batch is larger than the engine accepts ({@link Capabilities}). Raised before anything
 * is written; nothing was applied.
 */
public class LimitExceededException extends PlinthException {
    private static final long serialVersionUID = 1L;

    /** Which limit was exceeded. */
    public enum Limit {
        /** {@link Capabilities#maxKeySize()}. */
        KEY_SIZE,
        /** {@link Capabilities#maxValueSize()}. */
        VALUE_SIZE,
        /** {@link Capabilities#maxBatchOps()}. */
        BATCH_OPS,
        /** {@link Capabilities#maxBatchBytes()}. */
        BATCH_BYTES
    }

    private final Limit limit;
    private final long actual;
    private final long maximum;

    /**
     * Makes the exception.
     *
     * @param limit the limit exceeded
     * @param actual the size given
     * @param maximum the largest size accepted
     * @param context the store and operation
     */
    public LimitExceededException(Limit limit, long actual, long maximum, String context) {
        super(limit + " exceeded: " + actual + " > " + maximum + " (" + context + ")");
        this.limit = limit;
        this.actual = actual;
        this.maximum = maximum;
    }

    /**
     * Which limit was exceeded.
     *
     * @return the limit
     */
    public Limit limit() {
        return limit;
    }

    /**
     * The size given.
     *
     * @return the size
     */
    public long actual() {
        return actual;
    }

    /**
     * The largest size accepted.
     *
     * @return the maximum
     */
    public long maximum() {
        return maximum;
    }
}
