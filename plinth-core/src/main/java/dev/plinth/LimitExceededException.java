package dev.plinth;

/**
 * A key, value or batch is larger than the engine accepts, or a keyspace or read view would be one more than
 * it allows ({@link Capabilities}). Raised before anything is written or opened; nothing changed.
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
        BATCH_BYTES,
        /** {@link Capabilities#maxKeyspaces()}: a keyspace created past it. */
        KEYSPACES,
        /** {@link Capabilities#maxOpenSnapshots()}: a snapshot, transaction or cursor opened past it. */
        OPEN_SNAPSHOTS
    }

    private final Limit limit;
    private final long actual;
    private final long maximum;

    /**
     * Makes the exception.
     *
     * @param limit the limit exceeded
     * @param actual the size given, or the count the call would have reached
     * @param maximum the largest size or count accepted
     * @param context the store and operation
     */
    public LimitExceededException(Limit limit, long actual, long maximum, String context) {
        super(describe(limit, actual, maximum) + " (" + context + ")");
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
     * The size given, or the count the call would have reached.
     *
     * @return the size
     */
    public long actual() {
        return actual;
    }

    /**
     * The largest size or count accepted.
     *
     * @return the maximum
     */
    public long maximum() {
        return maximum;
    }

    /** The limit in words a user reads: "a key of 600 bytes is over the 511-byte limit". */
    private static String describe(Limit limit, long actual, long maximum) {
        return switch (limit) {
            case KEY_SIZE -> "a key of " + actual + " bytes is over the " + maximum + "-byte limit";
            case VALUE_SIZE -> "a value of " + actual + " bytes is over the " + maximum + "-byte limit";
            case BATCH_OPS -> "a batch of " + actual + " operations is over the limit of " + maximum + " operations";
            case BATCH_BYTES -> "a batch of " + actual + " bytes is over the " + maximum + "-byte limit";
            case KEYSPACES -> actual + " keyspaces would be over the limit of " + maximum;
            case OPEN_SNAPSHOTS -> actual + " open snapshots, transactions and cursors would be over the limit of "
                    + maximum;
        };
    }
}
